using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.Core.Index.Hnsw;

namespace VelesDb.Core.Tests.Query;

public sealed class StatementExecutorAdminTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly VelesDatabase _db;

    public StatementExecutorAdminTests() => _db = VelesDatabase.Open(_dir.Path);

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private VelesDbException Fails(string query) => Assert.Throws<VelesDbException>(() => _db.Execute(query));

    private static JsonObject Field(JsonObject analyze, string name) =>
        analyze["fields"]!.AsArray().Select(f => f!.AsObject()).Single(f => (string)f["field"]! == name);

    private static long[] Longs(JsonNode? array) => [.. array!.AsArray().Select(L)];

    private static long L(JsonNode? n) => long.Parse(n!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- SHOW / DESCRIBE

    [Fact]
    public void ShowCollections_ListsNamesAndTypesByName()
    {
        _db.CreateMetadataCollection("users");
        _db.CreateCollection("docs", 3);
        _db.CreateGraphCollection("kg");

        var r = _db.Execute("SHOW COLLECTIONS");

        Assert.Equal("SHOW COLLECTIONS", r.StatementType);
        Assert.Equal(["docs", "kg", "users"], r.Rows.Select(x => (string)x["name"]!));
        Assert.Equal(["vector", "graph", "metadata"], r.Rows.Select(x => (string)x["type"]!));
    }

    [Fact]
    public void ShowCollections_EmptyDatabase_NoRows() =>
        Assert.Empty(_db.Execute("SHOW COLLECTIONS").Rows);

    [Fact]
    public void Describe_VectorCollection_ReportsConfigAndCounts()
    {
        var c = _db.CreateCollection("docs", 3, DistanceMetric.Euclidean, hnsw: new HnswParameters(10, 50));
        c.Upsert([new Point(1, new[] { 1f, 2f, 3f }), new Point(2, new[] { 1f, 0f, 3f })]);
        c.CreateIndex("lang");

        var row = _db.Execute("DESCRIBE COLLECTION docs").Rows.Single();

        Assert.Equal("docs", (string)row["name"]!);
        Assert.Equal("vector", (string)row["type"]!);
        Assert.Equal(3, (int)row["dimension"]!);
        Assert.Equal("euclidean", (string)row["metric"]!);
        Assert.Equal("full", (string)row["storage"]!);
        Assert.Equal(10, (int)row["hnsw_m"]!);
        Assert.Equal(50, (int)row["hnsw_ef_construction"]!);
        Assert.Equal(2, L(row["point_count"]));
        Assert.Equal(["lang"], row["indexes"]!.AsArray().Select(n => (string)n!));
        Assert.False((bool)row["auto_reindex"]!);
    }

    [Fact]
    public void Describe_MetadataCollection_HasNoVectorFields()
    {
        _db.CreateMetadataCollection("users");

        var row = _db.Execute("DESCRIBE users").Rows.Single();

        Assert.Equal("metadata", (string)row["type"]!);
        Assert.False(row.ContainsKey("dimension"));
        Assert.False(row.ContainsKey("metric"));
        Assert.Equal(0, L(row["point_count"]));
        var missing = Fails("DESCRIBE nope");
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, missing.Code);
        Assert.Equal("nope", missing.Collection);
    }

    // ---------------------------------------------------------------- ANALYZE

    [Fact]
    public void Analyze_ReportsCountsAndFieldStatistics()
    {
        var c = _db.CreateCollection("docs", 2);
        string[] payloads =
        [
            """{"lang":"en","stars":3}""",
            """{"lang":"fr","stars":1.5}""",
            """{"lang":"en","stars":5,"tags":["a"]}""",
            """{"lang":null,"stars":3}""",
            """{"stars":4}""",
        ];
        c.Upsert([.. payloads.Select((p, i) => Point.WithJson((ulong)i + 1, [i, 1f], p))]);
        c.Upsert(Point.WithJson(9, [9f, 1f], "{}"));
        c.Delete(9);

        var r = _db.Execute("ANALYZE COLLECTION docs");
        var row = r.Rows.Single();

        Assert.Equal("ANALYZE", r.StatementType);
        Assert.Equal(5, L(row["row_count"]));
        Assert.Equal(1, L(row["deleted_count"]));
        Assert.Equal(6, L(row["total_points"]));
        var bytes = payloads.Sum(p => JsonDocument.Parse(p).RootElement.GetRawText().Length);
        Assert.Equal((double)bytes / 5, (double)row["avg_payload_bytes"]!, 6);
        Assert.Equal(8, (int)row["avg_vector_bytes"]!);
        Assert.Equal(["lang", "stars", "tags"], row["fields"]!.AsArray().Select(f => (string)f!["field"]!));

        var lang = Field(row, "lang");
        Assert.Equal(["null", "string"], lang["types"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(3, L(lang["non_null_count"]));
        Assert.Equal(1, L(lang["null_count"]));
        Assert.Equal(2, L(lang["distinct_count"]));
        Assert.True((bool)lang["distinct_exact"]!);
        Assert.Equal("en", (string)lang["min"]!);
        Assert.Equal("fr", (string)lang["max"]!);
        Assert.False(lang.ContainsKey("histogram"));

        var stars = Field(row, "stars");
        Assert.Equal(["float", "integer"], stars["types"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(5, L(stars["non_null_count"]));
        Assert.Equal(4, L(stars["distinct_count"]));
        Assert.Equal(1.5, (double)stars["min"]!);
        Assert.Equal(5.0, (double)stars["max"]!);
        var histogram = stars["histogram"]!.AsObject();
        Assert.Equal(5, (int)histogram["buckets"]!);
        Assert.Equal([1.5, 3, 3, 4, 5], histogram["upper_bounds"]!.AsArray().Select(n => (double)n!));
        Assert.Equal([1L, 1, 1, 1, 1], Longs(histogram["counts"]));
        Assert.False((bool)histogram["sampled"]!);

        Assert.Equal(["array"], Field(row, "tags")["types"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void Analyze_Histogram_Has64EquiDepthBuckets()
    {
        var c = _db.CreateMetadataCollection("nums");
        c.Upsert([.. Enumerable.Range(0, 128).Select(i => Point.Metadata((ulong)i, JsonDocument.Parse($$"""{"v":{{127 - i}}}""").RootElement))]);

        var stats = Field(_db.Execute("ANALYZE nums").Rows.Single(), "v");
        var histogram = stats["histogram"]!.AsObject();

        Assert.Equal(64, (int)histogram["buckets"]!);
        Assert.Equal(Enumerable.Range(0, 64).Select(i => (long)((2 * i) + 1)), Longs(histogram["upper_bounds"]));
        Assert.All(Longs(histogram["counts"]), n => Assert.Equal(2, n));
        Assert.Equal(0, L(stats["min"]));
        Assert.Equal(127, L(stats["max"]));
        Assert.Equal(128, L(stats["distinct_count"]));
        Assert.Equal(0, L(_db.Execute("ANALYZE nums").Rows[0]["deleted_count"]));
    }

    [Fact]
    public void Analyze_ManyDistinctValues_SwitchesToAnEstimate()
    {
        var c = _db.CreateMetadataCollection("big");
        const int n = 120_000;
        for (var start = 0; start < n; start += 20_000)
        {
            c.Upsert([.. Enumerable.Range(start, 20_000).Select(i => Point.Metadata((ulong)i, JsonDocument.Parse($$"""{"k":"key-{{i}}"}""").RootElement))]);
        }

        var k = Field(_db.Execute("ANALYZE big").Rows.Single(), "k");

        Assert.False((bool)k["distinct_exact"]!);
        var estimate = L(k["distinct_count"]);
        Assert.InRange(estimate, n * 0.95, n * 1.05);
    }

    [Fact]
    public void Analyze_PastTheTimeout_IsStoppedByTheGuardRail()
    {
        var c = _db.CreateMetadataCollection("nums");
        c.Upsert([.. Enumerable.Range(0, 2_000).Select(i => Point.Metadata((ulong)i, JsonDocument.Parse($$"""{"v":{{i}}}""").RootElement))]);

        var e = Assert.Throws<VelesDbException>(() => _db.Execute("ANALYZE nums", null, new VelesDb.Core.Query.QueryOptions { Timeout = TimeSpan.FromTicks(1) }));

        Assert.Equal(VelesDbErrorCode.GuardRail, e.Code);
    }

    [Fact]
    public void Analyze_MissingCollection_IsCollectionNotFound() =>
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("ANALYZE nope").Code);

    // ---------------------------------------------------------------- TRUNCATE

    [Fact]
    public void Truncate_Graph_RemovesNodesAndEdgesAndKeepsConfigAndIndexes()
    {
        var c = _db.CreateGraphCollection("kg", embeddingDimension: 2);
        c.Upsert([.. Enumerable.Range(1, 4).Select(i => Point.WithJson((ulong)i, [i, 1f], $$"""{"n":{{i}}}"""))]);
        c.AddEdges([new GraphEdge(1, 1, 2, "A"), new GraphEdge(2, 2, 3, "A"), new GraphEdge(3, 4, 1, "B")]);
        c.CreateIndex("n");

        var r = _db.Execute("TRUNCATE COLLECTION kg");

        Assert.Equal("TRUNCATE", r.StatementType);
        Assert.Equal(4, r.AffectedRows);
        Assert.Equal(4, (int)r.Rows[0]["deleted_count"]!);
        Assert.Equal(3, (int)r.Rows[0]["deleted_edges"]!);
        Assert.Equal(0, c.Count);
        Assert.Equal(0, c.EdgeCount);
        Assert.Equal(2, c.Dimension);
        Assert.Equal(["n"], c.ListIndexes().Select(i => i.Field));
        c.Upsert(Point.WithJson(7, [1f, 1f], """{"n":7}"""));
        Assert.Equal(1, c.Count);
    }

    [Fact]
    public void Truncate_Empty_DeletesNothing()
    {
        _db.CreateMetadataCollection("users");

        Assert.Equal(0, (int)_db.Execute("TRUNCATE users").Rows[0]["deleted_count"]!);
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("TRUNCATE nope").Code);
    }
}
