using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;

namespace VelesDb.Server.Tests;

public sealed class GuardRailTests : ServerTest
{
    private const string Defaults = """{"max_depth":10,"max_cardinality":100000,"memory_limit_bytes":104857600,"timeout_ms":30000,"rate_limit_qps":100000,"circuit_failure_threshold":5,"circuit_recovery_seconds":30}""";

    private readonly ManualClock _clock;

    public GuardRailTests()
        : this(new ManualClock())
    {
    }

    private GuardRailTests(ManualClock clock)
        : base(new ServerFactory(time: clock)) => _clock = clock;

    protected override Task SeedAsync()
    {
        Db.CreateCollection("docs", 2).Upsert(Point.WithJson(1, [1f, 0f], """{"a":1}"""));
        return Task.CompletedTask;
    }

    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; } = 1_000_000;

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => Ticks;

        public void Advance(TimeSpan t) => Ticks += (long)(t.TotalSeconds * TimestampFrequency);
    }

    private async Task<(int Status, JsonNode? Body)> Put(object body)
    {
        using var response = await Client.PutAsJsonAsync(new Uri("/v1/guardrails", UriKind.Relative), body);
        return ((int)response.StatusCode, await Http.ReadAsync(response));
    }

    private async Task<(int Status, JsonNode? Body)> Search(string? client = null, int dimension = 2)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/collections/docs/search", UriKind.Relative))
        {
            Content = JsonContent.Create(new { vector = new float[dimension] }),
        };
        if (client is not null)
        {
            request.Headers.Add("X-Client-Id", client);
        }

        using var response = await Client.SendAsync(request);
        return ((int)response.StatusCode, await Http.ReadAsync(response));
    }

    [Fact]
    public async Task Get_ReturnsTheDefaults_Put_MergesTheGivenFields()
    {
        var (status, body, _) = await Http.GetAsync(Client, "/guardrails");
        Assert.Equal(200, status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Defaults), body), body!.ToJsonString());

        var (put, merged) = await Put(new { max_depth = 4, timeout_ms = 500 });
        Assert.Equal(200, put);
        var expected = Defaults.Replace("\"max_depth\":10", "\"max_depth\":4", StringComparison.Ordinal).Replace("\"timeout_ms\":30000", "\"timeout_ms\":500", StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), merged), merged!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), (await Http.GetAsync(Client, "/v1/guardrails")).Body));

        // The VelesQL engine takes the new depth as its default.
        Assert.Equal(4, Db.Guard.Current.MaxDepth);
        var (query, queryBody, _) = await Http.PostJsonAsync(Client, "/v1/query", new { query = "MATCH (a)-[:KNOWS*1..5]->(b) RETURN b", collection = "docs" });
        Assert.Equal(422, query);
        Assert.Contains("traversal depth limit of 4", (string)queryBody!["error"]!["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_BadValue_Is400WithACode_AndChangesNothing()
    {
        var (status, body) = await Put(new { max_depth = 2, rate_limit_qps = 0 });
        Assert.Equal(400, status);
        Assert.Equal("VELES-009", (string)body!["code"]!);
        Assert.Equal("Invalid guard-rail rate_limit_qps = 0: it must be between 1 and 1000000000.", (string)body["error"]!);

        var (depth, depthBody) = await Put(new { max_depth = 33 });
        Assert.Equal(400, depth);
        Assert.Equal("Invalid guard-rail max_depth = 33: it must be between 1 and 32.", (string)depthBody!["error"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Defaults), (await Http.GetAsync(Client, "/v1/guardrails")).Body));
    }

    [Fact]
    public async Task RateLimit_PerClient_Is429VelesCode027_UntilTheBucketRefills()
    {
        Assert.Equal(200, (await Put(new { rate_limit_qps = 2 })).Status);

        Assert.Equal(200, (await Search()).Status);
        Assert.Equal(200, (await Search("anonymous")).Status);
        var (limited, body) = await Search();
        Assert.Equal(429, limited);
        Assert.Equal("VELES-027", (string)body!["code"]!);
        Assert.StartsWith("Rate limit exceeded for client 'anonymous'", (string)body["error"]!, StringComparison.Ordinal);

        // Another client has its own bucket; half a second refills one token of two per second.
        Assert.Equal(200, (await Search("worker-7")).Status);
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(200, (await Search()).Status);
        Assert.Equal(429, (await Search()).Status);
    }

    [Fact]
    public async Task CircuitBreaker_Open_Is503VelesCode027_UntilRecovery()
    {
        Assert.Equal(200, (await Put(new { circuit_failure_threshold = 2, circuit_recovery_seconds = 10 })).Status);

        // A success between failures starts the count again: the search records its outcome.
        Db.Guard.RecordFailure();
        Assert.Equal(200, (await Search()).Status);
        Db.Guard.RecordFailure();
        Assert.Equal(200, (await Search()).Status);

        // A client error (400 dimension mismatch) is not a failure of the service.
        Db.Guard.RecordFailure();
        Assert.Equal(400, (await Search(dimension: 3)).Status);
        Assert.Equal(200, (await Search()).Status);

        Db.Guard.RecordFailure();
        Db.Guard.RecordFailure();
        var (open, body) = await Search();
        Assert.Equal(503, open);
        Assert.Equal("VELES-027", (string)body!["code"]!);
        Assert.Equal("Search circuit breaker is open after 2 consecutive failed searches; retry in 10 s.", (string)body["error"]!);

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(503, (await Search()).Status);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await Search()).Status);
        Assert.Equal(200, (await Search()).Status);
    }
}
