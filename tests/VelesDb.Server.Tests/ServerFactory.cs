using System.Net.Http.Json;
using System.Text.Json.Nodes;
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

    /// <param name="keys">API keys (none: auth off).</param>
    /// <param name="openDatabase">False: the database is never opened (the server stays not ready).</param>
    /// <param name="dataDir">A directory the caller owns and keeps; null: a fresh one removed on dispose.</param>
    public ServerFactory(string[]? keys = null, bool openDatabase = true, string? dataDir = null)
    {
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
            services.AddSingleton(new ServerSettings { DataDir = DataDir, Host = "127.0.0.1", Port = 0, ApiKeys = _keys });
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
