using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Index.Hnsw;
using VelesDb.Core.Tests.Index;

namespace VelesDb.Core.Tests.Collections;

public class HnswPersistenceTests
{
    private const int Dim = 16;

    private static float[][] Data(int n) => HnswIndexTests.Clustered(n, Dim, 31);

    private static void Fill(Collection c, float[][] data, int from, int to) =>
        c.Upsert([.. Enumerable.Range(from, to - from).Select(i => new Point((ulong)i, data[i]))]);

    /// <summary>
    /// Reopening re-indexes nothing: every stored vector encodes to the very code in the graph.
    /// Cosine at 37 dimensions guards the normalisation: a norm summed in an address-dependent
    /// order gave codes an ulp apart, and every such row was re-indexed at each open.
    /// </summary>
    [Theory]
    [InlineData(DistanceMetric.Euclidean, Dim)]
    [InlineData(DistanceMetric.Cosine, Dim)]
    [InlineData(DistanceMetric.Cosine, 37)]
    public void Reopen_AfterCleanClose_LoadsGraphWithoutReindexing(DistanceMetric metric, int dimension)
    {
        using var dir = new TempDirectory();
        var data = HnswIndexTests.Clustered(800, dimension, 31);
        using (var db = VelesDatabase.Open(dir.Path))
        {
            Fill(db.CreateCollection("c", dimension, metric), data, 0, 800);
        }

        Assert.True(File.Exists(Path.Combine(dir.Path, "c", "hnsw.graph")));
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.GetCollection("c");
            Assert.Equal(0, c.IndexReconciledRows);
            Assert.Empty(c.CheckIndexIntegrity());
            Assert.Equal(123UL, c.Search(data[123], 1)[0].Id);
        }
    }

    [Fact]
    public void CrashAfterFlushFull_StaleGraphIsReconciledWithStorage()
    {
        using var dir = new TempDirectory();
        using var crash = new TempDirectory();
        var data = Data(900);
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.CreateCollection("c", Dim, DistanceMetric.Euclidean);
            Fill(c, data, 0, 600);
            c.FlushFull();

            // After the graph was saved: 300 new points, 100 deletes, 50 replaced vectors.
            Fill(c, data, 600, 900);
            c.Delete([.. Enumerable.Range(0, 100).Select(i => (ulong)i)]);
            c.Upsert([.. Enumerable.Range(200, 50).Select(i => new Point((ulong)i, Shifted(data[i])))]);
            TestData.CrashCopy(dir.Path, crash.Path);
        }

        using var reopened = VelesDatabase.Open(crash.Path);
        var r = reopened.GetCollection("c");
        Assert.Equal(350, r.IndexReconciledRows);
        Assert.Empty(r.CheckIndexIntegrity());
        Assert.Equal(800, r.Count);
        Assert.Equal(700UL, r.Search(data[700], 1)[0].Id);
        Assert.Equal(210UL, r.Search(Shifted(data[210]), 1)[0].Id);
        foreach (var q in HnswIndexTests.Clustered(10, Dim, 32))
        {
            Assert.All(r.Search(q, 20), h => Assert.True(h.Id >= 100));
        }
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("garbage")]
    public void DamagedGraphFile_IsNeverTrusted_IndexRebuilt(string damage)
    {
        using var dir = new TempDirectory();
        var data = Data(500);
        using (var db = VelesDatabase.Open(dir.Path))
        {
            Fill(db.CreateCollection("c", Dim, DistanceMetric.Euclidean), data, 0, 500);
        }

        var path = Path.Combine(dir.Path, "c", "hnsw.graph");
        var bytes = File.ReadAllBytes(path);
        bytes = damage switch
        {
            "flip" => Flip(bytes, bytes.Length / 3),
            "truncate" => bytes[..(bytes.Length - 100)],
            _ => [.. Enumerable.Repeat((byte)0xAB, 4096)],
        };
        File.WriteAllBytes(path, bytes);

        using var db2 = VelesDatabase.Open(dir.Path);
        var c = db2.GetCollection("c");
        Assert.Equal(500, c.IndexReconciledRows);
        Assert.Empty(c.CheckIndexIntegrity());
        Assert.Equal(77UL, c.Search(data[77], 1)[0].Id);
    }

    [Fact]
    public void GraphOfOtherParameters_IsRebuilt()
    {
        using var dir = new TempDirectory();
        var data = Data(300);
        using (var db = VelesDatabase.Open(dir.Path))
        {
            Fill(db.CreateCollection("c", Dim, DistanceMetric.Euclidean, hnsw: new HnswParameters(8, 64)), data, 0, 300);
        }

        var config = Path.Combine(dir.Path, "c", "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"hnsw_m\": 8", "\"hnsw_m\": 10", StringComparison.Ordinal));
        using var db2 = VelesDatabase.Open(dir.Path);
        var c = db2.GetCollection("c");
        Assert.Equal(10, c.Hnsw.M);
        Assert.Equal(300, c.IndexReconciledRows);
    }

    [Fact]
    public void RebuildIndex_DropsTombstones_AndKeepsResults()
    {
        using var dir = new TempDirectory();
        var data = Data(600);
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", Dim, DistanceMetric.Euclidean);
        Fill(c, data, 0, 600);
        c.Delete([.. Enumerable.Range(0, 300).Select(i => (ulong)i)]);
        Assert.Equal(0.5, c.TombstoneRatio, 3);
        c.RebuildIndex();
        Assert.Equal(0, c.TombstoneRatio);
        Assert.Empty(c.CheckIndexIntegrity());
        Assert.Equal(450UL, c.Search(data[450], 1)[0].Id);
    }

    private static float[] Shifted(float[] v) => [.. v.Select(x => x + 5f)];

    private static byte[] Flip(byte[] bytes, int at)
    {
        bytes[at] ^= 0x04;
        return bytes;
    }
}
