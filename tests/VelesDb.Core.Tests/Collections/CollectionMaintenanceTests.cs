using VelesDb.Core.Collections;

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
}
