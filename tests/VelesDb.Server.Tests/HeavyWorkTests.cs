using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using VelesDb.Core.Collections;

namespace VelesDb.Server.Tests;

/// <summary>The heavy-work limiter: slots, a bounded queue, 503 when full, cheap routes never wait.</summary>
public sealed class HeavyWorkTests
{
    private static ServerSettings Load(Dictionary<string, string>? env = null, string? toml = null) =>
        ServerSettings.Load([], name => env?.GetValueOrDefault(name), path => path == "velesdb.toml" ? toml : null);

    [Fact]
    public void Settings_Default_IsProcessorCount()
    {
        Assert.Equal(Environment.ProcessorCount, Load().MaxConcurrentHeavy);
    }

    [Fact]
    public void Settings_EnvBeatsFile()
    {
        Assert.Equal(3, Load(toml: "[server]\nmax_concurrent_heavy = 3\n").MaxConcurrentHeavy);
        Assert.Equal(5, Load(new() { ["VELESDB_MAX_CONCURRENT_HEAVY"] = "5" }, "[server]\nmax_concurrent_heavy = 3\n").MaxConcurrentHeavy);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("many")]
    public void Settings_InvalidValue_IsRefusedWithRange(string value)
    {
        var e = Assert.Throws<SettingsException>(() => Load(new() { ["VELESDB_MAX_CONCURRENT_HEAVY"] = value }));
        Assert.Contains("max concurrent heavy", e.Message, StringComparison.Ordinal);
        Assert.Contains("between 1 and 100000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limiter_FromSettings_Queues64PerSlot()
    {
        using var limiter = new HeavyWorkLimiter(new ServerSettings { MaxConcurrentHeavy = 3 });
        Assert.Equal(3, limiter.MaxConcurrent);
        Assert.Equal(192, limiter.QueueLimit);
    }

    /// <summary>
    /// One slot, a queue of one. The test takes the only slot itself (as a running heavy request
    /// would): a search then waits in the queue, a second search is refused with 503, /health and
    /// /ready answer at once, and freeing the slot lets the queued search finish with its results.
    /// </summary>
    [Fact]
    public async Task FullLimiter_QueuesThenRefuses_CheapRoutesNeverWait()
    {
        using var limiter = new HeavyWorkLimiter(1, 1);
        using var baseFactory = new ServerFactory();
        using var factory = baseFactory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(limiter)));
        var db = await ((Func<Task<VelesDatabase>>)(async () =>
        {
            using var probe = factory.CreateClient();
            for (var i = 0; i < 500; i++)
            {
                using var ready = await probe.GetAsync(new Uri("/ready", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return factory.Services.GetRequiredService<DatabaseHost>().Database;
                }

                await Task.Delay(20);
            }

            throw new InvalidOperationException("The server did not become ready.");
        }))();
        db.CreateCollection("docs", 2, VelesDb.Core.Distance.DistanceMetric.Euclidean).Upsert([new Point(7, new float[] { 1, 1 })]);
        using var client = factory.CreateClient();

        var held = await limiter.AcquireAsync(CancellationToken.None);
        Assert.True(held.IsAcquired);

        var queued = Http.PostJsonAsync(client, "/v1/collections/docs/search", new { vector = new[] { 1f, 1 } });
        for (var i = 0; i < 1000 && limiter.Queued == 0; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(1, limiter.Queued);
        Assert.False(queued.IsCompleted);

        var (busy, busyBody, busyResponse) = await Http.PostJsonAsync(client, "/v1/query", new { query = "SELECT * FROM docs LIMIT 1" });
        Assert.Equal(503, busy);
        Assert.Equal("VELES-027", busyBody!["code"]!.GetValue<string>());
        Assert.StartsWith("The server is busy: 1 heavy requests", busyBody["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("1", busyResponse.Headers.GetValues("Retry-After").Single());

        var (health, healthBody, _) = await Http.GetAsync(client, "/health");
        Assert.Equal(200, health);
        Assert.Equal("ok", healthBody!["status"]!.GetValue<string>());
        Assert.Equal(200, (await Http.GetAsync(client, "/v1/ready")).Status);

        // A cheap point read is not heavy either.
        Assert.Equal(200, (await Http.GetAsync(client, "/v1/collections/docs/points/7")).Status);
        Assert.False(queued.IsCompleted);

        held.Dispose();
        var (status, body, _) = await queued;
        Assert.Equal(200, status);
        Assert.Equal("7", body!["results"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(1, limiter.Available);
    }
}
