using VelesDb.Core.Collections;

namespace VelesDb.Server.Tests;

/// <summary><c>timeout_ms</c> on <c>/search</c> and <c>/search/ids</c>: 408 VELES-027, the search stopped.</summary>
public sealed class TimeoutTests
{
    private static async Task<(ServerFactory Factory, HttpClient Client)> StartAsync(TimeProvider? time = null)
    {
        var factory = new ServerFactory(time: time);
        var db = await factory.ReadyDatabaseAsync();
        var client = factory.CreateClient();
        var docs = db.CreateCollection("docs", 2, VelesDb.Core.Distance.DistanceMetric.Euclidean);
        docs.Upsert([new Point(1, new float[] { 0, 0 }), new Point(2, new float[] { 3, 4 }), new Point(3, new float[] { 1, 0 })]);
        return (factory, client);
    }

    [Theory]
    [InlineData("/v1/collections/docs/search")]
    [InlineData("/v1/collections/docs/search/ids")]
    [InlineData("/collections/docs/search")]
    public async Task Search_TimeoutZero_Answers408WithCode(string path)
    {
        var (factory, client) = await StartAsync();
        using (factory)
        using (client)
        {
            var (status, body, _) = await Http.PostJsonAsync(client, path, new { vector = new[] { 0f, 0 }, timeout_ms = 0 });
            Assert.Equal(408, status);
            Assert.Equal("VELES-027", body!["code"]!.GetValue<string>());
            Assert.Equal("Search on collection 'docs' exceeded the requested timeout of 0 ms and was stopped. Hint: raise timeout_ms, lower top_k or ef_search, or add a filter that narrows the search.", body["error"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Search_GenerousTimeout_AnswersResults()
    {
        var (factory, client) = await StartAsync();
        using (factory)
        using (client)
        {
            var (status, body, _) = await Http.PostJsonAsync(client, "/v1/collections/docs/search", new { vector = new[] { 0f, 0 }, top_k = 2, timeout_ms = 600_000 });
            Assert.Equal(200, status);
            var results = body!["results"]!.AsArray();
            Assert.Equal(["1", "3"], results.Select(r => r!["id"]!.GetValue<string>()));

            var (idsStatus, idsBody, _) = await Http.PostJsonAsync(client, "/v1/collections/docs/search/ids", new { vector = new[] { 0f, 0 }, top_k = 1, timeout_ms = 600_000 });
            Assert.Equal(200, idsStatus);
            Assert.Equal("1", idsBody!["results"]![0]!["id"]!.GetValue<string>());
        }
    }

    /// <summary>
    /// A clock on which every timer is already due: the search's timeout has expired before Core
    /// starts, so the 408 can only come from Core seeing the cancelled token and stopping.
    /// </summary>
    [Theory]
    [InlineData("/v1/collections/docs/search")]
    [InlineData("/v1/collections/docs/search/ids")]
    public async Task Search_TimeoutExpired_CoreStops_Answers408(string path)
    {
        var (factory, client) = await StartAsync(new ExpiredTimers());
        using (factory)
        using (client)
        {
            var (status, body, _) = await Http.PostJsonAsync(client, path, new { vector = new[] { 0f, 0 }, timeout_ms = 50 });
            Assert.Equal(408, status);
            Assert.Equal("VELES-027", body!["code"]!.GetValue<string>());
            Assert.StartsWith("Search on collection 'docs' exceeded the requested timeout of 50 ms", body["error"]!.GetValue<string>(), StringComparison.Ordinal);

            // Without timeout_ms the same search is not affected by the clock.
            var (plain, _, _) = await Http.PostJsonAsync(client, path, new { vector = new[] { 0f, 0 } });
            Assert.Equal(200, plain);
        }
    }

    [Fact]
    public async Task Search_NegativeTimeout_Answers400WithHint()
    {
        var (factory, client) = await StartAsync();
        using (factory)
        using (client)
        {
            var (status, body, _) = await Http.PostJsonAsync(client, "/v1/collections/docs/search", new { vector = new[] { 0f, 0 }, timeout_ms = -1 });
            Assert.Equal(400, status);
            Assert.StartsWith("timeout_ms must be 0 or more, got -1.", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Search_MissingCollectionWithTimeoutZero_Answers404()
    {
        var (factory, client) = await StartAsync();
        using (factory)
        using (client)
        {
            var (status, body, _) = await Http.PostJsonAsync(client, "/v1/collections/nope/search", new { vector = new[] { 0f, 0 }, timeout_ms = 0 });
            Assert.Equal(404, status);
            Assert.Equal("VELES-002", body!["code"]!.GetValue<string>());
        }
    }

    /// <summary>A clock whose timers fire as soon as they are created.</summary>
    private sealed class ExpiredTimers : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            callback(state);
            return new Fired();
        }

        private sealed class Fired : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => false;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
