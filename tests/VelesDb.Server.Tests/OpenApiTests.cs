using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace VelesDb.Server.Tests;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>.</summary>
public sealed partial class OpenApiTests
{
    [Fact]
    public async Task Document_DescribesEveryV1Route_AndNoLegacyCopy()
    {
        using var factory = new ServerFactory();
        using var client = factory.CreateClient();
        var (status, document, _) = await Http.GetAsync(client, "/openapi/v1.json");
        Assert.Equal(200, status);
        Assert.StartsWith("3.", document!["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("VelesDB REST API", document["info"]!["title"]!.GetValue<string>());
        Assert.Equal(ServerApp.Version, document["info"]!["version"]!.GetValue<string>());
        var paths = document["paths"]!.AsObject();

        // Every /v1 endpoint of the running app, whoever mapped it: path and method.
        var expected = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (Path: Parameters().Replace(e.RoutePattern.RawText!, "{$1}"), Method: m.ToLowerInvariant())))
            .Distinct()
            .ToList();
        Assert.Contains(("/v1/metrics", "get"), expected);
        Assert.Contains(("/v1/collections/{name}", "get"), expected);
        Assert.True(expected.Count >= 10, $"only {expected.Count} /v1 operations found");
        foreach (var (path, method) in expected)
        {
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the OpenAPI document");
            Assert.True(paths[path]!.AsObject().ContainsKey(method), $"{method.ToUpperInvariant()} {path} is missing from the OpenAPI document");
        }

        // Only /v1 paths: the legacy copies are not described.
        Assert.All(paths.Select(p => p.Key), p => Assert.StartsWith("/v1/", p, StringComparison.Ordinal));
        Assert.Equal(expected.Select(e => e.Path).Distinct().Count(), paths.Count);

        // Request bodies are described from the contracts (source-generated JSON metadata).
        var query = paths["/v1/query"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"];
        Assert.NotNull(query);
    }

    [Fact]
    public async Task Document_IsProtected_WhenAuthIsOn()
    {
        using var factory = new ServerFactory(keys: ["k1"]);
        using var client = factory.CreateClient();
        var (status, body, _) = await Http.GetAsync(client, "/openapi/v1.json");
        Assert.Equal(401, status);
        Assert.Equal("missing Authorization header", body!["message"]!.GetValue<string>());

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/openapi/v1.json", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k1");
        using var ok = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.NotNull(JsonNode.Parse(await ok.Content.ReadAsStringAsync())!["paths"]);
    }

    /// <summary>A route parameter with its constraints, default or catch-all marker: <c>{**rest:int=1?}</c> → <c>rest</c>.</summary>
    [GeneratedRegex(@"\{\**([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Parameters();
}
