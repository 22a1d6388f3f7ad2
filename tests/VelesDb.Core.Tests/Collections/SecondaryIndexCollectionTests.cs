using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Search;
using VelesDb.Core.Storage;
using VelesDb.Core.Tests.Index;

namespace VelesDb.Core.Tests.Collections;

public class SecondaryIndexCollectionTests
{
    private const int Dim = 16;

    private static readonly string[] Filters =
    [
        """{"condition":{"type":"eq","field":"bucket","value":3}}""",
        """{"condition":{"type":"neq","field":"bucket","value":3}}""",
        """{"condition":{"type":"in","field":"lang","values":["en","fr"]}}""",
        """{"condition":{"type":"not","condition":{"type":"in","field":"lang","values":["en"]}}}""",
        """{"condition":{"type":"gte","field":"price","value":40.5}}""",
        """{"condition":{"type":"and","conditions":[{"type":"lt","field":"price","value":20},{"type":"eq","field":"lang","value":"de"}]}}""",
        """{"condition":{"type":"and","conditions":[{"type":"eq","field":"bucket","value":7},{"type":"like","field":"title","pattern":"doc 1%"}]}}""",
        """{"condition":{"type":"or","conditions":[{"type":"eq","field":"bucket","value":1},{"type":"is_null","field":"lang"}]}}""",
        """{"condition":{"type":"eq","field":"bucket","value":999}}""",
    ];

    private static void Fill(Collection c, float[][] data)
    {
        string[] langs = ["en", "fr", "de", "es"];
        for (var start = 0; start < data.Length; start += 500)
        {
            c.Upsert([.. Enumerable.Range(start, Math.Min(500, data.Length - start)).Select(i =>
            {
                var lang = i % 11 == 0 ? string.Empty : $$""","lang":"{{langs[i % 4]}}" """;
                return Point.WithJson((ulong)i, data[i], $$"""{"bucket":{{i % 50}},"price":{{(i % 97) + 0.5}},"title":"doc {{i}}"{{lang}}}""");
            })]);
        }
    }

    /// <summary>The same data with and without indexes must give identical results on every read path.</summary>
    [Fact]
    public void Search_ScrollAndExactScan_SameResultsWithAndWithoutIndexes()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var data = HnswIndexTests.Clustered(3000, Dim, 41);
        var plain = db.CreateCollection("plain", Dim, DistanceMetric.Euclidean);
        var indexed = db.CreateCollection("indexed", Dim, DistanceMetric.Euclidean);
        Fill(plain, data);
        Assert.True(indexed.CreateIndex("bucket"));
        Fill(indexed, data);
        Assert.True(indexed.CreateIndex("lang"));
        Assert.True(indexed.CreateIndex("price"));

        var queries = HnswIndexTests.Clustered(5, Dim, 42);
        foreach (var json in Filters)
        {
            var filter = Filter.Parse(json);
            foreach (var quality in new[] { SearchQuality.Perfect, SearchQuality.Accurate })
            {
                foreach (var q in queries)
                {
                    var options = new SearchOptions { Filter = filter, Quality = quality, WithPayload = false };
                    var expected = plain.Search(q, 10, options);
                    var actual = indexed.Search(q, 10, options);
                    if (quality == SearchQuality.Perfect)
                    {
                        Assert.Equal(expected.Select(h => h.Id), actual.Select(h => h.Id));
                    }

                    // Every path returns only matching points, and k of them when k match.
                    Assert.All(actual, h => Assert.True(filter.Matches(indexed.Get(h.Id)!.Payload!.Value), json));
                    Assert.Equal(expected.Count, actual.Count);
                }
            }

            Assert.Equal(ScrollAll(plain, filter), ScrollAll(indexed, filter));
        }
    }

    private static List<ulong> ScrollAll(Collection c, Filter filter)
    {
        var ids = new List<ulong>();
        ulong? cursor = null;
        do
        {
            var page = c.Scroll(cursor, 97, filter);
            ids.AddRange(page.Points.Select(p => p.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }

    [Fact]
    public void Index_FollowsUpdatesDeletesAndSurvivesReopen()
    {
        using var dir = new TempDirectory();
        var data = HnswIndexTests.Clustered(400, Dim, 43);
        var eq3 = Filter.Parse("""{"condition":{"type":"eq","field":"bucket","value":3}}""");
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.CreateCollection("c", Dim, DistanceMetric.Cosine);
            Fill(c, data);
            c.CreateIndex("bucket");
            c.Delete([3UL, 53UL]);
            c.Upsert(Point.WithJson(103, data[103], """{"bucket":4}"""));
            c.Upsert(Point.WithJson(4, data[4], """{"bucket":3}"""));
            Assert.Equal([4UL, 153UL, 203UL, 253UL, 303UL, 353UL], ScrollAll(c, eq3));
        }

        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.GetCollection("c");
            var info = Assert.Single(c.ListIndexes());
            Assert.Equal("bucket", info.Field);
            Assert.Equal(50, info.DistinctValues);
            Assert.Equal(398, info.IndexedPoints);
            Assert.True(info.MemoryBytes > 0);
            Assert.Equal([4UL, 153UL, 203UL, 253UL, 303UL, 353UL], ScrollAll(c, eq3));
            Assert.False(c.CreateIndex("bucket"));
            Assert.True(c.DropIndex("bucket"));
            Assert.False(c.DropIndex("bucket"));
        }

        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.GetCollection("c");
            Assert.Empty(c.ListIndexes());
            Assert.Equal([4UL, 153UL, 203UL, 253UL, 303UL, 353UL], ScrollAll(c, eq3));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData(".a")]
    public void CreateIndex_BadFieldPath_Config(string field)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", Dim, DistanceMetric.Cosine);
        var ex = Assert.Throws<VelesDbException>(() => c.CreateIndex(field));
        Assert.Equal(VelesDbErrorCode.Config, ex.Code);
        Assert.Empty(c.ListIndexes());
    }

    [Fact]
    public void MetadataCollection_CanBeIndexedAndScrolled()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateMetadataCollection("m");
        c.Upsert([.. Enumerable.Range(0, 200).Select(i => Point.Metadata((ulong)i, System.Text.Json.JsonDocument.Parse($$"""{"k":{{i % 3}}}""").RootElement.Clone()))]);
        c.CreateIndex("k");
        var ids = ScrollAll(c, Filter.Parse("""{"condition":{"type":"eq","field":"k","value":2}}"""));
        Assert.Equal(Enumerable.Range(0, 200).Where(i => i % 3 == 2).Select(i => (ulong)i), ids);
    }
}
