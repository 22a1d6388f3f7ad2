using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Search;

namespace VelesDb.Core.Tests.Collections;

public class CollectionMaintenanceTests
{
    private static long DirectoryBytes(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    [Fact]
    public void RebuildIndex_ReturnsTheTombstonesDropped()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2);
        c.Upsert([new Point(1, new[] { 1f, 0f }), new Point(2, new[] { 0f, 1f }), new Point(3, new[] { 1f, 1f })]);
        c.Delete(1);
        c.Upsert(new Point(2, new[] { 0.5f, 1f }));

        Assert.Equal(2, c.RebuildIndex());
        Assert.Equal(0, c.RebuildIndex());
        Assert.Empty(c.CheckIndexIntegrity());
        Assert.Equal(0, db.CreateMetadataCollection("m").RebuildIndex());
    }

    [Fact]
    public void Compact_RewritesThePayloadLogWithoutDeadRecords_AndReportsTheBytes()
    {
        using var dir = new TempDirectory();
        var collectionDir = Path.Combine(dir.Path, "c");
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.CreateCollection("c", 2);
            var big = new string('x', 500);
            c.Upsert([.. Enumerable.Range(1, 10).Select(i => Point.WithJson((ulong)i, [i, 1f], $$"""{"t":"{{big}}"}"""))]);
            c.FlushFull();
            c.Upsert([.. Enumerable.Range(1, 10).Select(i => Point.WithJson((ulong)i, [i, 1f], """{"t":"s"}"""))]);
            c.Delete(10);

            // Far below the automatic threshold (4 MiB), so a plain checkpoint keeps the log.
            c.FlushFull();
            var log = Assert.Single(Directory.GetFiles(collectionDir, "payloads-*.log"));

            var before = DirectoryBytes(collectionDir);
            var reclaimed = c.Compact();
            Assert.Equal(before - DirectoryBytes(collectionDir), reclaimed);

            // 10 records of a 500-character string are gone.
            Assert.True(reclaimed >= 10 * 500, $"reclaimed {reclaimed}");
            var compacted = Assert.Single(Directory.GetFiles(collectionDir, "payloads-*.log"));
            Assert.NotEqual(log, compacted);
            Assert.Equal(0, c.Compact());
        }

        using var reopened = VelesDatabase.Open(dir.Path);
        var r = reopened.GetCollection("c");
        Assert.Equal(9, r.Count);
        Assert.Equal("s", r.Get(3)!.Payload!.Value.GetProperty("t").GetString());
    }

    [Fact]
    public void Analyze_ComputesTheStatistics_AndKeepsThemAsLastStats()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2);
        c.Upsert([Point.WithJson(1, new[] { 1f, 0f }, """{"k":"ab","n":2}"""), Point.WithJson(2, new[] { 0f, 1f }, """{"k":"b","n":4.5}""")]);
        c.CreateIndex("k");
        c.CreatePropertyIndex("Doc", "k");
        Assert.Null(c.LastStats);

        var stats = c.Analyze();

        Assert.Same(stats, c.LastStats);
        Assert.Equal(("c", 2L, 2L, 0L), (stats.Collection, stats.TotalPoints, stats.RowCount, stats.DeletedCount));
        Assert.Equal(16 + 17, stats.PayloadBytes);
        Assert.Equal(16.5, stats.AvgPayloadBytes);
        Assert.Equal(8, stats.AvgVectorBytes);
        Assert.Equal(DirectoryBytes(Path.Combine(dir.Path, "c")), stats.TotalSizeBytes);

        var k = stats.Fields[0];
        Assert.Equal(("k", 2L, 0L, 2L, true), (k.Name, k.NonNullCount, k.NullCount, k.DistinctCount, k.DistinctExact));
        Assert.Equal(("ab", "b"), (k.Min!.Value.GetString(), k.Max!.Value.GetString()));
        Assert.Equal(3.5, k.AvgSizeBytes);
        Assert.Null(k.Histogram);
        var n = stats.Fields[1];
        Assert.Equal(["float", "integer"], n.Types);
        Assert.Equal((2.0, 4.5), (n.Min!.Value.GetDouble(), n.Max!.Value.GetDouble()));
        Assert.Equal([1L, 1L], n.Histogram!.Counts);
        Assert.Equal(2, n.Histogram.Buckets);

        Assert.Equal(["hnsw:hnsw:2", "k:secondary:2", "Doc.k:hash:0"], stats.Indexes.Select(i => $"{i.Name}:{i.IndexType}:{i.EntryCount}"));

        // VelesQL ANALYZE runs the same method and replaces LastStats.
        db.Execute("ANALYZE c");
        Assert.NotSame(stats, c.LastStats);
        Assert.Equal(stats with { AnalyzedAt = c.LastStats!.AnalyzedAt, Fields = c.LastStats.Fields, Indexes = c.LastStats.Indexes }, c.LastStats);
    }

    [Theory]
    [InlineData(StorageMode.Full)]
    [InlineData(StorageMode.SQ8)]
    public void ReorderForLocality_KeepsEveryResult_AcrossAReopen_AndIsIdempotent(StorageMode storage)
    {
        const int dim = 16;
        using var dir = new TempDirectory();
        var queries = Enumerable.Range(0, 40).Select(i => TestData.Vector(dim, 100_000 + i)).ToArray();
        var options = new SearchOptions { EfSearch = 64, WithPayload = false };
        List<(ulong, float)>[] before;
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.CreateCollection("c", dim, DistanceMetric.Cosine, storage);
            c.Upsert([.. Enumerable.Range(1, 3000).Select(i => TestData.Point((ulong)i, dim))]);
            c.Delete([.. Enumerable.Range(1, 300).Select(i => (ulong)(i * 7))]);
            before = [.. queries.Select(q => c.Search(q, 10, options).Select(h => (h.Id, h.Score)).ToList())];

            var moved = c.ReorderForLocality();
            Assert.True(moved > 1000, $"moved {moved}");
            Assert.Empty(c.CheckIndexIntegrity());
            for (var i = 0; i < queries.Length; i++)
            {
                Assert.Equal(before[i], c.Search(queries[i], 10, options).Select(h => (h.Id, h.Score)).ToList());
            }

            // Breadth-first order renumbered in place is its own breadth-first order.
            Assert.Equal(0, c.ReorderForLocality());
            Assert.Equal(0, db.CreateMetadataCollection("m").ReorderForLocality());
        }

        using var reopened = VelesDatabase.Open(dir.Path);
        var r = reopened.GetCollection("c");
        Assert.Empty(r.CheckIndexIntegrity());
        for (var i = 0; i < queries.Length; i++)
        {
            Assert.Equal(before[i], r.Search(queries[i], 10, options).Select(h => (h.Id, h.Score)).ToList());
        }

        Assert.Equal(0, r.ReorderForLocality());
    }
}
