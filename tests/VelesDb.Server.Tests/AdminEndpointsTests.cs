using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Index.Hnsw;

namespace VelesDb.Server.Tests;

public sealed class AdminEndpointsTests : ServerTest
{
    private Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> Post(string path) =>
        Http.PostJsonAsync(Client, path, new { });

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual?.ToJsonString());

    private static async Task AssertMissing(Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> call)
    {
        var (status, body, _) = await call;
        Assert.Equal(404, status);
        Assert.Equal("VELES-002", (string)body!["code"]!);
    }

    /// <summary>Three points, then 1 deleted and 2 replaced by a different vector: 2 index tombstones of 4 nodes.</summary>
    private Collection SeedWithTombstones()
    {
        var c = Db.CreateCollection("docs", 2);
        c.Upsert([Point.WithJson(1, [1f, 0f], """{"a":1}"""), Point.WithJson(2, [0f, 1f], """{"a":2}"""), Point.WithJson(3, [1f, 1f], """{"a":3}""")]);
        c.Delete(1);
        c.Upsert(Point.WithJson(2, [0.5f, 1f], """{"a":22}"""));
        return c;
    }

    [Fact]
    public async Task Empty_ReportsWhetherTheCollectionHasPoints()
    {
        var c = Db.CreateCollection("docs", 2);
        var (status, body, _) = await Http.GetAsync(Client, "/v1/collections/docs/empty");
        Assert.Equal(200, status);
        AssertJson("""{"is_empty":true}""", body);

        c.Upsert(Point.WithJson(1, [1f, 0f], "{}"));
        AssertJson("""{"is_empty":false}""", (await Http.GetAsync(Client, "/collections/docs/empty")).Body);
        await AssertMissing(Http.GetAsync(Client, "/v1/collections/nope/empty"));
    }

    [Fact]
    public async Task Config_VectorGraphAndMetadata_UseLowerCasedEnumNames()
    {
        Db.CreateCollection("docs", 3, DistanceMetric.DotProduct, StorageMode.SQ8, new HnswParameters(12, 150));
        Db.CreateGraphCollection("kg");
        Db.CreateMetadataCollection("facts");

        var (status, docs, _) = await Http.GetAsync(Client, "/v1/collections/docs/config");
        Assert.Equal(200, status);
        AssertJson("""{"name":"docs","dimension":3,"metric":"dotproduct","storage_mode":"sq8","point_count":0,"metadata_only":false,"schema_version":1,"hnsw_params":{"m":12,"ef_construction":150}}""", docs);

        AssertJson(
            """{"name":"kg","dimension":0,"metric":"cosine","storage_mode":"full","point_count":0,"metadata_only":false,"schema_version":1,"graph_schema":{"schemaless":true,"node_types":[],"edge_types":[]}}""",
            (await Http.GetAsync(Client, "/v1/collections/kg/config")).Body);
        AssertJson(
            """{"name":"facts","dimension":0,"metric":"cosine","storage_mode":"full","point_count":0,"metadata_only":true,"schema_version":1}""",
            (await Http.GetAsync(Client, "/v1/collections/facts/config")).Body);
        await AssertMissing(Http.GetAsync(Client, "/v1/collections/nope/config"));
    }

    [Fact]
    public async Task Flush_CheckpointsAndNamesTheCollection()
    {
        var c = Db.CreateCollection("docs", 2);
        c.Upsert(Point.WithJson(1, [1f, 0f], """{"a":1}"""));
        Assert.True(new FileInfo(Path.Combine(Factory.DataDir, "docs", "wal.log")).Length > 32);

        var (status, body, _) = await Post("/v1/collections/docs/flush");
        Assert.Equal(200, status);
        AssertJson("""{"message":"Flushed successfully","collection":"docs"}""", body);

        // The write was in the WAL only; a checkpoint leaves the WAL at its 32-byte header.
        Assert.Equal(32, new FileInfo(Path.Combine(Factory.DataDir, "docs", "wal.log")).Length);
        await AssertMissing(Post("/v1/collections/nope/flush"));
    }

    [Fact]
    public async Task Diagnostics_FollowsTheIndexHealth()
    {
        Db.CreateCollection("fresh", 2);
        Db.CreateMetadataCollection("facts");
        SeedWithTombstones();

        AssertJson(
            """{"has_vectors":false,"search_ready":false,"dimension_configured":true,"point_count":0,"index_health":"empty","index_health_detail":"The collection has no points yet; upsert points to build the index."}""",
            (await Http.GetAsync(Client, "/v1/collections/fresh/diagnostics")).Body);
        AssertJson(
            """{"has_vectors":false,"search_ready":false,"dimension_configured":false,"point_count":0,"index_health":"unknown","index_health_detail":"The collection stores no vectors, so it has no vector index."}""",
            (await Http.GetAsync(Client, "/v1/collections/facts/diagnostics")).Body);

        var (status, docs, _) = await Http.GetAsync(Client, "/v1/collections/docs/diagnostics");
        Assert.Equal(200, status);
        Assert.Equal("needs_rebuild", (string)docs!["index_health"]!);
        Assert.Equal(2, (long)docs["point_count"]!);
        Assert.StartsWith("50", (string)docs["index_health_detail"]!, StringComparison.Ordinal);

        Assert.Equal(200, (await Post("/v1/collections/docs/index/rebuild")).Status);
        AssertJson(
            """{"has_vectors":true,"search_ready":true,"dimension_configured":true,"point_count":2,"index_health":"healthy"}""",
            (await Http.GetAsync(Client, "/v1/collections/docs/diagnostics")).Body);
        await AssertMissing(Http.GetAsync(Client, "/v1/collections/nope/diagnostics"));
    }

    [Theory]
    [InlineData("index/rebuild", "Index rebuilt")]
    [InlineData("vacuum", "Index vacuumed")]
    public async Task Rebuild_ReportsTheTombstonesDropped(string route, string message)
    {
        var c = SeedWithTombstones();
        Assert.Equal(0.5, c.TombstoneRatio);

        var (status, body, _) = await Post($"/v1/collections/docs/{route}");
        Assert.Equal(200, status);
        AssertJson($$"""{"message":"{{message}}","collection":"docs","compacted_entries":2}""", body);
        Assert.Equal(0, c.TombstoneRatio);

        AssertJson($$"""{"message":"{{message}}","collection":"docs","compacted_entries":0}""", (await Post($"/collections/docs/{route}")).Body);
        await AssertMissing(Post($"/v1/collections/nope/{route}"));
    }

    [Fact]
    public async Task Rebuild_WithoutVectors_Is400WithACode()
    {
        Db.CreateMetadataCollection("facts");
        var (status, body, _) = await Post("/v1/collections/facts/index/rebuild");
        Assert.Equal(400, status);
        Assert.Equal("VELES-015", (string)body!["code"]!);
        Assert.Contains("no vector index", (string)body["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compact_ReportsTheBytesTheFilesShrankBy()
    {
        var c = Db.CreateCollection("docs", 2);
        var big = new string('x', 1000);
        c.Upsert([.. Enumerable.Range(1, 20).Select(i => Point.WithJson((ulong)i, [i, 1f], $$"""{"text":"{{big}}"}"""))]);
        c.FlushFull();

        // Replacing every payload leaves 20 dead records in the payload log.
        c.Upsert([.. Enumerable.Range(1, 20).Select(i => Point.WithJson((ulong)i, [i, 1f], """{"text":"short"}"""))]);
        var before = DirectoryBytes("docs");

        var (status, body, _) = await Post("/v1/collections/docs/compact");
        Assert.Equal(200, status);
        var reclaimed = (long)body!["bytes_reclaimed"]!;
        Assert.Equal(before - DirectoryBytes("docs"), reclaimed);
        Assert.True(reclaimed > 0, $"reclaimed {reclaimed}");
        AssertJson($$"""{"message":"Storage compacted","collection":"docs","bytes_reclaimed":{{reclaimed}}}""", body);

        // Nothing is left to reclaim, and the data survived.
        Assert.Equal(0, (long)(await Post("/v1/collections/docs/compact")).Body!["bytes_reclaimed"]!);
        Assert.Equal("short", c.Get(7)!.Payload!.Value.GetProperty("text").GetString());
        await AssertMissing(Post("/v1/collections/nope/compact"));
    }

    [Fact]
    public async Task LocalityReorder_RenumbersTheIndex_AndKeepsTheResults()
    {
        var c = Db.CreateCollection("docs", 4);
        c.Upsert([.. Enumerable.Range(1, 500).Select(i => new Point((ulong)i, new[] { MathF.Sin(i), MathF.Cos(i), i % 7, (i * 13) % 11 }))]);
        float[] q = [0.3f, -0.2f, 3, 5];
        var before = c.Search(q, 10).Select(h => h.Id).ToList();

        var (status, body, _) = await Post("/v1/collections/docs/locality/reorder");
        Assert.Equal(200, status);
        var moved = (long)body!["reordered_nodes"]!;
        Assert.True(moved > 0, $"moved {moved}");
        AssertJson($$"""{"message":"Locality reordered","collection":"docs","reordered_nodes":{{moved}}}""", body);
        Assert.Equal(before, c.Search(q, 10).Select(h => h.Id).ToList());

        // The order now holds: nothing moves the second time (legacy path too).
        AssertJson("""{"message":"Locality reordered","collection":"docs","reordered_nodes":0}""", (await Post("/collections/docs/locality/reorder")).Body);
        await AssertMissing(Post("/v1/collections/nope/locality/reorder"));

        Db.CreateMetadataCollection("facts");
        var (noVectors, error, _) = await Post("/v1/collections/facts/locality/reorder");
        Assert.Equal(400, noVectors);
        Assert.Equal("VELES-015", (string)error!["code"]!);
    }

    private long DirectoryBytes(string name) =>
        new DirectoryInfo(Path.Combine(Factory.DataDir, name)).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    [Fact]
    public async Task Analyze_ThenStats_ReportTheSameStatistics()
    {
        var c = Db.CreateCollection("docs", 2);
        c.Upsert([Point.WithJson(1, [1f, 0f], """{"lang":"en","n":1}"""), Point.WithJson(2, [0f, 1f], """{"lang":"fr","n":2}"""), Point.WithJson(3, [1f, 1f], """{"lang":null,"n":3}""")]);

        var (missing, missingBody, _) = await Http.GetAsync(Client, "/v1/collections/docs/stats");
        Assert.Equal(404, missing);
        AssertJson("""{"error":"No stats for 'docs'. Run POST /collections/docs/analyze first.","code":"VELES-STATS-NOT-FOUND"}""", missingBody);

        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (status, body, _) = await Post("/v1/collections/docs/analyze");
        Assert.Equal(200, status);
        var analyzed = (long)body!["last_analyzed_epoch_ms"]!;
        Assert.InRange(analyzed, started, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(DirectoryBytes("docs"), (long)body["total_size_bytes"]!);
        var hnsw = body["index_stats"]!["hnsw"]!;
        Assert.Equal("hnsw", (string)hnsw["index_type"]!);
        Assert.Equal(3, (long)hnsw["entry_count"]!);

        // Three payloads of 19 bytes each; 8 bytes per 2-float vector.
        body.AsObject().Remove("last_analyzed_epoch_ms");
        body.AsObject().Remove("total_size_bytes");
        body.AsObject().Remove("index_stats");
        AssertJson(
            """
            {"total_points":3,"row_count":3,"deleted_count":0,"avg_row_size_bytes":27,"payload_size_bytes":57,
             "column_stats":{
               "lang":{"name":"lang","null_count":1,"distinct_count":2,"min_value":"en","max_value":"fr","avg_size_bytes":4},
               "n":{"name":"n","null_count":0,"distinct_count":3,"min_value":1,"max_value":3,"avg_size_bytes":1,"histogram_buckets":3,"histogram_stale":false}}}
            """,
            body);

        var (statsStatus, stats, _) = await Http.GetAsync(Client, "/collections/docs/stats");
        Assert.Equal(200, statsStatus);
        Assert.Equal(analyzed, (long)stats!["last_analyzed_epoch_ms"]!);
        Assert.Equal(57, (long)stats["payload_size_bytes"]!);

        await AssertMissing(Post("/v1/collections/nope/analyze"));
        await AssertMissing(Http.GetAsync(Client, "/v1/collections/nope/stats"));
    }

    [Fact]
    public async Task Stats_AfterAVelesQlAnalyze_AreTheSameCoreResult()
    {
        var c = Db.CreateCollection("docs", 2);
        c.Upsert(Point.WithJson(1, [1f, 0f], """{"a":1}"""));
        Db.Execute("ANALYZE docs");

        var (status, body, _) = await Http.GetAsync(Client, "/v1/collections/docs/stats");
        Assert.Equal(200, status);
        Assert.Equal(c.LastStats!.AnalyzedAt.ToUnixTimeMilliseconds(), (long)body!["last_analyzed_epoch_ms"]!);
        Assert.Equal(1, (long)body["row_count"]!);
    }

    [Fact]
    public async Task Sanity_ReportsChecksCountersAndHints()
    {
        var c = Db.CreateCollection("docs", 2);
        c.Upsert(Point.WithJson(1, [1f, 0f], """{"a":1}"""));
        Db.CreateCollection("empty", 2);
        Db.CreateMetadataCollection("facts");

        Assert.Equal(200, (await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 1f, 0f } })).Status);
        var (mismatch, mismatchBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 1f, 0f, 0f } });
        Assert.Equal(400, mismatch);
        Assert.Equal("VELES-004", (string)mismatchBody!["code"]!);
        Assert.Equal(400, (await Http.PostJsonAsync(Client, "/collections/docs/search/ids", new { vector = new[] { 1f, 0f }, filter = new { lang = "en" } })).Status);
        Assert.Equal(200, (await Http.PostJsonAsync(Client, "/v1/collections/empty/search", new { vector = new[] { 1f, 0f } })).Status);

        var (status, body, _) = await Http.GetAsync(Client, "/v1/collections/docs/sanity");
        Assert.Equal(200, status);
        AssertJson(
            """
            {"collection":"docs","dimension":2,"metric":"cosine","point_count":1,"is_empty":false,
             "checks":{"has_vectors":true,"search_ready":true,"dimension_configured":true},
             "diagnostics":{"search_requests_total":4,"dimension_mismatch_total":1,"empty_search_results_total":1,"filter_parse_errors_total":1},
             "hints":["Some searches sent vectors of the wrong dimension; this collection expects 2 values per vector.",
                      "Some searches sent an invalid filter; a filter is {\"condition\": {\"type\": \"eq\", \"field\": \"category\", \"value\": \"tech\"}}."]}
            """,
            body);

        var facts = (await Http.GetAsync(Client, "/v1/collections/facts/sanity")).Body!;
        Assert.False((bool)facts["checks"]!["dimension_configured"]!);
        Assert.True((bool)facts["is_empty"]!);
        Assert.StartsWith("Collection 'facts' stores no vectors", (string)facts["hints"]![0]!, StringComparison.Ordinal);
        var empty = (await Http.GetAsync(Client, "/v1/collections/empty/sanity")).Body!;
        Assert.Equal("Collection 'empty' is empty: upsert points with POST /collections/empty/points before searching.", (string)empty["hints"]![0]!);
        await AssertMissing(Http.GetAsync(Client, "/v1/collections/nope/sanity"));
    }
}
