using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Search;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Tests.Collections;

public class TextSearchCollectionTests
{
    private static readonly string[] Docs =
    [
        """{"title":"The quick brown fox","body":"jumps over the lazy dog","lang":"en"}""",
        """{"title":"Fox news","tags":["media","fox"],"lang":"en"}""",
        """{"title":"Lazy afternoon","body":"a dog sleeps","lang":"fr"}""",
        """{"n":1,"nested":{"deep":"quick quick quick"}}""",
    ];

    /// <summary>
    /// BM25 by hand for the query "fox dog" over the four documents above (k1 = 1.2, b = 0.75).
    /// Every payload string counts, "lang" included: token counts 10 ("the quick brown fox jumps
    /// over the lazy dog en"), 5 ("fox news media fox en"), 5 ("lazy afternoon dog sleeps fr":
    /// the one-letter "a" is dropped), 3 ("quick quick quick"); avgdl = 23 / 4 = 5.75;
    /// df(fox) = df(dog) = 2 of N = 4, so idf = ln((4 − 2 + 0.5)/(2 + 0.5) + 1) = ln 2.
    /// </summary>
    private static float Bm25(double tf, double length) =>
        (float)(Math.Log(2) * tf * 2.2 / (tf + (1.2 * (1 - 0.75 + (0.75 * length / 5.75)))));

    private static Collection Fill(VelesDatabase db, string name = "c")
    {
        var c = db.CreateCollection(name, 2, DistanceMetric.Euclidean);
        c.Upsert([.. Docs.Select((json, i) => Point.WithJson((ulong)(i + 1), new float[] { i, 0 }, json))]);
        return c;
    }

    [Fact]
    public void TextSearch_ScoresEqualHandComputedBm25()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = Fill(db);
        var hits = c.TextSearch("Fox, DOG!", 10);
        var expected = new Dictionary<ulong, float>
        {
            [1] = Bm25(1, 10) + Bm25(1, 10),
            [2] = Bm25(2, 5),
            [3] = Bm25(1, 5),
        };
        Assert.Equal(expected.OrderByDescending(e => e.Value).ThenBy(e => e.Key).Select(e => e.Key), hits.Select(h => h.Id));
        foreach (var h in hits)
        {
            Assert.Equal(expected[h.Id], h.Score, 1e-5f);
            Assert.NotNull(h.Payload);
        }

        Assert.Empty(c.TextSearch("zebra", 10));
        Assert.Empty(c.TextSearch("a", 10));
        Assert.Equal(4UL, Assert.Single(c.TextSearch("quick", 1)).Id);
    }

    [Fact]
    public void TextSearch_FollowsUpdatesDeletesFiltersAndReopens()
    {
        using var dir = new TempDirectory();
        var fr = Filter.Parse("""{"condition":{"type":"eq","field":"lang","value":"fr"}}""");
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = Fill(db);
            Assert.Equal([3UL], c.TextSearch("dog", 10, fr).Select(h => h.Id));
            c.Delete(1);
            c.Upsert(Point.WithJson(2, new float[] { 1, 0 }, """{"title":"no canines here"}"""));
            Assert.Equal([3UL], c.TextSearch("dog fox", 10).Select(h => h.Id));
            c.FlushFull();
            c.Upsert(Point.WithJson(9, new float[] { 9, 0 }, """{"title":"a dog and a fox"}"""));
        }

        foreach (var damage in new[] { false, true })
        {
            if (damage)
            {
                var path = Path.Combine(dir.Path, "c", "bm25.snapshot");
                var bytes = File.ReadAllBytes(path);
                bytes[bytes.Length / 2] ^= 0x5A;
                File.WriteAllBytes(path, bytes);
            }

            using var db = VelesDatabase.Open(dir.Path);
            var c = db.GetCollection("c");
            Assert.Equal([9UL, 3UL], c.TextSearch("dog fox", 10).Select(h => h.Id));
            if (damage)
            {
                Assert.Contains(c.Recovery.Notes, n => n.Contains("bm25.snapshot", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public void TextSearch_AfterCrashWithoutCheckpoint_ReplaysIntoTheSnapshot()
    {
        using var dir = new TempDirectory();
        using var crash = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = Fill(db);
            c.FlushFull();
            c.Delete(3);
            c.Upsert(Point.WithJson(7, new float[] { 7, 0 }, """{"t":"sleepy dog"}"""));
            TestData.CrashCopy(dir.Path, crash.Path);
        }

        using var reopened = VelesDatabase.Open(crash.Path);
        Assert.Equal([7UL, 1UL], reopened.GetCollection("c").TextSearch("dog", 10).Select(h => h.Id));
    }

    [Fact]
    public void HybridSearch_WeightedRrfOverBothBranches()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = Fill(db);

        // Vector branch from (0, 0): ids 1, 2, 3, 4 at ranks 0..3. Text branch "fox": 2 (tf 2, short) then 1.
        var hits = c.HybridSearch([0f, 0f], "fox", 4, vectorWeight: 0.7f, rrfK: 60);
        var expected = new Dictionary<ulong, (float V, float T)>
        {
            [1] = (0.7f / 60, 0.3f / 61),
            [2] = (0.7f / 61, 0.3f / 60),
            [3] = (0.7f / 62, 0),
            [4] = (0.7f / 63, 0),
        };
        Assert.Equal(4, hits.Count);
        foreach (var h in hits)
        {
            Assert.Equal(expected[h.Id].V, h.VectorScore, 1e-6f);
            Assert.Equal(expected[h.Id].T, h.Bm25Score, 1e-6f);
            Assert.Equal(h.VectorScore + h.Bm25Score, h.Score, 1e-6f);
        }

        Assert.Equal([1UL, 2UL, 3UL, 4UL], hits.Select(h => h.Id));
        Assert.Equal(2UL, c.HybridSearch([3f, 0f], "fox", 1, vectorWeight: 0f)[0].Id);

        var ex = Assert.Throws<VelesDbException>(() => c.HybridSearch([0f, 0f], "fox", 4, rrfK: 0));
        Assert.Equal(VelesDbErrorCode.Config, ex.Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => c.TextSearch("fox", 0)).Code);
    }

    [Fact]
    public void TextSearch_MetadataCollection()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var m = db.CreateMetadataCollection("m");
        m.Upsert(Point.Metadata(1, System.Text.Json.JsonElement.Parse("""{"note":"graph databases"}""")));
        m.Upsert(Point.Metadata(2, System.Text.Json.JsonElement.Parse("""{"note":"vector databases and graph"}""")));
        Assert.Equal([1UL, 2UL], m.TextSearch("graph", 10, withPayload: false).Select(h => h.Id));
        Assert.All(m.TextSearch("graph", 10, withPayload: false), h => Assert.Null(h.Payload));
        _ = new SearchOptions();
    }
}
