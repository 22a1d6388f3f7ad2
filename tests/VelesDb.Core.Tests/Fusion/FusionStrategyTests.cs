using VelesDb.Core.Errors;
using VelesDb.Core.Fusion;

namespace VelesDb.Core.Tests.Fusion;

public class FusionStrategyTests
{
    private const double Tolerance = 1e-6;

    internal static ScoredId[] L(params (ulong Id, float Score)[] hits)
    {
        var list = new ScoredId[hits.Length];
        for (var i = 0; i < hits.Length; i++)
        {
            list[i] = new ScoredId(hits[i].Id, hits[i].Score);
        }

        return list;
    }

    private static void AssertResults(IReadOnlyList<ScoredId> actual, params (ulong Id, double Score)[] expected)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Id, actual[i].Id);
            Assert.Equal(expected[i].Score, actual[i].Score, Tolerance);
        }
    }

    private static void AssertConfig(Action action, params string[] messageParts)
    {
        var ex = Assert.Throws<VelesDbException>(action);
        Assert.Equal(VelesDbErrorCode.Config, ex.Code);
        foreach (var part in messageParts)
        {
            Assert.Contains(part, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Rrf_TwoLists_SumsReciprocalOneBasedRanks()
    {
        // k = 60, ranks 1-based:
        // id1: A rank 1, B rank 2 -> 1/61 + 1/62 = 0.0163934426 + 0.0161290323 = 0.0325224749
        // id3: A rank 3, B rank 1 -> 1/63 + 1/61 = 0.0158730159 + 0.0163934426 = 0.0322664585
        // id2: A rank 2           -> 1/62 = 0.0161290323
        var a = L((1, 0.9f), (2, 0.8f), (3, 0.7f));
        var b = L((3, 5f), (1, 4f));
        var fused = FusionStrategy.Rrf().Fuse([a, b]);
        AssertResults(fused, (1, 0.0325224749), (3, 0.0322664585), (2, 0.0161290323));
    }

    [Fact]
    public void Rrf_KOne_UsesKPlusRank()
    {
        // k = 1: rank 1 -> 1/2, rank 2 -> 1/3, rank 3 -> 1/4. Scores are ignored.
        var fused = FusionStrategy.Rrf(1).Fuse([L((5, -10f), (7, -20f), (9, -30f))]);
        AssertResults(fused, (5, 0.5), (7, 1.0 / 3), (9, 0.25));
    }

    [Fact]
    public void Rrf_DuplicateIdInList_OnlyFirstOccurrenceCounts()
    {
        // k = 60. id1 at positions 1 and 3 counts only 1/61 (not + 1/63); id2 keeps its
        // position-based rank 2 -> 1/62. A second list adds id1 at rank 1 once more: 1/61.
        var a = L((1, 0.9f), (2, 0.8f), (1, 0.7f));
        AssertResults(FusionStrategy.Rrf().Fuse([a]), (1, 1.0 / 61), (2, 1.0 / 62));
        var b = L((1, 3f), (1, 2f));
        AssertResults(FusionStrategy.Rrf().Fuse([a, b]), (1, 2.0 / 61), (2, 1.0 / 62));
    }

    [Fact]
    public void Rrf_EqualScores_TiesByAscendingId()
    {
        // id 9 first in A, id 4 first in B: both 1/61 + 1/62 -> tie, ascending id.
        var fused = FusionStrategy.Rrf().Fuse([L((9, 1f), (4, 0.5f)), L((4, 1f), (9, 0.5f))]);
        Assert.Equal([4UL, 9UL], fused.Select(r => r.Id));
        Assert.Equal(fused[0].Score, fused[1].Score);
    }

    [Fact]
    public void Average_MeansBestScorePerListOverListsWhereIdAppears()
    {
        // id10: only in A -> 1.0 (an absent list does not pull it down)
        // id20: (0.5 + 0.25) / 2 = 0.375
        // id30: 0.125
        var a = L((10, 1.0f), (20, 0.5f));
        var b = L((20, 0.25f), (30, 0.125f));
        AssertResults(FusionStrategy.Average().Fuse([a, b, L()]), (10, 1.0), (20, 0.375), (30, 0.125));
    }

    [Fact]
    public void Average_DuplicateInList_UsesBestScoreOfThatList()
    {
        // A holds id1 twice (0.5, 0.75): best 0.75. B: 0.25. Mean = (0.75 + 0.25) / 2 = 0.5.
        var fused = FusionStrategy.Average().Fuse([L((1, 0.5f), (1, 0.75f)), L((1, 0.25f))]);
        AssertResults(fused, (1, 0.5));
    }

    [Fact]
    public void Average_AllEqual_TiesByAscendingId()
    {
        // id1: (0.75 + 0.25 + 0.5) / 3 = 0.5, id2: 0.5, id3: 0.5.
        var fused = FusionStrategy.Average().Fuse([L((3, 0.5f), (1, 0.75f)), L((2, 0.5f), (1, 0.25f)), L((1, 0.5f))]);
        AssertResults(fused, (1, 0.5), (2, 0.5), (3, 0.5));
    }

    [Fact]
    public void Maximum_TakesHighestScoreOverLists()
    {
        // id2: max(0.25, 0.75) = 0.75; id1: 0.5; id3: -1.
        var fused = FusionStrategy.Maximum().Fuse([L((1, 0.5f), (2, 0.25f)), L((2, 0.75f), (3, -1f))]);
        AssertResults(fused, (2, 0.75), (1, 0.5), (3, -1.0));
    }

    [Fact]
    public void Weighted_Defaults_CombinesAverageMaximumAndHitRatio()
    {
        // weights 0.6 / 0.3 / 0.1, total lists 3.
        // id3: avg 1.0, max 1.0, hits 1 -> 0.6 + 0.3 + 0.1/3          = 0.9333333
        // id1: avg 0.7, max 0.8, hits 2 -> 0.42 + 0.24 + 0.2/3        = 0.7266667
        // id2: avg 0.4, max 0.4, hits 1 -> 0.24 + 0.12 + 0.1/3        = 0.3933333
        var a = L((1, 0.8f), (2, 0.4f));
        var b = L((1, 0.6f));
        var c = L((3, 1.0f));
        AssertResults(FusionStrategy.Weighted().Fuse([a, b, c]), (3, 0.9333333), (1, 0.7266667), (2, 0.3933333));
    }

    [Fact]
    public void Weighted_EmptyListCountsInTotal()
    {
        // hit weight only: id1 is in 1 of 2 lists -> 1 * 1/2 = 0.5.
        var fused = FusionStrategy.Weighted(0f, 0f, 1f).Fuse([L((1, 1f)), L()]);
        AssertResults(fused, (1, 0.5));
    }

    [Fact]
    public void RelativeScore_NormalisesFirstTwoListsAndWeights()
    {
        // dense: min 0.1, max 0.9 -> n1 = 1, n2 = (0.5-0.1)/0.8 = 0.5, n3 = 0
        // sparse: min 0, max 10  -> n2 = 1, n4 = 0.5, n5 = 0
        // weights 0.7 / 0.3:
        // id1 = 0.7·1 = 0.7; id2 = 0.7·0.5 + 0.3·1 = 0.65; id4 = 0.3·0.5 = 0.15; id3 = 0; id5 = 0 (tie -> id order)
        var dense = L((1, 0.9f), (2, 0.5f), (3, 0.1f));
        var sparse = L((2, 10f), (4, 5f), (5, 0f));
        var fused = FusionStrategy.RelativeScore(0.7f, 0.3f).Fuse([dense, sparse]);
        AssertResults(fused, (1, 0.7), (2, 0.65), (4, 0.15), (3, 0.0), (5, 0.0));
    }

    [Fact]
    public void RelativeScore_RangeBelowEpsilon_NormalisesToHalf()
    {
        // dense range 0.5000001 - 0.5 ≈ 1.2e-7 < 1e-6 -> both 0.5 -> 0.5·0.5 = 0.25.
        // sparse has a single entry (range 0) -> 0.5 -> id3 = 0.5·0.5 = 0.25; ties by id.
        var dense = L((2, 0.5000001f), (1, 0.5f));
        var sparse = L((3, 42f));
        var fused = FusionStrategy.Rsf().Fuse([dense, sparse]);
        AssertResults(fused, (1, 0.25), (2, 0.25), (3, 0.25));
    }

    [Fact]
    public void RelativeScore_RangeAboveEpsilon_IsNormalised()
    {
        // range 1e-5 > 1e-6: n = 1 and 0 -> 0.5 and 0.
        var fused = FusionStrategy.Rsf().Fuse([L((1, 1.00001f), (2, 1f))]);
        AssertResults(fused, (1, 0.5), (2, 0.0));
    }

    [Fact]
    public void RelativeScore_ExtraListsIgnored_MissingSideCountsZero()
    {
        // Third list ignored entirely (id 99 absent). id1 dense only: 0.5·1 + 0 = 0.5;
        // id2 sparse only: 0.5·1 = 0.5 (tie -> id order); id3 sparse min and id6 dense min: 0.
        var dense = L((1, 3f), (6, 1f));
        var sparse = L((2, 2f), (3, 1f));
        var fused = FusionStrategy.RelativeScore().Fuse([dense, sparse, L((99, 100f))]);
        AssertResults(fused, (1, 0.5), (2, 0.5), (3, 0.0), (6, 0.0));
    }

    [Fact]
    public void RelativeScore_DuplicateInList_RangeOverAllEntriesBestPerId()
    {
        // dense scores 4, 2, 0 (id1 twice): min 0, max 4 -> id1 best = 1, id2 = 0.5.
        var fused = FusionStrategy.RelativeScore(1f, 0f).Fuse([L((1, 4f), (2, 2f), (1, 0f))]);
        AssertResults(fused, (1, 1.0), (2, 0.5));
    }

    [Fact]
    public void RelativeScore_EmptyDenseSide_UsesSparseOnly()
    {
        // sparse n = 1, 0 weighted by 0.4.
        var fused = FusionStrategy.RelativeScore(0.6f, 0.4f).Fuse([L(), L((7, 2f), (8, -2f))]);
        AssertResults(fused, (7, 0.4), (8, 0.0));
    }

    [Fact]
    public void WeightedRrf_SumsWeightOverKPlusZeroBasedRank()
    {
        // weights [2, 1], k = 10, ranks 0-based:
        // id2: 2/(10+1) + 1/(10+0) = 0.1818182 + 0.1 = 0.2818182
        // id1: 2/(10+0)                       = 0.2
        // id3: 1/(10+1)                       = 0.0909091
        var fused = FusionStrategy.WeightedRrf([2f, 1f], 10).Fuse([L((1, 1f), (2, 0.5f)), L((2, 1f), (3, 0.5f))]);
        AssertResults(fused, (2, 0.2818182), (1, 0.2), (3, 0.0909091));
    }

    [Fact]
    public void WeightedRrf_DuplicateAndZeroWeight_FirstOccurrenceAndZeroScore()
    {
        // list A (w = 1, k = 60): id1 at 0 -> 1/60 once; id2 at position 2 -> 1/62.
        // list B (w = 0): id5 appears with score 0.
        var fused = FusionStrategy.WeightedRrf([1f, 0f]).Fuse([L((1, 1f), (1, 0.9f), (2, 0.8f)), L((5, 1f))]);
        AssertResults(fused, (1, 1.0 / 60), (2, 1.0 / 62), (5, 0.0));
    }

    [Fact]
    public void WeightedRrf_WeightCountMismatch_Throws()
    {
        AssertConfig(() => FusionStrategy.WeightedRrf([1f, 1f]).Fuse([L((1, 1f))]), "one weight per list", "2 weights", "1 lists");
        AssertConfig(() => FusionStrategy.WeightedRrf([1f]).Fuse([L(), L(), L()]), "1 weights", "3 lists");
    }

    [Fact]
    public void WeightedRrf_WeightsAreCopied()
    {
        var weights = new[] { 1f };
        var strategy = FusionStrategy.WeightedRrf(weights, 1);
        weights[0] = 5f;
        Assert.Equal(1f, strategy.Weights[0]);
        AssertResults(strategy.Fuse([L((1, 1f))]), (1, 1.0));
        Assert.Equal(FusionStrategy.WeightedRrf([1f], 1), strategy);
        Assert.Equal(FusionStrategy.WeightedRrf([1f], 1).GetHashCode(), strategy.GetHashCode());
        Assert.NotEqual(FusionStrategy.WeightedRrf([1f], 2), strategy);
        Assert.NotEqual(FusionStrategy.WeightedRrf([2f], 1), strategy);
    }

    public static TheoryData<string> AllStrategies() => new() { "rrf", "average", "maximum", "weighted", "rsf", "wrrf" };

    private static FusionStrategy Create(string name, int lists) => name switch
    {
        "rrf" => FusionStrategy.Rrf(),
        "average" => FusionStrategy.Average(),
        "maximum" => FusionStrategy.Maximum(),
        "weighted" => FusionStrategy.Weighted(),
        "rsf" => FusionStrategy.RelativeScore(),
        "wrrf" => FusionStrategy.WeightedRrf(Enumerable.Repeat(0.5f, lists).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void Fuse_EmptyInput_ReturnsEmpty(string name)
    {
        Assert.Empty(Create(name, 0).Fuse([]));
        Assert.Empty(Create(name, 2).Fuse([L(), L()]));
    }

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void Fuse_Limit_TruncatesToBest(string name)
    {
        var a = L((1, 0.9f), (2, 0.8f), (3, 0.7f), (4, 0.6f));
        var b = L((4, 0.95f), (5, 0.5f), (1, 0.4f));
        var strategy = Create(name, 2);
        var all = strategy.Fuse([a, b]);
        Assert.Equal(5, all.Count);
        Assert.Equal(all.Take(2), strategy.Fuse([a, b], 2));
        Assert.Empty(strategy.Fuse([a, b], 0));
        Assert.Equal(all, strategy.Fuse([a, b], 100));
    }

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void Fuse_NonFiniteScore_ThrowsConfig(string name)
    {
        var strategy = Create(name, 2);
        AssertConfig(() => strategy.Fuse([L((1, 1f)), L((2, float.NaN))]), "finite", "NaN", "id 2", "list 1");
        AssertConfig(() => strategy.Fuse([L((1, float.PositiveInfinity)), L()]), "finite");
        AssertConfig(() => strategy.Fuse([L((1, float.NegativeInfinity)), L()]), "finite");
    }

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void Fuse_NegativeLimit_ThrowsConfig(string name)
    {
        AssertConfig(() => Create(name, 1).Fuse([L((1, 1f))], -1), "limit", "-1");
    }

    [Theory]
    [MemberData(nameof(AllStrategies))]
    public void Fuse_NullArguments_Throw(string name)
    {
        var strategy = Create(name, 2);
        Assert.Throws<ArgumentNullException>(() => strategy.Fuse(null!));
        Assert.Throws<ArgumentNullException>(() => strategy.Fuse([L(), null!]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Rrf_KBelowOne_ThrowsConfig(int k)
    {
        AssertConfig(() => FusionStrategy.Rrf(k), "RRF k must be at least 1", k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AssertConfig(() => FusionStrategy.WeightedRrf([1f], k), "weighted RRF k must be at least 1");
    }

    [Fact]
    public void Weighted_SumNotOne_ThrowsConfigNamingSum()
    {
        AssertConfig(() => FusionStrategy.Weighted(0.6f, 0.3f, 0.3f), "fusion weights must sum to 1 (±0.001), got 1.2");
        AssertConfig(() => FusionStrategy.Weighted(0.5f, 0.3f, 0.1f), "sum to 1", "0.9");
        AssertConfig(() => FusionStrategy.Weighted(0f, 0f, 0f), "sum to 1", "got 0");
    }

    [Fact]
    public void Weighted_SumWithinTolerance_Accepted()
    {
        Assert.Equal(0.6005f, FusionStrategy.Weighted(0.6005f, 0.3f, 0.1f).AvgWeight);
        Assert.Equal(0.5995f, FusionStrategy.Weighted(0.5995f, 0.3f, 0.1f).AvgWeight);
        AssertConfig(() => FusionStrategy.Weighted(0.602f, 0.3f, 0.1f), "sum to 1");
    }

    [Theory]
    [InlineData(-0.1f, 0.6f, 0.5f, "avg_weight")]
    [InlineData(0.6f, -0.1f, 0.5f, "max_weight")]
    [InlineData(1.2f, 0f, -0.2f, "hit_weight")]
    [InlineData(float.NaN, 0.5f, 0.5f, "avg_weight")]
    [InlineData(float.PositiveInfinity, 0f, 0f, "avg_weight")]
    public void Weighted_BadWeight_ThrowsConfigNamingParameter(float avg, float max, float hit, string parameter)
    {
        AssertConfig(() => FusionStrategy.Weighted(avg, max, hit), parameter, "finite and at least 0");
    }

    [Fact]
    public void RelativeScore_BadWeights_ThrowConfig()
    {
        AssertConfig(() => FusionStrategy.RelativeScore(0.5f, 0.6f), "sum to 1", "1.1");
        AssertConfig(() => FusionStrategy.Rsf(1.5f, -0.5f), "sparse_weight", "at least 0");
        AssertConfig(() => FusionStrategy.Rsf(float.NaN, 0.5f), "dense_weight");
    }

    [Fact]
    public void WeightedRrf_BadWeight_ThrowsConfig()
    {
        AssertConfig(() => FusionStrategy.WeightedRrf([1f, -1f]), "weights[1]", "at least 0");
        AssertConfig(() => FusionStrategy.WeightedRrf([float.NaN]), "weights[0]", "finite");
        AssertConfig(() => FusionStrategy.WeightedRrf([float.PositiveInfinity]), "weights[0]");
        Assert.Throws<ArgumentNullException>(() => FusionStrategy.WeightedRrf(null!));
    }

    [Fact]
    public void Factories_ExposeParameters()
    {
        Assert.Equal(60, FusionStrategy.Rrf().K);
        Assert.Equal(7, FusionStrategy.Rrf(7).K);
        var weighted = FusionStrategy.Weighted();
        Assert.Equal((0.6f, 0.3f, 0.1f), (weighted.AvgWeight, weighted.MaxWeight, weighted.HitWeight));
        var rsf = FusionStrategy.Rsf();
        Assert.Equal((0.5f, 0.5f), (rsf.DenseWeight, rsf.SparseWeight));
        Assert.Equal(FusionStrategy.RelativeScore(0.2f, 0.8f), FusionStrategy.Rsf(0.2f, 0.8f));
        Assert.Equal(60, FusionStrategy.WeightedRrf([1f]).K);
    }
}
