using VelesDb.Core.Distance;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Tests.Distance;

/// <summary>The score conventions of spec §1.7 on hand-computed cases, and the ranking-key contract.</summary>
public class DistanceScoreTests
{
    [Fact]
    public void Cosine_OrthogonalVectors_IsZero()
    {
        Assert.Equal(0f, CosineDistance.Score([1f, 0f], [0f, 1f]));
    }

    [Fact]
    public void Cosine_OppositeVectors_IsMinusOne()
    {
        Assert.Equal(-1f, CosineDistance.Score([1f, 2f, 3f], [-1f, -2f, -3f]), 6);
        var a = Filled(100, i => i + 1f);
        var b = Filled(100, i => -(i + 1f));
        var score = CosineDistance.Score(a, b);
        Assert.Equal(-1f, score, 5);
        Assert.True(score >= -1f);
    }

    [Fact]
    public void Cosine_ParallelVectors_IsOneAndNeverAboveOne()
    {
        Assert.Equal(1f, CosineDistance.Score([1f, 2f, 3f], [2f, 4f, 6f]), 6);
        var random = new Random(3);
        for (var n = 1; n < 200; n += 7)
        {
            var a = KernelTestData.Signed(n, random);
            var score = CosineDistance.Score(a, a);
            Assert.InRange(score, 0.99999f, 1f);
        }
    }

    [Fact]
    public void Cosine_FortyFiveDegrees_IsInverseSqrtTwo()
    {
        Assert.Equal(1f / MathF.Sqrt(2f), CosineDistance.Score([1f, 0f], [1f, 1f]), 6);
    }

    [Fact]
    public void Cosine_ZeroOrEmptyVector_IsZero()
    {
        Assert.Equal(0f, CosineDistance.Score([0f, 0f, 0f], [1f, 2f, 3f]));
        Assert.Equal(0f, CosineDistance.Score([1f, 2f, 3f], [0f, 0f, 0f]));
        Assert.Equal(0f, CosineDistance.Score(new float[40], new float[40]));
        Assert.Equal(0f, CosineDistance.Score([], []));
    }

    [Fact]
    public void Cosine_LargeComponents_DoNotOverflow()
    {
        // Each squared norm is about 3e37; their float product would overflow to infinity.
        var a = Filled(3, _ => 1e18f);
        Assert.Equal(1f, CosineDistance.Score(a, a), 5);
    }

    [Fact]
    public void Euclidean_ThreeFourFive_IsFiveWithSquaredRankingKey()
    {
        Assert.Equal(5f, EuclideanDistance.Score([0f, 0f], [3f, 4f]));
        Assert.Equal(25f, EuclideanDistance.Distance([0f, 0f], [3f, 4f]));
        Assert.Equal(5f, EuclideanDistance.ToScore(25f));
    }

    [Fact]
    public void Euclidean_LongVectors_IsTrueL2()
    {
        // 100 components each differing by 2: sqrt(100 * 4) = 20.
        Assert.Equal(20f, EuclideanDistance.Score(new float[100], Filled(100, _ => 2f)));
        Assert.Equal(0f, EuclideanDistance.Score([1f, 2f, 3f], [1f, 2f, 3f]));
    }

    [Fact]
    public void DotProduct_KnownVectors_IsRawInnerProductWithNegatedKey()
    {
        Assert.Equal(12f, DotProductDistance.Score([1f, 2f, 3f], [4f, -5f, 6f]));
        Assert.Equal(-12f, DotProductDistance.Distance([1f, 2f, 3f], [4f, -5f, 6f]));
        // Σ i·2 for i in 0..99 = 9900, exact in float.
        Assert.Equal(9900f, DotProductDistance.Score(Filled(100, i => i), Filled(100, _ => 2f)));
        Assert.Equal(0f, DotProductDistance.Score([], []));
    }

    [Fact]
    public void Hamming_KnownVectors_CountsBinarisedDifferences()
    {
        // Binarised: a = 0,1,1,0  b = 1,0,1,1 -> positions 0, 1 and 3 differ.
        Assert.Equal(3f, HammingDistance.Score([0.5f, 0.6f, 1f, 0f], [0.6f, 0.5f, 1f, 1f]));
        Assert.Equal(3f, HammingDistance.Distance([0.5f, 0.6f, 1f, 0f], [0.6f, 0.5f, 1f, 1f]));
        Assert.Equal(0f, HammingDistance.Score([0.1f, 0.9f], [0.4f, 0.7f]));
    }

