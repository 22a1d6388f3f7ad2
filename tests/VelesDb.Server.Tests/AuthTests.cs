using System.Net.Http.Headers;

namespace VelesDb.Server.Tests;

public class AuthTests
{
    private static async Task<(int Status, string? Error, string? Message)> QueryAs(ServerFactory factory, string? authorization)
    {
        using var client = factory.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var (status, body, _) = await Http.PostJsonAsync(client, "/v1/query", new { query = "SELECT * FROM notes" });
        return (status, body!["error"]?.ToString(), body["message"]?.GetValue<string>());
    }

    [Fact]
    public async Task ProtectedRoute_WithoutHeader_Is401MissingHeader()
    {
        using var factory = new ServerFactory(keys: ["k-one", "k-two"]);

        var (status, error, message) = await QueryAs(factory, null);

        Assert.Equal(401, status);
        Assert.Equal("Unauthorized", error);
        Assert.Equal("missing Authorization header", message);
    }

    [Theory]
    [InlineData("Basic abc")]
    [InlineData("Bearer")]
    [InlineData("Bearer    ")]
    [InlineData("Bearerk-one")]
    public async Task ProtectedRoute_BadFormat_Is401BadFormat(string header)
    {
        using var factory = new ServerFactory(keys: ["k-one"]);

        var (status, _, message) = await QueryAs(factory, header);

        Assert.Equal(401, status);
        Assert.Equal("invalid Authorization header format, expected: Bearer <key>", message);
    }

    [Theory]
    [InlineData("Bearer k-on")]
    [InlineData("Bearer k-one2")]
    [InlineData("Bearer K-ONE")]
    public async Task ProtectedRoute_WrongKey_Is401InvalidKey(string header)
    {
        using var factory = new ServerFactory(keys: ["k-one"]);

        var (status, _, message) = await QueryAs(factory, header);

        Assert.Equal(401, status);
        Assert.Equal("invalid API key", message);
    }

    [Theory]
    [InlineData("Bearer k-one")]
    [InlineData("bearer   k-two  ")]
    public async Task ProtectedRoute_RightKey_Passes(string header)
    {
        using var factory = new ServerFactory(keys: ["k-one", "k-two"]);
        var db = await factory.ReadyDatabaseAsync();
        db.CreateMetadataCollection("notes");

        var (status, _, _) = await QueryAs(factory, header);

        Assert.Equal(200, status);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/v1/health")]
    [InlineData("/ready")]
    [InlineData("/v1/ready")]
    public async Task PublicPaths_NeedNoKey(string path)
    {
        using var factory = new ServerFactory(keys: ["k-one"]);
        await factory.ReadyDatabaseAsync();
        using var client = factory.CreateClient();

        var (status, _, _) = await Http.GetAsync(client, path);

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task UnknownRoute_WithKeysConfigured_Is401NotAHint()
    {
        using var factory = new ServerFactory(keys: ["k-one"]);
        using var client = factory.CreateClient();

        var (status, body, _) = await Http.GetAsync(client, "/health/x");

        Assert.Equal(401, status);
        Assert.Equal("missing Authorization header", body!["message"]!.GetValue<string>());
    }
}
