using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Index.Hnsw;

namespace VelesDb.Server.Tests;

public sealed class AdminEndpointsTests : IAsyncLifetime, IDisposable
{
    private readonly ServerFactory _factory = new();
    private HttpClient _client = null!;
    private VelesDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await _factory.ReadyDatabaseAsync();
        _client = _factory.CreateClient();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> Post(string path) =>
        Http.PostJsonAsync(_client, path, new { });

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
        var c = _db.CreateCollection("docs", 2);
        c.Upsert([Point.WithJson(1, [1f, 0f], """{"a":1}"""), Point.WithJson(2, [0f, 1f], """{"a":2}"""), Point.WithJson(3, [1f, 1f], """{"a":3}""")]);
        c.Delete(1);
        c.Upsert(Point.WithJson(2, [0.5f, 1f], """{"a":22}"""));
        return c;
    }

    [Fact]
    public async Task Empty_ReportsWhetherTheCollectionHasPoints()
    {
        var c = _db.CreateCollection("docs", 2);
        var (status, body, _) = await Http.GetAsync(_client, "/v1/collections/docs/empty");
        Assert.Equal(200, status);
        AssertJson("""{"is_empty":true}""", body);

        c.Upsert(Point.WithJson(1, [1f, 0f], "{}"));
        AssertJson("""{"is_empty":false}""", (await Http.GetAsync(_client, "/collections/docs/empty")).Body);
        await AssertMissing(Http.GetAsync(_client, "/v1/collections/nope/empty"));
    }

    [Fact]
    public async Task Config_VectorGraphAndMetadata_UseLowerCasedEnumNames()
    {
        _db.CreateCollection("docs", 3, DistanceMetric.DotProduct, StorageMode.SQ8, new HnswParameters(12, 150));
        _db.CreateGraphCollection("kg");
        _db.CreateMetadataCollection("facts");

        var (status, docs, _) = await Http.GetAsync(_client, "/v1/collections/docs/config");
        Assert.Equal(200, status);
        AssertJson("""{"name":"docs","dimension":3,"metric":"dotproduct","storage_mode":"sq8","point_count":0,"metadata_only":false,"schema_version":1,"hnsw_params":{"m":12,"ef_construction":150}}""", docs);

        AssertJson(
            """{"name":"kg","dimension":0,"metric":"cosine","storage_mode":"full","point_count":0,"metadata_only":false,"schema_version":1,"graph_schema":{"schemaless":true,"node_types":[],"edge_types":[]}}""",
            (await Http.GetAsync(_client, "/v1/collections/kg/config")).Body);
        AssertJson(
            """{"name":"facts","dimension":0,"metric":"cosine","storage_mode":"full","point_count":0,"metadata_only":true,"schema_version":1}""",
            (await Http.GetAsync(_client, "/v1/collections/facts/config")).Body);
        await AssertMissing(Http.GetAsync(_client, "/v1/collections/nope/config"));
    }

    [Fact]
    public async Task Flush_CheckpointsAndNamesTheCollection()
    {
        var c = _db.CreateCollection("docs", 2);
        c.Upsert(Point.WithJson(1, [1f, 0f], """{"a":1}"""));
        Assert.True(new FileInfo(Path.Combine(_factory.DataDir, "docs", "wal.log")).Length > 32);

        var (status, body, _) = await Post("/v1/collections/docs/flush");
        Assert.Equal(200, status);
        AssertJson("""{"message":"Flushed successfully","collection":"docs"}""", body);

        // The write was in the WAL only; a checkpoint leaves the WAL at its 32-byte header.
        Assert.Equal(32, new FileInfo(Path.Combine(_factory.DataDir, "docs", "wal.log")).Length);
        await AssertMissing(Post("/v1/collections/nope/flush"));
    }

    [Fact]
    public async Task Diagnostics_FollowsTheIndexHealth()
    {
        _db.CreateCollection("fresh", 2);
        _db.CreateMetadataCollection("facts");
        SeedWithTombstones();

        AssertJson(
            """{"has_vectors":false,"search_ready":false,"dimension_configured":true,"point_count":0,"index_health":"empty","index_health_detail":"The collection has no points yet; upsert points to build the index."}""",
            (await Http.GetAsync(_client, "/v1/collections/fresh/diagnostics")).Body);
        AssertJson(
            """{"has_vectors":false,"search_ready":false,"dimension_configured":false,"point_count":0,"index_health":"unknown","index_health_detail":"The collection stores no vectors, so it has no vector index."}""",
            (await Http.GetAsync(_client, "/v1/collections/facts/diagnostics")).Body);

        var (status, docs, _) = await Http.GetAsync(_client, "/v1/collections/docs/diagnostics");
        Assert.Equal(200, status);
        Assert.Equal("needs_rebuild", (string)docs!["index_health"]!);
        Assert.Equal(2, (long)docs["point_count"]!);
        Assert.StartsWith("50", (string)docs["index_health_detail"]!, StringComparison.Ordinal);

        Assert.Equal(200, (await Post("/v1/collections/docs/index/rebuild")).Status);
        AssertJson(
            """{"has_vectors":true,"search_ready":true,"dimension_configured":true,"point_count":2,"index_health":"healthy"}""",
            (await Http.GetAsync(_client, "/v1/collections/docs/diagnostics")).Body);
        await AssertMissing(Http.GetAsync(_client, "/v1/collections/nope/diagnostics"));
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
        _db.CreateMetadataCollection("facts");
        var (status, body, _) = await Post("/v1/collections/facts/index/rebuild");
        Assert.Equal(400, status);
        Assert.Equal("VELES-015", (string)body!["code"]!);
        Assert.Contains("no vector index", (string)body["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compact_ReportsTheBytesTheFilesShrankBy()
    {
        var c = _db.CreateCollection("docs", 2);
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

    private long DirectoryBytes(string name) =>
        new DirectoryInfo(Path.Combine(_factory.DataDir, name)).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