    [Fact]
    public void Hamming_LongVectors_CountsDifferingPrefix()
    {
        var ones = Filled(100, _ => 1f);
        var b = Filled(100, i => i < 37 ? 0f : 1f);

        Assert.Equal(37f, HammingDistance.Score(ones, b));
    }

    [Fact]
    public void Jaccard_KnownVectors_IsSumMinOverSumMax()
    {
        // min: 1 + 2 + 1 = 4, max: 2 + 2 + 3 = 7.
        Assert.Equal(4f / 7f, JaccardDistance.Score([1f, 2f, 3f], [2f, 2f, 1f]), 6);
        Assert.Equal(-(4f / 7f), JaccardDistance.Distance([1f, 2f, 3f], [2f, 2f, 1f]), 6);
        Assert.Equal(0f, JaccardDistance.Score([1f, 0f], [0f, 1f]));
        Assert.Equal(1f, JaccardDistance.Score([0.25f, 0.5f], [0.25f, 0.5f]));
    }

    [Fact]
    public void Jaccard_BothZeroOrEmpty_IsOne()
    {
        Assert.Equal(1f, JaccardDistance.Score([0f, 0f, 0f], [0f, 0f, 0f]));
        Assert.Equal(1f, JaccardDistance.Score(new float[40], new float[40]));
        Assert.Equal(1f, JaccardDistance.Score([], []));
    }

    [Fact]
    public void Jaccard_OneZeroVector_IsZero()
    {
        Assert.Equal(0f, JaccardDistance.Score([0f, 0f], [1f, 2f]));
    }

    [Fact]
    public void ToScoreOfDistance_EachMetric_EqualsScore()
    {
        AssertToScoreRoundTrip<CosineDistance>();
        AssertToScoreRoundTrip<EuclideanDistance>();
        AssertToScoreRoundTrip<DotProductDistance>();
        AssertToScoreRoundTrip<HammingDistance>();
        AssertToScoreRoundTrip<JaccardDistance>();
    }

    [Fact]
    public void RankingKeyOrder_EachMetric_AgreesWithScoreOrder()
    {
        AssertRankingAgrees<CosineDistance>();
        AssertRankingAgrees<EuclideanDistance>();
        AssertRankingAgrees<DotProductDistance>();
        AssertRankingAgrees<HammingDistance>();
        AssertRankingAgrees<JaccardDistance>();
    }

    [Fact]
    public void Distance_LengthMismatch_ThrowsDimensionMismatch()
    {
        AssertMismatch<CosineDistance>();
        AssertMismatch<EuclideanDistance>();
        AssertMismatch<DotProductDistance>();
        AssertMismatch<HammingDistance>();
        AssertMismatch<JaccardDistance>();
    }

    private static void AssertToScoreRoundTrip<TDistance>()
        where TDistance : struct, IDistance
    {
        var random = new Random(11);
        foreach (var length in KernelTestData.Lengths)
        {
            var a = KernelTestData.NonNegative(length, random);
            var b = KernelTestData.NonNegative(length, random);
            Assert.Equal(
                DistanceMetrics.Score(TDistance.Metric, a, b),
                TDistance.ToScore(TDistance.Distance(a, b)));
        }
    }

    private static void AssertRankingAgrees<TDistance>()
        where TDistance : struct, IDistance
    {
        const int Dimension = 48;
        var random = new Random(5);
        var query = KernelTestData.NonNegative(Dimension, random);
        var keys = new float[40];
        var scores = new float[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var candidate = KernelTestData.NonNegative(Dimension, random);
            keys[i] = TDistance.Distance(query, candidate);
            scores[i] = DistanceMetrics.Score(TDistance.Metric, query, candidate);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            for (var j = 0; j < keys.Length; j++)
            {
                if (keys[i] < keys[j])
                {
                    // A strictly better key never has a strictly worse score.
                    Assert.True(
                        TDistance.HigherIsBetter ? scores[i] >= scores[j] : scores[i] <= scores[j],
                        $"{TDistance.Metric}: key {keys[i]} < {keys[j]} but scores {scores[i]} vs {scores[j]}.");
                }
            }
        }
    }

    private static void AssertMismatch<TDistance>()
        where TDistance : struct, IDistance
    {
        var ex = Assert.Throws<VelesDbException>(() => TDistance.Distance(new float[5], new float[6]));
        Assert.Equal(VelesDbErrorCode.DimensionMismatch, ex.Code);
        Assert.Equal("VELES-004", ex.CodeString);
    }

    private static float[] Filled(int length, Func<int, float> value)
    {
        var v = new float[length];
        for (var i = 0; i < length; i++)
        {
            v[i] = value(i);
        }

        return v;
    }
}
