using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Index.Hnsw;
using VelesDb.Core.Search;
using VelesDb.Core.Storage;
using VelesDb.Core.Tests.Index;

namespace VelesDb.Core.Tests.Collections;

public class HnswSearchTests
{
    private const int Dim = 32;

    private static Collection Fill(VelesDatabase db, DistanceMetric metric, float[][] data, string name = "c", HnswParameters? hnsw = null)
    {
        var c = db.CreateCollection(name, Dim, metric, hnsw: hnsw);
        for (var start = 0; start < data.Length; start += 1000)
        {
            c.Upsert([.. Enumerable.Range(start, Math.Min(1000, data.Length - start)).Select(i => Point.WithJson((ulong)i, data[i], $$"""{"bucket":{{i % 50}},"i":{{i}}}"""))]);
        }

        return c;
    }

    /// <summary>recall@k of <paramref name="options"/> against the exact scan of the same collection.</summary>
    internal static double Recall(Collection c, float[][] queries, int k, SearchOptions options)
    {
        var hits = 0;
        foreach (var q in queries)
        {
            var exact = c.Search(q, k, options with { Quality = SearchQuality.Perfect, EfSearch = null }).Select(h => h.Id).ToHashSet();
            hits += c.Search(q, k, options).Count(h => exact.Contains(h.Id));
        }

        return (double)hits / (queries.Length * k);
    }

