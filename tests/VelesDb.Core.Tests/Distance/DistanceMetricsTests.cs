using VelesDb.Core.Distance;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Tests.Distance;

public class DistanceMetricsTests
{
    [Fact]
    public void DistanceMetric_NumericValues_AreFrozen()
    {
        // Persisted in collection metadata: a failing assertion here means a renumbering.
        Assert.Equal(0, (int)DistanceMetric.Cosine);
        Assert.Equal(1, (int)DistanceMetric.Euclidean);
        Assert.Equal(2, (int)DistanceMetric.DotProduct);
        Assert.Equal(3, (int)DistanceMetric.Hamming);
        Assert.Equal(4, (int)DistanceMetric.Jaccard);
        Assert.Equal(5, Enum.GetValues<DistanceMetric>().Length);
    }

    [Theory]
    [InlineData("cosine", DistanceMetric.Cosine)]
    [InlineData("COSINE", DistanceMetric.Cosine)]
    [InlineData("Cosine", DistanceMetric.Cosine)]
    [InlineData("euclidean", DistanceMetric.Euclidean)]
    [InlineData("Euclidean", DistanceMetric.Euclidean)]
    [InlineData("l2", DistanceMetric.Euclidean)]
    [InlineData("L2", DistanceMetric.Euclidean)]
    [InlineData("dot", DistanceMetric.DotProduct)]
    [InlineData("DOT", DistanceMetric.DotProduct)]
    [InlineData("dotproduct", DistanceMetric.DotProduct)]
    [InlineData("DotProduct", DistanceMetric.DotProduct)]
    [InlineData("inner", DistanceMetric.DotProduct)]
    [InlineData("Inner", DistanceMetric.DotProduct)]
    [InlineData("ip", DistanceMetric.DotProduct)]
    [InlineData("IP", DistanceMetric.DotProduct)]
    [InlineData("hamming", DistanceMetric.Hamming)]
    [InlineData("HAMMING", DistanceMetric.Hamming)]
    [InlineData("jaccard", DistanceMetric.Jaccard)]
    [InlineData("JaCcArD", DistanceMetric.Jaccard)]
    public void Parse_KnownNameOrAlias_ReturnsMetric(string name, DistanceMetric expected)
    {
        Assert.Equal(expected, DistanceMetrics.Parse(name));
        Assert.True(DistanceMetrics.TryParse(name, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("manhattan")]
    [InlineData("")]
    [InlineData(" cosine")]
    [InlineData("dot_product")]
    [InlineData("l1")]
    public void Parse_UnknownName_ThrowsConfig(string name)
    {
        Assert.False(DistanceMetrics.TryParse(name, out _));

        var ex = Assert.Throws<VelesDbException>(() => DistanceMetrics.Parse(name));

        Assert.Equal(VelesDbErrorCode.Config, ex.Code);
        Assert.Equal("VELES-009", ex.CodeString);
        Assert.Equal($"Unknown metric '{name}'. Expected one of: cosine, euclidean, dot, hamming, jaccard.", ex.Message);
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.False(DistanceMetrics.TryParse(null, out _));
    }

    [Theory]
    [InlineData(DistanceMetric.Cosine, "cosine")]
    [InlineData(DistanceMetric.Euclidean, "euclidean")]
    [InlineData(DistanceMetric.DotProduct, "dot")]
    [InlineData(DistanceMetric.Hamming, "hamming")]
    [InlineData(DistanceMetric.Jaccard, "jaccard")]
    public void ToCanonicalName_EachMetric_ReturnsCanonicalNameThatParsesBack(DistanceMetric metric, string expected)
    {
        Assert.Equal(expected, metric.ToCanonicalName());
        Assert.Equal(metric, DistanceMetrics.Parse(metric.ToCanonicalName()));
    }

    [Theory]
    [InlineData(DistanceMetric.Cosine, true)]
    [InlineData(DistanceMetric.Euclidean, false)]
    [InlineData(DistanceMetric.DotProduct, true)]
    [InlineData(DistanceMetric.Hamming, false)]
    [InlineData(DistanceMetric.Jaccard, true)]
    public void HigherIsBetter_EachMetric_MatchesSpec(DistanceMetric metric, bool expected)
    {
        Assert.Equal(expected, metric.HigherIsBetter());
    }

    [Fact]
    public void MetricStructs_StaticProperties_MatchEnum()
    {
        Assert.Equal(DistanceMetric.Cosine, CosineDistance.Metric);
        Assert.Equal(DistanceMetric.Euclidean, EuclideanDistance.Metric);
        Assert.Equal(DistanceMetric.DotProduct, DotProductDistance.Metric);
        Assert.Equal(DistanceMetric.Hamming, HammingDistance.Metric);
        Assert.Equal(DistanceMetric.Jaccard, JaccardDistance.Metric);
        Assert.True(CosineDistance.HigherIsBetter);
        Assert.False(EuclideanDistance.HigherIsBetter);
        Assert.True(DotProductDistance.HigherIsBetter);
        Assert.False(HammingDistance.HigherIsBetter);
        Assert.True(JaccardDistance.HigherIsBetter);
    }

    [Fact]
    public void UndefinedMetricValue_Throws()
    {
        var undefined = (DistanceMetric)99;

        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => undefined.ToCanonicalName()).Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => undefined.HigherIsBetter()).Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => DistanceMetrics.Score(undefined, [1f], [1f])).Code);
    }

    [Theory]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.DotProduct)]
    [InlineData(DistanceMetric.Hamming)]
    [InlineData(DistanceMetric.Jaccard)]
    public void Score_LengthMismatch_ThrowsDimensionMismatch(DistanceMetric metric)
    {
        var ex = Assert.Throws<VelesDbException>(() => DistanceMetrics.Score(metric, new float[3], new float[4]));

        Assert.Equal(VelesDbErrorCode.DimensionMismatch, ex.Code);
        Assert.Equal("VELES-004", ex.CodeString);
    }

    [Theory]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.DotProduct)]
    [InlineData(DistanceMetric.Hamming)]
    [InlineData(DistanceMetric.Jaccard)]
    public void Score_EachMetric_DispatchesToStruct(DistanceMetric metric)
    {
        var random = new Random(7);
        var a = KernelTestData.NonNegative(100, random);
        var b = KernelTestData.NonNegative(100, random);

        var expected = metric switch
        {
            DistanceMetric.Cosine => CosineDistance.Score(a, b),
            DistanceMetric.Euclidean => EuclideanDistance.Score(a, b),
            DistanceMetric.DotProduct => DotProductDistance.Score(a, b),
            DistanceMetric.Hamming => HammingDistance.Score(a, b),
            _ => JaccardDistance.Score(a, b),
        };

        Assert.Equal(expected, DistanceMetrics.Score(metric, a, b));
    }
}
