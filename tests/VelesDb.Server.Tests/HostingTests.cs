using System.Net;
using System.Text;

namespace VelesDb.Server.Tests;

public class HostingTests
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/v1/health")]
    public async Task Health_AlwaysOk(string path)
    {
        using var factory = new ServerFactory(openDatabase: false);
        using var client = factory.CreateClient();

        var (status, body, _) = await Http.GetAsync(client, path);

        Assert.Equal(200, status);
        Assert.Equal("ok", body!["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["version"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Ready_BeforeTheDatabaseIsOpen_Is503AndRoutesAnswer503Json()
    {
        using var factory = new ServerFactory(openDatabase: false);
        using var client = factory.CreateClient();

        var (status, body, _) = await Http.GetAsync(client, "/v1/ready");
        Assert.Equal(503, status);
        Assert.Equal("not_ready", body!["status"]!.GetValue<string>());

        var (queryStatus, error, _) = await Http.PostJsonAsync(client, "/v1/query", new { query = "SELECT * FROM x" });
        Assert.Equal(503, queryStatus);
        Assert.Contains("/ready", error!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_OnceOpen_Is200()
    {
        using var factory = new ServerFactory();
        await factory.ReadyDatabaseAsync();
        using var client = factory.CreateClient();

        var (status, body, _) = await Http.GetAsync(client, "/ready");

        Assert.Equal(200, status);
        Assert.Equal("ready", body!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Routes_LegacyCarriesDeprecationHeaders_V1DoesNot()
    {
        using var factory = new ServerFactory();
        using var client = factory.CreateClient();

        var (_, _, legacy) = await Http.GetAsync(client, "/health");
        var (_, _, v1) = await Http.GetAsync(client, "/v1/health");

        Assert.Equal("true", Assert.Single(legacy.Headers.GetValues("deprecation")));
        Assert.Equal("Use /v1/ prefix", Assert.Single(legacy.Headers.GetValues("x-api-deprecated")));
        Assert.False(v1.Headers.Contains("deprecation"));
        Assert.False(v1.Headers.Contains("x-api-deprecated"));
    }

    [Fact]
    public async Task Routes_LegacyQuery_IsTheSameHandler()
    {
        using var factory = new ServerFactory();
        var db = await factory.ReadyDatabaseAsync();
        db.CreateMetadataCollection("notes");
        using var client = factory.CreateClient();

        var (status, body, response) = await Http.PostJsonAsync(client, "/query", new { query = "SELECT * FROM notes" });

        Assert.Equal(200, status);
        Assert.Equal(0, body!["rows_returned"]!.GetValue<int>());
        Assert.True(response.Headers.Contains("deprecation"));
    }

    [Fact]
    public async Task UnknownRoute_Is404Json()
    {
        using var factory = new ServerFactory();
        using var client = factory.CreateClient();

        var (status, body, _) = await Http.GetAsync(client, "/v1/nowhere");

        Assert.Equal(404, status);
        Assert.Contains("GET /v1/nowhere", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongMethod_Is405Json()
    {
        using var factory = new ServerFactory();
        using var client = factory.CreateClient();

        var (status, body, _) = await Http.GetAsync(client, "/v1/query");

        Assert.Equal(405, status);
        Assert.Contains("not allowed", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedJson_Is400Json()
    {
        using var factory = new ServerFactory();
        await factory.ReadyDatabaseAsync();
        using var client = factory.CreateClient();
        using var content = new StringContent("{\"query\": ", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/v1/query", UriKind.Relative), content);
        var body = await Http.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(5000)]
    public async Task DeeplyNestedJson_Is400JsonNever500(int depth)
    {
        using var factory = new ServerFactory();
        await factory.ReadyDatabaseAsync();
        using var client = factory.CreateClient();
        var json = "{\"query\": \"SELECT * FROM x\", \"params\": {\"a\": " + new string('[', depth) + new string(']', depth) + "}}";
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/v1/query", UriKind.Relative), content);
        var body = await Http.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("depth", body!["error"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task WrongFieldType_Is400Json()
    {
        using var factory = new ServerFactory();
        await factory.ReadyDatabaseAsync();
        using var client = factory.CreateClient();
        using var content = new StringContent("{\"query\": 5}", Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(new Uri("/v1/query", UriKind.Relative), content);
        var body = await Http.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("$.query", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongContentType_Is415Json()
    {
        using var factory = new ServerFactory();
        await factory.ReadyDatabaseAsync();
        using var client = factory.CreateClient();
        using var content = new StringContent("{\"query\": \"SELECT * FROM x\"}", Encoding.UTF8, "text/plain");

        using var response = await client.PostAsync(new Uri("/v1/query", UriKind.Relative), content);
        var body = await Http.ReadAsync(response);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("Content-Type: application/json", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_FlushesAndTheDataSurvivesARestart()
    {
        using var dir = new TempDirectory();
        using (var factory = new ServerFactory(dataDir: dir.Path))
        {
            var db = await factory.ReadyDatabaseAsync();
            db.CreateMetadataCollection("kept");
            using var client = factory.CreateClient();
            var (status, body, _) = await Http.PostJsonAsync(client, "/v1/query", new { query = "INSERT INTO kept (id, title) VALUES (7, 'seven')" });
            Assert.Equal(200, status);
        }

        // The factory is disposed: the host stopped (flush) and the database closed.
        using var restarted = new ServerFactory(dataDir: dir.Path);
        await restarted.ReadyDatabaseAsync();
        using var again = restarted.CreateClient();
        var (readStatus, rows, _) = await Http.PostJsonAsync(again, "/v1/query", new { query = "SELECT * FROM kept" });

        Assert.Equal(200, readStatus);
        var row = Assert.Single(rows!["results"]!.AsArray())!;
        Assert.Equal(7, row["id"]!.GetValue<int>());
        Assert.Equal("seven", row["title"]!.GetValue<string>());
    }
}
