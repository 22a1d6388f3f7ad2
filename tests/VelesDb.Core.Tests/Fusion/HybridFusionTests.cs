using VelesDb.Core.Errors;
using VelesDb.Core.Fusion;
using static VelesDb.Core.Tests.Fusion.FusionStrategyTests;

namespace VelesDb.Core.Tests.Fusion;

public class HybridFusionTests
{
    private const double Tolerance = 1e-7;

    private static void AssertHit(HybridHit hit, ulong id, double vector, double text)
    {
        Assert.Equal(id, hit.Id);
        Assert.Equal(vector, hit.VectorScore, Tolerance);
        Assert.Equal(text, hit.TextScore, Tolerance);
        Assert.Equal(vector + text, hit.Score, Tolerance);
    }

    [Fact]
    public void WeightedRrf_HandComputed_ZeroBasedRanksAndComponents()
    {
        // w = 0.7, k = 60, 0-based ranks:
        // id2: vector rank 1 -> 0.7/61 = 0.0114754; text rank 0 -> 0.3/60 = 0.005 -> 0.0164754
        // id1: vector rank 0 -> 0.7/60 = 0.0116667; no text          -> 0.0116667
        // id3: text rank 1   -> 0.3/61 = 0.0049180                   -> 0.0049180
        var hits = HybridFusion.WeightedRrf(L((1, 0.9f), (2, 0.8f)), L((2, 5f), (3, 4f)), 0.7f);
        Assert.Equal(3, hits.Count);
        AssertHit(hits[0], 2, 0.7 / 61, 0.3 / 60);
        AssertHit(hits[1], 1, 0.7 / 60, 0);
        AssertHit(hits[2], 3, 0, 0.3 / 61);
    }

    [Fact]
    public void WeightedRrf_Defaults_HalfWeightK60()
    {
        // w = 0.5: id5 = 0.5/60 + 0.5/60 = 1/60; id6 = 0.5/61.
        var hits = HybridFusion.WeightedRrf(L((5, 1f), (6, 0.5f)), L((5, 1f)));
        AssertHit(hits[0], 5, 0.5 / 60, 0.5 / 60);
        AssertHit(hits[1], 6, 0.5 / 61, 0);
    }

    [Fact]
    public void WeightedRrf_WeightOutsideUnitRange_IsClamped()
    {
        // w = 1.5 -> 1: text term 0 (id9 kept with score 0). w = -2 -> 0: vector term 0.
        var high = HybridFusion.WeightedRrf(L((1, 1f)), L((9, 1f)), 1.5f, 10);
        AssertHit(high[0], 1, 1.0 / 10, 0);
        AssertHit(high[1], 9, 0, 0);
        var low = HybridFusion.WeightedRrf(L((1, 1f)), L((9, 1f)), -2f, 10);
        AssertHit(low[0], 9, 0, 1.0 / 10);
        AssertHit(low[1], 1, 0, 0);
        var infinite = HybridFusion.WeightedRrf(L((1, 1f)), L(), float.PositiveInfinity, 10);
        AssertHit(infinite[0], 1, 1.0 / 10, 0);
    }

    [Fact]
    public void WeightedRrf_MissingBranchAndDuplicates()
    {
        // Text branch empty; id1 repeated in the vector branch counts at rank 0 only; id2 at rank 2.
        var hits = HybridFusion.WeightedRrf(L((1, 1f), (1, 0.9f), (2, 0.8f)), L(), 0.5f, 1);
        Assert.Equal(2, hits.Count);
        AssertHit(hits[0], 1, 0.5 / 1, 0);
        AssertHit(hits[1], 2, 0.5 / 3, 0);
        Assert.Empty(HybridFusion.WeightedRrf(L(), L()));
    }

    [Fact]
    public void WeightedRrf_TiesByIdAndLimit()
    {
        // id8 vector rank 0, id3 text rank 0 with w = 0.5: both 0.5/60 -> id order.
        var hits = HybridFusion.WeightedRrf(L((8, 1f), (4, 0.5f)), L((3, 1f)), 0.5f);
        Assert.Equal([3UL, 8UL, 4UL], hits.Select(h => h.Id));
        Assert.Equal(hits.Take(2), HybridFusion.WeightedRrf(L((8, 1f), (4, 0.5f)), L((3, 1f)), 0.5f, limit: 2));
        Assert.Empty(HybridFusion.WeightedRrf(L((8, 1f)), L((3, 1f)), limit: 0));
    }

    [Fact]
    public void WeightedRrf_InvalidInput_Throws()
    {
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => HybridFusion.WeightedRrf(L(), L(), float.NaN)).Code);
        var k = Assert.Throws<VelesDbException>(() => HybridFusion.WeightedRrf(L(), L(), 0.5f, 0));
        Assert.Equal(VelesDbErrorCode.Config, k.Code);
        Assert.Contains("k must be at least 1", k.Message, StringComparison.Ordinal);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => HybridFusion.WeightedRrf(L(), L(), limit: -1)).Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => HybridFusion.WeightedRrf(L(), L((1, float.NaN)))).Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => HybridFusion.WeightedRrf(L((1, float.NegativeInfinity)), L())).Code);
        Assert.Throws<ArgumentNullException>(() => HybridFusion.WeightedRrf(null!, L()));
        Assert.Throws<ArgumentNullException>(() => HybridFusion.WeightedRrf(L(), null!));
    }
}
