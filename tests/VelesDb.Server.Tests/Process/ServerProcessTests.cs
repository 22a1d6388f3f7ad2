using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace VelesDb.Server.Tests.Process;

/// <summary>
/// The built server as a real process on loopback: authentication, rate limiting, body limits,
/// hostile JSON, graceful shutdown with restart, and health under a saturating search load.
/// Needs <c>dotnet build</c> first; run with <c>--filter Category=Process</c>.
/// </summary>
[Trait("Category", "Process")]
public sealed class ServerProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null, string? key = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        var response = await client.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()), response);
    }

    [Fact]
    public async Task Auth_EveryProtectedRouteGroup_Answers401Json_HealthAndReadyStayOpen()
    {
        using var server = await ServerProcess.StartAsync(_dir.Path, new Dictionary<string, string> { ["VELESDB_API_KEYS"] = "secret-key" });
        (HttpMethod Method, string Path, string? Body)[] protectedRoutes =
        [
            (HttpMethod.Get, "/collections", null),
            (HttpMethod.Post, "/collections", """{"name":"c","dimension":2}"""),
            (HttpMethod.Get, "/collections/c", null),
            (HttpMethod.Delete, "/collections/c", null),
            (HttpMethod.Post, "/collections/c/points", """{"points":[]}"""),
            (HttpMethod.Get, "/collections/c/points/1", null),
            (HttpMethod.Post, "/collections/c/points/scroll", "{}"),
            (HttpMethod.Post, "/collections/c/search", """{"vector":[1,0]}"""),
            (HttpMethod.Post, "/collections/c/search/text", """{"query":"x"}"""),
            (HttpMethod.Post, "/query", """{"query":"SELECT * FROM c"}"""),
            (HttpMethod.Post, "/aggregate", """{"query":"SELECT COUNT(*) FROM c"}"""),
            (HttpMethod.Post, "/query/explain", """{"query":"SELECT * FROM c"}"""),
        ];
        foreach (var prefix in new[] { "/v1", string.Empty })
        {
            foreach (var (method, path, body) in protectedRoutes)
            {
                var (status, json, response) = await SendAsync(server.Client, method, prefix + path, body);
                Assert.True(status == 401, $"{method} {prefix}{path}: {status}");
                Assert.Equal("Unauthorized", json!["error"]!.GetValue<string>());
                Assert.Equal("missing Authorization header", json["message"]!.GetValue<string>());
                response.Dispose();
            }

            foreach (var open in new[] { "/health", "/ready" })
            {
                var (status, json, response) = await SendAsync(server.Client, HttpMethod.Get, prefix + open);
                Assert.Equal(200, status);
                Assert.NotNull(json!["version"]);
                response.Dispose();
            }
        }

        var (wrong, wrongBody, _) = await SendAsync(server.Client, HttpMethod.Get, "/v1/collections", key: "not-the-key");
        Assert.Equal(401, wrong);
        Assert.Equal("invalid API key", wrongBody!["message"]!.GetValue<string>());
        var (right, _, _) = await SendAsync(server.Client, HttpMethod.Get, "/v1/collections", key: "secret-key");
        Assert.Equal(200, right);
    }

    /// <summary>A bucket of 5 refilled at 5/s: requests pass until it is empty, then 429 with the wait; after the wait they pass again.</summary>
    [Fact]
    public async Task RateLimit_BucketEmpties_429WithHeaders_ThenPassesAfterRetryAfter()
    {
        using var server = await ServerProcess.StartAsync(_dir.Path, new Dictionary<string, string> { ["VELESDB_RATE_LIMIT"] = "5" });

        // Startup's readiness probes used some tokens: let the bucket fill up again.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var passed = 0;
        (int Status, JsonNode? Body, HttpResponseMessage Response) refused = default;
        for (var i = 0; i < 200; i++)
        {
            var answer = await SendAsync(server.Client, HttpMethod.Get, "/v1/health");
            if (answer.Status == 429)
            {
                refused = answer;
                break;
            }

            Assert.Equal(200, answer.Status);
            Assert.Equal("5", answer.Response.Headers.GetValues("x-ratelimit-limit").Single());
            passed++;
        }

        Assert.Equal(429, refused.Status);
        Assert.True(passed >= 5, $"only {passed} requests passed before the first 429");
        Assert.StartsWith("Too many requests", refused.Body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        var retryAfter = int.Parse(refused.Response!.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 5);
        Assert.Equal(retryAfter.ToString(CultureInfo.InvariantCulture), refused.Response.Headers.GetValues("x-ratelimit-after").Single());
        Assert.Equal("0", refused.Response.Headers.GetValues("x-ratelimit-remaining").Single());

        await Task.Delay(TimeSpan.FromSeconds(retryAfter) + TimeSpan.FromMilliseconds(200));
        var (again, _, _) = await SendAsync(server.Client, HttpMethod.Get, "/v1/health");
        Assert.Equal(200, again);
    }

    [Fact]
    public async Task HostileBodies_Answer413And400Json_Never500()
    {
        using var server = await ServerProcess.StartAsync(_dir.Path);
        Assert.Equal(201, (await SendAsync(server.Client, HttpMethod.Post, "/v1/collections", """{"name":"c","dimension":2}""")).Status);

        // Over the 2 MB default limit of /query.
        var big = "{\"query\":\"" + new string('x', 3 * 1024 * 1024) + "\"}";
        var (tooLarge, tooLargeBody, _) = await SendAsync(server.Client, HttpMethod.Post, "/v1/query", big);
        Assert.Equal(413, tooLarge);
        Assert.Contains("size limit", tooLargeBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        foreach (var path in new[] { "/v1/query", "/v1/collections/c/search", "/v1/collections", "/v1/collections/c/points" })
        {
            var (malformed, malformedBody, _) = await SendAsync(server.Client, HttpMethod.Post, path, """{"query": "SELECT", "vector": [1,""");
            Assert.True(malformed == 400, $"{path} malformed: {malformed}");
            Assert.Contains("not valid JSON", malformedBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

            var deep = "{\"vector\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
            var (nested, nestedBody, _) = await SendAsync(server.Client, HttpMethod.Post, path, deep);
            Assert.True(nested == 400, $"{path} 10,000-deep: {nested}");
            Assert.False(string.IsNullOrEmpty(nestedBody!["error"]!.GetValue<string>()));
        }

        // Still healthy afterwards.
        Assert.Equal(200, (await SendAsync(server.Client, HttpMethod.Get, "/health")).Status);
    }

    [Fact]
    public async Task Sigterm_ExitsCleanly_RestartFindsUpsertedPoints()
    {
        var upsert = "{\"points\":[" + string.Join(',', Enumerable.Range(1, 50).Select(i => $$$"""{"id":{{{i}}},"vector":[{{{i}}},1],"payload":{"n":{{{i}}}}}""")) + "]}";
        using (var first = await ServerProcess.StartAsync(_dir.Path))
        {
            Assert.Equal(201, (await SendAsync(first.Client, HttpMethod.Post, "/v1/collections", """{"name":"kept","dimension":2,"metric":"euclidean"}""")).Status);
            Assert.Equal(200, (await SendAsync(first.Client, HttpMethod.Post, "/v1/collections/kept/points", upsert)).Status);
            await first.TerminateAsync();
            Assert.True(first.HasExited);
            Assert.True(first.ExitCode == 0, $"exit code {first.ExitCode}:\n{first.Log}");
        }

        using var second = await ServerProcess.StartAsync(_dir.Path);
        var (status, point, _) = await SendAsync(second.Client, HttpMethod.Get, "/v1/collections/kept/points/37");
        Assert.Equal(200, status);
        Assert.Equal(37, point!["payload"]!["n"]!.GetValue<int>());
        var (searched, hits, _) = await SendAsync(second.Client, HttpMethod.Post, "/v1/collections/kept/search", """{"vector":[50,1],"top_k":2}""");
        Assert.Equal(200, searched);
        Assert.Equal(["50", "49"], hits!["results"]!.AsArray().Select(h => h!["id"]!.GetValue<string>()));
    }

    /// <summary>
    /// Twice as many search loops as cores (exact scans of 3,000 × 32): /health still answers,
    /// each within a generous 5 s (cheap routes never wait for the heavy-work slots).
    /// </summary>
    [Fact]
    public async Task Health_UnderSaturatingSearchLoad_StaysResponsive()
    {
        using var server = await ServerProcess.StartAsync(_dir.Path);
        Assert.Equal(201, (await SendAsync(server.Client, HttpMethod.Post, "/v1/collections", """{"name":"load","dimension":32,"metric":"euclidean"}""")).Status);
        var rng = new Random(3);
        for (var batch = 0; batch < 1; batch++)
        {
            var points = string.Join(',', Enumerable.Range(batch * 3000, 3000).Select(i =>
            {
                var vector = string.Join(',', Enumerable.Range(0, 32).Select(_ => (rng.NextDouble() - 0.5).ToString("F3", CultureInfo.InvariantCulture)));
                return $$"""{"id":{{i}},"vector":[{{vector}}]}""";
            }));
            Assert.Equal(200, (await SendAsync(server.Client, HttpMethod.Post, "/v1/collections/load/points", "{\"points\":[" + points + "]}")).Status);
        }

        var query = "{\"vector\":[" + string.Join(',', Enumerable.Repeat("0.1", 32)) + "],\"top_k\":10,\"mode\":\"perfect\"}";
        using var stop = new CancellationTokenSource();
        var searches = 0L;
        var loops = Enumerable.Range(0, 2 * Environment.ProcessorCount).Select(_ => Task.Run(async () =>
        {
            using var client = new HttpClient { BaseAddress = server.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            while (!stop.IsCancellationRequested)
            {
                using var content = new StringContent(query, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(new Uri("/v1/collections/load/search", UriKind.Relative), content, CancellationToken.None);
                Assert.True((int)response.StatusCode is 200 or 503, $"search answered {(int)response.StatusCode}");
                Interlocked.Increment(ref searches);
            }
        })).ToArray();

        try
        {
            // Wait until the load is really there.
            var warm = Stopwatch.StartNew();
            while (Interlocked.Read(ref searches) < 4 * Environment.ProcessorCount && warm.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(20);
            }

            using var health = new HttpClient { BaseAddress = server.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            for (var i = 0; i < 5; i++)
            {
                using var response = await health.GetAsync(new Uri("/health", UriKind.Relative));
                Assert.Equal(200, (int)response.StatusCode);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
        }

        Assert.True(Interlocked.Read(ref searches) > 0);
    }
}
