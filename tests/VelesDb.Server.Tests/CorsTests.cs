using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace VelesDb.Server.Tests;

/// <summary>CORS (REST spec §3.4): preflights without auth, CORS headers on 401 and 429.</summary>
public sealed class CorsTests
{
    private sealed class FrozenClock : TimeProvider
    {
        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => 1_000_000;
    }

    /// <summary>A server with API key "k1", the given CORS settings and rate limit, and a clock that never moves.</summary>
    private static (ServerFactory Owner, WebApplicationFactory<Program> Factory) Server(CorsSettings cors, int rateLimit = 0)
    {
        var owner = new ServerFactory(keys: ["k1"]);
        var factory = owner.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
        {
            s.AddSingleton(new ServerSettings { DataDir = owner.DataDir, Host = "127.0.0.1", Port = 0, ApiKeys = ["k1"], RateLimit = rateLimit, Cors = cors });
            s.AddSingleton<TimeProvider>(new FrozenClock());
        }));
        return (owner, factory);
    }

    private static HttpRequestMessage Preflight(string path, string origin, string method = "POST", string? headers = "content-type,authorization")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, new Uri(path, UriKind.Relative));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null)
        {
            request.Headers.Add("Access-Control-Request-Headers", headers);
        }

        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task Permissive_PreflightAnsweredWithoutAuth_And401CarriesCors()
    {
        var (owner, factory) = Server(new CorsSettings());
        using var o = owner;
        using var f = factory;
        using var client = factory.CreateClient();

        using var preflight = await client.SendAsync(Preflight("/v1/collections", "https://any.example"));
        Assert.Equal(204, (int)preflight.StatusCode);
        Assert.Equal("*", Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(preflight, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Equal("content-type,authorization", Header(preflight, "Access-Control-Allow-Headers"));
        Assert.Equal("3600", Header(preflight, "Access-Control-Max-Age"));
        Assert.Null(Header(preflight, "Access-Control-Allow-Credentials"));

        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/collections", UriKind.Relative));
        get.Headers.Add("Origin", "https://any.example");
        using var unauthorized = await client.SendAsync(get);
        Assert.Equal(401, (int)unauthorized.StatusCode);
        Assert.Equal("*", Header(unauthorized, "Access-Control-Allow-Origin"));
        Assert.Contains("x-request-id", Header(unauthorized, "Access-Control-Expose-Headers"), StringComparison.Ordinal);
        var body = await Http.ReadAsync(unauthorized);
        Assert.Equal("Unauthorized", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListedOrigins_AllowOnlyThem_WithCredentialsAndMaxAge()
    {
        var cors = new CorsSettings
        {
            AllowedOrigins = ["https://app.example.com"],
            AllowedMethods = ["GET", "POST"],
            AllowedHeaders = ["Content-Type", "Authorization"],
            AllowCredentials = true,
            MaxAgeSecs = 600,
        };
        var (owner, factory) = Server(cors);
        using var o = owner;
        using var f = factory;
        using var client = factory.CreateClient();

        using var allowed = await client.SendAsync(Preflight("/v1/query", "https://app.example.com"));
        Assert.Equal(204, (int)allowed.StatusCode);
        Assert.Equal("https://app.example.com", Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(allowed, "Access-Control-Allow-Credentials"));
        Assert.Equal("600", Header(allowed, "Access-Control-Max-Age"));
        Assert.Equal("GET,POST", Header(allowed, "Access-Control-Allow-Methods"));

        // Another origin: no grant. A method or header not listed: the grant lists only the allowed
        // ones, and the browser blocks the call.
        using var otherOrigin = await client.SendAsync(Preflight("/v1/query", "https://evil.example"));
        Assert.Equal(204, (int)otherOrigin.StatusCode);
        Assert.Null(Header(otherOrigin, "Access-Control-Allow-Origin"));
        using var delete = await client.SendAsync(Preflight("/v1/collections/x", "https://app.example.com", "DELETE"));
        Assert.Equal("GET,POST", Header(delete, "Access-Control-Allow-Methods"));
        using var header = await client.SendAsync(Preflight("/v1/query", "https://app.example.com", "POST", "x-custom"));
        Assert.Equal("Content-Type,Authorization", Header(header, "Access-Control-Allow-Headers"));

        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/health", UriKind.Relative));
        get.Headers.Add("Origin", "https://app.example.com");
        using var health = await client.SendAsync(get);
        Assert.Equal(200, (int)health.StatusCode);
        Assert.Equal("https://app.example.com", Header(health, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task RateLimited_429CarriesCors_AndPreflightsAreNotCounted()
    {
        var (owner, factory) = Server(new CorsSettings(), rateLimit: 1);
        using var o = owner;
        using var f = factory;
        using var client = factory.CreateClient();

        // Preflights are answered before the rate limit: the one token is still there afterwards.
        for (var i = 0; i < 3; i++)
        {
            using var preflight = await client.SendAsync(Preflight("/v1/health", "https://a.example", "GET", null));
            Assert.Equal(204, (int)preflight.StatusCode);
        }

        Assert.Equal(200, (await Http.GetAsync(client, "/v1/health")).Status);
        using var get = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/health", UriKind.Relative));
        get.Headers.Add("Origin", "https://a.example");
        using var limited = await client.SendAsync(get);
        Assert.Equal(429, (int)limited.StatusCode);
        Assert.Equal("*", Header(limited, "Access-Control-Allow-Origin"));
        Assert.Equal("1", Header(limited, "Retry-After"));
    }
}
