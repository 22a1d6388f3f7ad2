using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Search;

namespace VelesDb.Core.Tests.Collections;

public class CollectionTests
{
    [Fact]
    public void Upsert_ThenGet_RoundTripsVectorAndPayload()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 3);
        c.Upsert(Point.WithJson(7, new float[] { 1, 2, 3 }, """{"title":"hello","n":[1,2]}"""));
        var p = c.Get(7)!;
        Assert.Equal(new float[] { 1, 2, 3 }, p.Vector.ToArray());
        Assert.Equal("""{"title":"hello","n":[1,2]}""", TestData.PayloadText(p));
        Assert.Null(c.Get(8));
        Assert.Equal(1, c.Count);
    }

    [Fact]
    public void Upsert_ExistingId_Replaces()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2);
        c.Upsert(Point.WithJson(1, new float[] { 1, 0 }, """{"v":1}"""));
        c.Upsert(new Point(1, new float[] { 0, 1 }));
        var p = c.Get(1)!;
        Assert.Equal(new float[] { 0, 1 }, p.Vector.ToArray());
        Assert.Null(p.Payload);
        Assert.Equal(1, c.Count);
    }

    [Fact]
    public void Get_ManyIds_ReturnsNullForMissing_InOrder()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2);
        c.Upsert([TestData.Point(1, 2), TestData.Point(3, 2)]);
        var got = c.Get([3, 2, 1]);
        Assert.Equal(3UL, got[0]!.Id);
        Assert.Null(got[1]);
        Assert.Equal(1UL, got[2]!.Id);
    }

    [Fact]
    public void Delete_IsIdempotent_AndCountsExisting()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2);
        c.Upsert([TestData.Point(1, 2), TestData.Point(2, 2)]);
        Assert.Equal(1, c.Delete([1, 1, 99]));
        Assert.Equal(0, c.Delete([1]));
        Assert.False(c.Delete(1));
        Assert.Null(c.Get(1));
        Assert.Equal(1, c.Count);
    }

    [Fact]
    public void Upsert_WrongDimension_ThrowsDimensionMismatch_AndChangesNothing()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 3);
        var ex = Assert.Throws<VelesDbException>(() => c.Upsert([TestData.Point(1, 3), TestData.Point(2, 4)]));
        Assert.Equal(VelesDbErrorCode.DimensionMismatch, ex.Code);
        Assert.Equal(0, c.Count);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Upsert_NonFiniteComponent_ThrowsInvalidVector_AndChangesNothing(float bad)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 3);
        var ex = Assert.Throws<VelesDbException>(() => c.Upsert([TestData.Point(1, 3), new Point(2, new float[] { 0, bad, 0 })]));
        Assert.Equal(VelesDbErrorCode.InvalidVector, ex.Code);
        Assert.Equal(0, c.Count);
    }

    [Fact]
    public void Upsert_EmptyVectorInVectorCollection_ThrowsVectorRequired()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 3);
        Assert.Equal(VelesDbErrorCode.VectorRequired, Assert.Throws<VelesDbException>(() => c.Upsert(new Point(1, ReadOnlyMemory<float>.Empty))).Code);
    }

    [Fact]
    public void Upsert_DuplicateIdsInBatch_ThrowsConfig_AndChangesNothing()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2);
        var ex = Assert.Throws<VelesDbException>(() => c.Upsert([TestData.Point(1, 2), TestData.Point(2, 2), TestData.Point(1, 2)]));
        Assert.Equal(VelesDbErrorCode.Config, ex.Code);
        Assert.Contains("Duplicate id 1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, c.Count);
    }

    [Fact]
    public void Upsert_PayloadOverLimit_ThrowsGuardRail()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { MaxPayloadBytes = 100 });
        var c = db.CreateCollection("c", 2);
        var big = JsonSerializer.Serialize(new { text = new string('x', 200) });
        Assert.Equal(VelesDbErrorCode.GuardRail, Assert.Throws<VelesDbException>(() => c.Upsert(TestData.Point(1, 2, big))).Code);
        c.Upsert(TestData.Point(1, 2, """{"ok":true}"""));
    }

    [Fact]
    public void MetadataCollection_RejectsVectors_AndSearch()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateMetadataCollection("m");
        Assert.Equal(VelesDbErrorCode.VectorNotAllowed, Assert.Throws<VelesDbException>(() => c.Upsert(new Point(1, new float[] { 1 }))).Code);
        c.Upsert(Point.Metadata(1, JsonElement.Parse("""{"a":1}""")));
        Assert.Equal(1, c.Get(1)!.Payload!.Value.GetProperty("a").GetInt32());
        Assert.Equal(VelesDbErrorCode.SearchNotSupported, Assert.Throws<VelesDbException>(() => c.Search(new float[] { 1 }, 1)).Code);
    }

    [Fact]
    public void Scroll_AscendingIds_ExclusiveCursor_NullAtEnd()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2);
        c.Upsert([.. new ulong[] { 50, 3, 9, 1, 20 }.Select(id => TestData.Point(id, 2))]);
        var page1 = c.Scroll(null, 2);
        Assert.Equal([1UL, 3UL], page1.Points.Select(p => p.Id));
        Assert.Equal(3UL, page1.NextCursor);
        var page2 = c.Scroll(page1.NextCursor, 2);
        Assert.Equal([9UL, 20UL], page2.Points.Select(p => p.Id));
        var page3 = c.Scroll(page2.NextCursor, 2);
        Assert.Equal([50UL], page3.Points.Select(p => p.Id));
        Assert.Null(page3.NextCursor);
        Assert.Equal([20UL, 50UL], c.Scroll(10, 10).Points.Select(p => p.Id));
        Assert.Empty(c.Scroll(50, 10).Points);
    }

    [Fact]
    public void Scroll_WithFilter_ReturnsOnlyMatches()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2);
        for (ulong id = 1; id <= 10; id++)
        {
            c.Upsert(TestData.Point(id, 2, $$"""{"even":{{(id % 2 == 0 ? "true" : "false")}}}"""));
        }

        var filter = Filter.Parse("""{"condition":{"type":"eq","field":"even","value":true}}""");
        var page = c.Scroll(null, 3, filter);
        Assert.Equal([2UL, 4UL, 6UL], page.Points.Select(p => p.Id));
        var rest = c.Scroll(page.NextCursor, 3, filter);
        Assert.Equal([8UL, 10UL], rest.Points.Select(p => p.Id));
        Assert.Null(rest.NextCursor);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void Scroll_BadBatchSize_ThrowsConfig(int batch)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => c.Scroll(null, batch)).Code);
    }

    [Fact]
    public void Search_Euclidean_AscendingDistance_TiesByAscendingId()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2, DistanceMetric.Euclidean);
        c.Upsert([
            new Point(5, new float[] { 3, 4 }),
            new Point(2, new float[] { 0, 5 }),
            new Point(9, new float[] { 1, 0 }),
            new Point(1, new float[] { 5, 0 }),
        ]);
        var hits = c.Search(new float[] { 0, 0 }, 3);
        Assert.Equal([9UL, 1UL, 2UL], hits.Select(h => h.Id));
        Assert.Equal(1f, hits[0].Score, 5);
        Assert.Equal(5f, hits[1].Score, 5);
    }

    [Fact]
    public void Search_Cosine_DescendingSimilarity()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2, DistanceMetric.Cosine);
        c.Upsert([
            new Point(1, new float[] { 1, 0 }),
            new Point(2, new float[] { 0, 1 }),
            new Point(3, new float[] { -1, 0 }),
            new Point(4, new float[] { 1, 1 }),
        ]);
        var hits = c.Search(new float[] { 2, 0 }, 4);
        Assert.Equal([1UL, 4UL, 2UL, 3UL], hits.Select(h => h.Id));
        Assert.Equal(1f, hits[0].Score, 5);
        Assert.Equal(-1f, hits[3].Score, 5);
    }

    [Fact]
    public void Search_Dot_Jaccard_Hamming_FollowConventions()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var dot = db.CreateCollection("dot", 2, DistanceMetric.DotProduct);
        dot.Upsert([new Point(1, new float[] { 1, 1 }), new Point(2, new float[] { 3, 0 })]);
        var dh = dot.Search(new float[] { 1, 0 }, 2);
        Assert.Equal([2UL, 1UL], dh.Select(h => h.Id));
        Assert.Equal(3f, dh[0].Score, 5);

        var jac = db.CreateCollection("jac", 2, DistanceMetric.Jaccard);
        jac.Upsert([new Point(1, new float[] { 1, 1 }), new Point(2, new float[] { 1, 0 })]);
        var jh = jac.Search(new float[] { 1, 0 }, 2);
        Assert.Equal([2UL, 1UL], jh.Select(h => h.Id));
        Assert.Equal(1f, jh[0].Score, 5);
        Assert.Equal(0.5f, jh[1].Score, 5);

        var ham = db.CreateCollection("ham", 3, DistanceMetric.Hamming);
        ham.Upsert([new Point(1, new float[] { 1, 1, 1 }), new Point(2, new float[] { 1, 0, 0 })]);
        var hh = ham.Search(new float[] { 1, 0, 1 }, 2);
        Assert.Equal([1UL, 2UL], hh.Select(h => h.Id));
        Assert.Equal(1f, hh[0].Score);
        Assert.Equal(1f, hh[1].Score);
    }

    [Fact]
    public void Search_WithFilter_ReturnsOnlyMatching_AndKWhenAvailable()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 4, DistanceMetric.Euclidean);
        for (ulong id = 0; id < 200; id++)
        {
            c.Upsert(TestData.Point(id, 4, $$"""{"group":"{{(id % 10 == 0 ? "rare" : "common")}}"}"""));
        }

        var filter = Filter.Parse("""{"condition":{"type":"eq","field":"group","value":"rare"}}""");
        var hits = c.Search(TestData.Vector(4, 1234), 15, filter);
        Assert.Equal(15, hits.Count);
        Assert.All(hits, h => Assert.Equal(0UL, h.Id % 10));
        Assert.All(hits, h => Assert.Equal("rare", h.Payload!.Value.GetProperty("group").GetString()));
    }

    [Fact]
    public void Search_KLargerThanCount_ReturnsAll()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 4);
        c.Upsert([TestData.Point(1, 4), TestData.Point(2, 4)]);
        Assert.Equal(2, c.Search(TestData.Vector(4, 9), 10).Count);
        Assert.Empty(db.CreateCollection("empty", 4).Search(TestData.Vector(4, 9), 10));
    }

    [Fact]
    public void Search_InvalidInput_ThrowsCodes()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 4);
        Assert.Equal(VelesDbErrorCode.DimensionMismatch, Assert.Throws<VelesDbException>(() => c.Search(new float[3], 1)).Code);
        Assert.Equal(VelesDbErrorCode.InvalidVector, Assert.Throws<VelesDbException>(() => c.Search(new float[] { 0, float.NaN, 0, 0 }, 1)).Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => c.Search(new float[4], 0)).Code);
    }

    [Theory]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.DotProduct)]
    [InlineData(DistanceMetric.Hamming)]
    [InlineData(DistanceMetric.Jaccard)]
    public void Search_LargeCollection_ParallelScanMatchesBruteForceOracle(DistanceMetric metric)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = Core.Storage.DurabilityMode.None });
        const int dim = 8;
        // The exact path is under test: a minimal graph keeps the index build cheap.
        var c = db.CreateCollection("c", dim, metric, hnsw: new Core.Index.Hnsw.HnswParameters(2, 4));
        var vectors = new Dictionary<ulong, float[]>();
        var batch = new List<Point>();
        for (ulong id = 0; id < 40_000; id++)
        {
            // Quantised values create many exact ties, exercising the id tie-break across threads.
            var v = TestData.Vector(dim, (int)id).Select(x => MathF.Round(x * 2) / 2).ToArray();
            vectors[id] = v;
            batch.Add(new Point(id, v));
            if (batch.Count == 5000)
            {
                c.Upsert(batch);
                batch.Clear();
            }
        }

        c.Delete([.. Enumerable.Range(0, 1000).Select(i => (ulong)(i * 7))]);
        foreach (var i in Enumerable.Range(0, 1000))
        {
            vectors.Remove((ulong)(i * 7));
        }

        var query = TestData.Vector(dim, -5);
        var expected = vectors
            .Select(kv => (Id: kv.Key, Score: DistanceMetrics.Score(metric, query, kv.Value)))
            .OrderBy(x => metric.HigherIsBetter() ? -x.Score : x.Score)
            .ThenBy(x => x.Id)
            .Take(50)
            .ToList();
        var hits = c.Search(query, 50, new SearchOptions { Quality = SearchQuality.Perfect });
        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.Id));
    }

    [Fact]
    public void ConcurrentWritersAndReaders_AllAcknowledgedWritesVisible()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 4);
        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 50; i++)
            {
                var id = (ulong)((t * 1000) + i);
                c.Upsert(TestData.Point(id, 4));
                Assert.NotNull(c.Get(id));
                _ = c.Search(TestData.Vector(4, i), 3);
            }
        });
        Assert.Equal(400, c.Count);
    }
}