    [Theory]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.Cosine)]
    public void Search_BalancedDefault_RecallAtLeast95Percent(DistanceMetric metric)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var c = Fill(db, metric, HnswIndexTests.Clustered(4000, Dim, 11));
        var recall = Recall(c, HnswIndexTests.Clustered(60, Dim, 12), 10, SearchOptions.Default);
        Assert.True(recall >= 0.95, $"{metric}: recall@10 = {recall}");
        Assert.Empty(c.CheckIndexIntegrity());
    }

    /// <summary>
    /// Inner product is not a metric, and HNSW over raw (unnormalised) vectors reaches lower
    /// recall at the same ef: 0.84 at balanced and 0.93 at accurate on this set (a known gap; a
    /// MIPS-to-L2 transform is the planned fix). The floor guards against regressions.
    /// </summary>
    [Fact]
    public void Search_DotProduct_AccurateMode_RecallAtLeast90Percent()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var c = Fill(db, DistanceMetric.DotProduct, HnswIndexTests.Clustered(4000, Dim, 11));
        var recall = Recall(c, HnswIndexTests.Clustered(60, Dim, 12), 10, new SearchOptions { Quality = SearchQuality.Accurate });
        Assert.True(recall >= 0.90, $"recall@10 = {recall}");
    }

    /// <summary>
    /// Cosine results are re-scored on the stored vectors; Euclidean and dot-product results take
    /// the graph's own exact float32 distances. Either way the score is the metric's exact score.
    /// </summary>
    [Theory]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.DotProduct)]
    public void Search_ScoresEqualExactScores_AndOrderIsByScoreThenId(DistanceMetric metric)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var data = HnswIndexTests.Clustered(2000, Dim, 13);
        var c = Fill(db, metric, data);
        var q = data[17];
        var hits = c.Search(q, 10);
        if (metric != DistanceMetric.DotProduct)
        {
            Assert.Equal(17UL, hits[0].Id);
        }

        foreach (var h in hits)
        {
            // Same kernel on the same vectors; only float summation order may differ.
            var expected = DistanceMetrics.Score(metric, data[(int)h.Id], q);
            Assert.True(Math.Abs(expected - h.Score) <= 1e-5f * Math.Max(1f, Math.Abs(expected)), $"id {h.Id}: score {h.Score}, exact {expected}");
        }

        for (var i = 1; i < hits.Count; i++)
        {
            Assert.True(DistanceMetrics.HigherIsBetter(metric) ? hits[i - 1].Score >= hits[i].Score : hits[i - 1].Score <= hits[i].Score);
        }
    }

    /// <summary>
    /// Cosine graphs hold normalised vectors and their scores come from the graph: vectors whose
    /// float sum of squares overflows (1e20 components) or underflows (1e-25) must still be
    /// normalised, or they would all score 0.
    /// </summary>
    [Theory]
    [InlineData(1e20f)]
    [InlineData(1e-25f)]
    public void Search_Cosine_ExtremeMagnitudes_ScoresEqualExactCosine(float scale)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var data = HnswIndexTests.Clustered(500, Dim, 21).Select(v => v.Select(x => x * scale).ToArray()).ToArray();
        var c = Fill(db, DistanceMetric.Cosine, data);
        var q = data[3];
        var hits = c.Search(q, 5);
        Assert.Equal(3UL, hits[0].Id);
        Assert.Equal(1f, hits[0].Score, 1e-5f);
        foreach (var h in hits)
        {
            Assert.Equal(DistanceMetrics.Score(DistanceMetric.Cosine, data[(int)h.Id], q), h.Score, 1e-5f);
        }
    }

    [Fact]
    public void Search_AfterDeletesAndReplaces_NeverReturnsStalePoints()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var data = HnswIndexTests.Clustered(1500, Dim, 14);
        var c = Fill(db, DistanceMetric.Euclidean, data);
        c.Delete([.. Enumerable.Range(0, 500).Select(i => (ulong)i)]);
        var far = Enumerable.Repeat(100f, Dim).ToArray();
        c.Upsert(new Point(600, far));
        Assert.True(c.TombstoneRatio > 0.3);
        foreach (var q in HnswIndexTests.Clustered(20, Dim, 15))
        {
            var hits = c.Search(q, 10);
            Assert.Equal(10, hits.Count);
            Assert.All(hits, h => Assert.True(h.Id >= 500 && h.Id != 600));
        }

        var top = c.Search(far, 1);
        Assert.Equal(600UL, top[0].Id);
        Assert.Equal(0f, top[0].Score);
    }

    [Fact]
    public void Reopen_RebuildsIndex_SearchStillFindsPoints_ParametersPersisted()
    {
        using var dir = new TempDirectory();
        var data = HnswIndexTests.Clustered(1000, Dim, 16);
        using (var db = VelesDatabase.Open(dir.Path))
        {
            Fill(db, DistanceMetric.Euclidean, data, hnsw: new HnswParameters(12, 150));
        }

        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.GetCollection("c");
            Assert.Equal(new HnswParameters(12, 150), c.Hnsw);
            Assert.Equal(42UL, c.Search(data[42], 1)[0].Id);
            Assert.Empty(c.CheckIndexIntegrity());
        }
    }

    [Fact]
    public void Search_SelectiveFilter_StillReturnsKWhenKMatch()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var c = Fill(db, DistanceMetric.Euclidean, HnswIndexTests.Clustered(3000, Dim, 17));

        // bucket 7 holds 60 of 3000 points (2 %).
        var filter = Filter.Parse("""{"condition":{"type":"eq","field":"bucket","value":7}}""");
        var q = HnswIndexTests.Clustered(1, Dim, 18)[0];
        var hits = c.Search(q, 25, filter);
        Assert.Equal(25, hits.Count);
        Assert.All(hits, h => Assert.Equal(7UL, h.Id % 50));
        var exact = c.Search(q, 25, new SearchOptions { Filter = filter, Quality = SearchQuality.Perfect });
        Assert.True(hits.Select(h => h.Id).Intersect(exact.Select(h => h.Id)).Count() >= 23);
    }

    /// <summary>
    /// The three filtered strategies: bucket &lt; 1 matches 2 % (graph walk with the filter
    /// inside), bucket &lt; 25 matches 50 % (post-filter of an over-fetch), and i &lt; 20
    /// matches 0.7 % (exact scan). Each must return only matches, k of them, close to exact.
    /// </summary>
    [Theory]
    [InlineData("""{"condition":{"type":"lt","field":"bucket","value":1}}""", 25)]
    [InlineData("""{"condition":{"type":"lt","field":"bucket","value":25}}""", 25)]
    [InlineData("""{"condition":{"type":"lt","field":"i","value":20}}""", 10)]
    public void Search_FilterStrategies_ReturnOnlyMatches_KOfThem_NearExact(string filterJson, int k)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var c = Fill(db, DistanceMetric.Euclidean, HnswIndexTests.Clustered(3000, Dim, 21));
        var filter = Filter.Parse(filterJson);
        var overlap = 0;
        var queries = HnswIndexTests.Clustered(10, Dim, 22);
        foreach (var q in queries)
        {
            var hits = c.Search(q, k, filter);
            var exact = c.Search(q, k, new SearchOptions { Filter = filter, Quality = SearchQuality.Perfect });
            Assert.Equal(exact.Count, hits.Count);
            Assert.All(hits, h => Assert.True(filter.Matches(c.Get(h.Id)!.Payload!.Value)));
            overlap += hits.Select(h => h.Id).Intersect(exact.Select(h => h.Id)).Count();
        }

        Assert.True(overlap >= 0.95 * queries.Length * k, $"overlap {overlap}");
    }

    [Fact]
    public void Search_FilterMatchingFewerThanK_ReturnsAllMatches()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var c = Fill(db, DistanceMetric.Euclidean, HnswIndexTests.Clustered(2000, Dim, 23));
        c.Upsert(Point.WithJson(5000, HnswIndexTests.Clustered(1, Dim, 24)[0], """{"bucket":-1}"""));
        var hits = c.Search(new float[Dim], 10, Filter.Parse("""{"condition":{"type":"eq","field":"bucket","value":-1}}"""));
        Assert.Equal([5000UL], hits.Select(h => h.Id));
    }

    [Fact]
    public void Search_EfSearchOverride_AndModes_AllReturnK()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var c = Fill(db, DistanceMetric.Euclidean, HnswIndexTests.Clustered(2000, Dim, 19));
        var q = HnswIndexTests.Clustered(1, Dim, 20)[0];
        foreach (var quality in new[] { SearchQuality.Fast, SearchQuality.Balanced, SearchQuality.Accurate, SearchQuality.Perfect, SearchQuality.Custom(20), SearchQuality.Adaptive(16, 256) })
        {
            Assert.Equal(10, c.Search(q, 10, new SearchOptions { Quality = quality }).Count);
        }

        Assert.Equal(10, c.Search(q, 10, new SearchOptions { EfSearch = 5 }).Count);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => c.Search(q, 10, new SearchOptions { EfSearch = 0 })).Code);
    }

    [Theory]
    [InlineData("fast", 64)]
    [InlineData("balanced", 128)]
    [InlineData("accurate", 512)]
    [InlineData("custom:300", 300)]
    [InlineData("adaptive:32:512", 32)]
    public void SearchQuality_Parse_EfForSmallK(string text, int ef)
    {
        var q = SearchQuality.Parse(text);
        Assert.Equal(ef, q.EfFor(10));
        Assert.Equal(text, q.ToString());
    }

    [Fact]
    public void SearchQuality_EfGrowsWithK_AndBadModesThrow()
    {
        Assert.Equal(400, SearchQuality.Balanced.EfFor(100));
        Assert.Equal(1600, SearchQuality.Accurate.EfFor(100));
        Assert.Equal(200, SearchQuality.Fast.EfFor(100));
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => SearchQuality.Parse("turbo")).Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => SearchQuality.Parse("adaptive:50:10")).Code);
    }

    [Fact]
    public void CreateCollection_BadHnswParameters_ThrowsConfig()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => db.CreateCollection("c", 4, hnsw: new HnswParameters(1, 10))).Code);
    }
}
