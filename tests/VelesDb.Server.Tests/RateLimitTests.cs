using System.Net;

namespace VelesDb.Server.Tests;

/// <summary>The per-client token bucket: N requests, refilled at N per second, against a manual clock.</summary>
public sealed class RateLimitTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; } = 1_000_000;

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => Ticks;

        public void Advance(TimeSpan t) => Ticks += (long)(t.TotalSeconds * TimestampFrequency);
    }

    [Fact]
    public async Task Bucket_AllowsN_Then429WithHeadersAndJson_ThenRefills()
    {
        var clock = new ManualClock();
        await using var factory = new ServerFactory(rateLimit: 3, time: clock);
        using var client = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("x-ratelimit-limit").Single());
            Assert.Equal((2 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("x-ratelimit-remaining").Single());
        }

        using var refused = await client.GetAsync(new Uri("/v1/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("0", refused.Headers.GetValues("x-ratelimit-remaining").Single());
        Assert.Equal("application/json", refused.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Too many requests", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // N per second: a third of a second gives one token back (the original gave one per N seconds).
        clock.Advance(TimeSpan.FromSeconds(0.34));
        using var again = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using var refusedAgain = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedAgain.StatusCode);

        clock.Advance(TimeSpan.FromSeconds(5));
        for (var i = 0; i < 3; i++)
        {
            using var full = await client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        }
    }

    [Fact]
    public async Task ZeroDisablesTheLimiter()
    {
        await using var factory = new ServerFactory(rateLimit: 0);
        using var client = factory.CreateClient();
        for (var i = 0; i < 50; i++)
        {
            using var ok = await client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.False(ok.Headers.Contains("x-ratelimit-limit"));
        }
    }

    [Fact]
    public async Task ForwardedFor_IsIgnoredWithoutTrustedProxies()
    {
        var clock = new ManualClock();
        await using var factory = new ServerFactory(rateLimit: 1, time: clock);
        using var client = factory.CreateClient();
        using var first = new HttpRequestMessage(HttpMethod.Get, "/health");
        first.Headers.Add("X-Forwarded-For", "203.0.113.1");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(first)).StatusCode);

        // A different claimed client on the same connection address is the same client.
        using var second = new HttpRequestMessage(HttpMethod.Get, "/health");
        second.Headers.Add("X-Forwarded-For", "203.0.113.2");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(second)).StatusCode);
    }

    [Fact]
    public async Task ForwardedFor_FromATrustedProxy_KeysByTheClient()
    {
        var clock = new ManualClock();
        await using var factory = new ServerFactory(rateLimit: 1, time: clock, trustedProxies: [IPAddress.Loopback]);
        using var client = factory.CreateClient();
        foreach (var claimed in new[] { "203.0.113.1", "203.0.113.2" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
            request.Headers.Add("X-Forwarded-For", claimed + ", 10.0.0.1");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }

        using var repeat = new HttpRequestMessage(HttpMethod.Get, "/health");
        repeat.Headers.Add("X-Forwarded-For", "203.0.113.1");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(repeat)).StatusCode);
    }
}
