using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VelesDb.Core.Collections;

namespace VelesDb.Server.Tests;

/// <summary>An in-process server on a fresh data directory, with optional API keys.</summary>
public sealed class ServerFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory? _ownDir;
    private readonly string[] _keys;
    private readonly bool _openDatabase;
    private readonly int _rateLimit;
    private readonly TimeProvider? _time;
    private readonly System.Net.IPAddress[] _trustedProxies;

    /// <param name="keys">API keys (none: auth off).</param>
    /// <param name="openDatabase">False: the database is never opened (the server stays not ready).</param>
    /// <param name="dataDir">A directory the caller owns and keeps; null: a fresh one removed on dispose.</param>
    /// <param name="rateLimit">Requests per second per client (0, the default here: off, so tests are not throttled).</param>
    /// <param name="time">The clock the rate limiter reads, or null for the system clock.</param>
    /// <param name="trustedProxies">Proxies trusted for X-Forwarded-For; when given, every test connection comes from 127.0.0.1.</param>
    public ServerFactory(string[]? keys = null, bool openDatabase = true, string? dataDir = null, int rateLimit = 0, TimeProvider? time = null, System.Net.IPAddress[]? trustedProxies = null)
    {
        _trustedProxies = trustedProxies ?? [];
        _rateLimit = rateLimit;
        _time = time;
        _keys = keys ?? [];
        _openDatabase = openDatabase;
        _ownDir = dataDir is null ? new TempDirectory() : null;
        DataDir = dataDir ?? _ownDir!.Path;
    }

    public string DataDir { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(new ServerSettings { DataDir = DataDir, Host = "127.0.0.1", Port = 0, ApiKeys = _keys, RateLimit = _rateLimit, TrustedProxies = _trustedProxies });
            if (_trustedProxies.Length > 0)
            {
                services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, LoopbackPeer>();
            }

            if (_time is not null)
            {
                services.AddSingleton(_time);
            }

            if (!_openDatabase)
            {
                // Drop the background open: the database then never becomes ready.
                var open = services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is not null);
                services.Remove(open);
            }
        });
    }

    /// <summary>Waits (bounded) until /ready answers 200, then returns the database.</summary>
    public async Task<VelesDatabase> ReadyDatabaseAsync()
    {
        using var client = CreateClient();
        for (var i = 0; i < 500; i++)
        {
            using var response = await client.GetAsync(new Uri("/ready", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                return Services.GetRequiredService<DatabaseHost>().Database;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The database did not open within 10 s.");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _ownDir?.Dispose();
        }
    }
}

/// <summary>Gives every in-process request the peer address 127.0.0.1 (the test server has none).</summary>
internal sealed class LoopbackPeer : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
            return nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>Small HTTP helpers.</summary>
internal static class Http
{
    public static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> PostJsonAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        return ((int)response.StatusCode, await ReadAsync(response), response);
    }

    public static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return ((int)response.StatusCode, await ReadAsync(response), response);
    }

    public static async Task<JsonNode?> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }
}
