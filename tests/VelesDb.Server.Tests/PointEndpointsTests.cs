using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Graph;

namespace VelesDb.Server.Tests;

public sealed class PointEndpointsTests : ServerTest
{
    protected override async Task SeedAsync()
    {
        Assert.Equal(201, (await Http.PostJsonAsync(Client, "/v1/collections", new { name = "docs", dimension = 2 })).Status);
        var (status, _, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/points", new
        {
            points = new object[]
            {
                new { id = 1, vector = new[] { 1f, 0f }, payload = new { lang = "fr" } },
                new { id = 2, vector = new[] { 0f, 1f }, payload = new { lang = "en" } },
                new { id = 3, vector = new[] { 1f, 1f }, payload = new { lang = "fr" } },
                new { id = 4, vector = new[] { 0.5f, 0.5f } },
            },
        });
        Assert.Equal(200, status);
    }

    private static bool Same(string expected, JsonNode? actual) => JsonNode.DeepEquals(JsonNode.Parse(expected), actual);

    private async Task<(int Status, JsonNode? Body)> Delete(string path)
    {
        using var response = await Client.DeleteAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<(int Status, JsonNode? Body)> PostRaw(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri(path, UriKind.Relative), content);
        return ((int)response.StatusCode, await Http.ReadAsync(response));
    }

    [Fact]
    public async Task GetPoint_ReturnsStringIdVectorAndPayload()
    {
        var (status, body, _) = await Http.GetAsync(Client, "/v1/collections/docs/points/1");
        Assert.Equal(200, status);
        Assert.True(Same("""{"id":"1","vector":[1,0],"payload":{"lang":"fr"}}""", body), body?.ToJsonString());

        var (legacy, noPayload, _) = await Http.GetAsync(Client, "/collections/docs/points/4");
        Assert.Equal(200, legacy);
        Assert.True(Same("""{"id":"4","vector":[0.5,0.5],"payload":null}""", noPayload), noPayload?.ToJsonString());
    }

    [Fact]
    public async Task Responses_WriteTextAsUtf8_NotAsEscapes()
    {
        Db.GetCollection("docs").Upsert(Point.WithJson(5, [1f, 0f], """{"t":"café 東京 <b> 'x'"}"""));

        using var point = await Client.GetAsync(new Uri("/v1/collections/docs/points/5", UriKind.Relative));
        Assert.Contains("""{"t":"café 東京 <b> 'x'"}""", await point.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var content = new StringContent("""{"query":"SELECT * FROM docs WHERE id = 5"}""", Encoding.UTF8, "application/json");
        using var rows = await Client.PostAsync(new Uri("/v1/query", UriKind.Relative), content);
        Assert.Contains("""café 東京 <b> 'x'""", await rows.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Error messages too: an apostrophe stays an apostrophe.
        using var missing = await Client.GetAsync(new Uri("/v1/collections/nope/points/1", UriKind.Relative));
        Assert.Contains("Collection 'nope'", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPoint_Errors()
    {
        var (missingPoint, pointBody, _) = await Http.GetAsync(Client, "/v1/collections/docs/points/99");
        Assert.Equal(404, missingPoint);
        Assert.Equal("VELES-003", pointBody!["code"]!.GetValue<string>());

        var (missingCollection, collectionBody, _) = await Http.GetAsync(Client, "/v1/collections/nope/points/1");
        Assert.Equal(404, missingCollection);
        Assert.Equal("VELES-002", collectionBody!["code"]!.GetValue<string>());

        var (badId, _, _) = await Http.GetAsync(Client, "/v1/collections/docs/points/abc");
        Assert.Equal(400, badId);
    }

    [Fact]
    public async Task DeletePoint_RemovesItAndIsIdempotent()
    {
        var (status, body) = await Delete("/v1/collections/docs/points/2");
        Assert.Equal(200, status);
        Assert.True(Same("""{"message":"Point deleted","id":"2"}""", body));
        Assert.Null(Db.GetCollection("docs").Get(2));
        Assert.Equal(3, Db.GetCollection("docs").Count);

        var (again, againBody) = await Delete("/v1/collections/docs/points/2");
        Assert.Equal(200, again);
        Assert.True(Same("""{"message":"Point deleted","id":"2"}""", againBody));

        var (missing, missingBody) = await Delete("/v1/collections/nope/points/2");
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Scroll_PagesInIdOrderWithCursor()
    {
        var (status, first, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/points/scroll", new { batch_size = 3 });
        Assert.Equal(200, status);
        Assert.True(Same("""
            {"points":[
              {"id":"1","vector":[1,0],"payload":{"lang":"fr"}},
              {"id":"2","vector":[0,1],"payload":{"lang":"en"}},
              {"id":"3","vector":[1,1],"payload":{"lang":"fr"}}],
             "next_cursor":"3"}
            """, first), first?.ToJsonString());

        var (next, second) = await PostRaw("/v1/collections/docs/points/scroll", """{"cursor":"3","batch_size":3}""");
        Assert.Equal(200, next);
        Assert.True(Same("""{"points":[{"id":"4","vector":[0.5,0.5],"payload":null}],"next_cursor":null}""", second), second?.ToJsonString());

        var (defaults, all) = await PostRaw("/collections/docs/points/scroll", """{"cursor":null}""");
        Assert.Equal(200, defaults);
        Assert.Equal(4, all!["points"]!.AsArray().Count);
        Assert.Null(all["next_cursor"]);
        Assert.True(all.AsObject().ContainsKey("next_cursor"));
    }

    [Fact]
    public async Task Scroll_WithFilter()
    {
        var (status, body) = await PostRaw(
            "/v1/collections/docs/points/scroll",
            """{"cursor":1,"filter":{"condition":{"type":"eq","field":"lang","value":"fr"}}}""");
        Assert.Equal(200, status);
        Assert.True(Same("""{"points":[{"id":"3","vector":[1,1],"payload":{"lang":"fr"}}],"next_cursor":null}""", body), body?.ToJsonString());
    }

    [Fact]
    public async Task Scroll_Errors()
    {
        var (zero, zeroBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/points/scroll", new { batch_size = 0 });
        Assert.Equal(400, zero);
        Assert.StartsWith("batch_size must be between 1 and 10000", zeroBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (big, _, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/points/scroll", new { batch_size = 10_001 });
        Assert.Equal(400, big);

        var (flat, flatBody) = await PostRaw("/v1/collections/docs/points/scroll", """{"filter":{"lang":"fr"}}""");
        Assert.Equal(400, flat);
        Assert.StartsWith("Invalid filter: ", flatBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(flatBody["code"]);

        var (missing, missingBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/nope/points/scroll", new { });
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task BulkDelete_DeletesAndCountsExistingIds()
    {
        var (status, body) = await PostRaw("/v1/collections/docs/points/delete", """{"ids":[1,"3",77]}""");
        Assert.Equal(200, status);
        Assert.True(Same("""{"message":"Points deleted","collection":"docs","deleted_count":2}""", body), body?.ToJsonString());
        Assert.Equal([2UL, 4UL], Db.GetCollection("docs").AllIds());

        var (empty, emptyBody) = await PostRaw("/collections/nope/points/delete", """{"ids":[]}""");
        Assert.Equal(200, empty);
        Assert.True(Same("""{"message":"No points to delete","collection":"nope","deleted_count":0}""", emptyBody));
    }

    [Fact]
    public async Task BulkDelete_Errors()
    {
        var (missing, missingBody) = await PostRaw("/v1/collections/nope/points/delete", """{"ids":[1]}""");
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());

        var tooMany = JsonSerializer.Serialize(new { ids = Enumerable.Range(0, 10_001).ToArray() });
        var (big, bigBody) = await PostRaw("/v1/collections/docs/points/delete", tooMany);
        Assert.Equal(400, big);
        Assert.StartsWith("Batch too large", bigBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(4, Db.GetCollection("docs").Count);

        var (noIds, _) = await PostRaw("/v1/collections/docs/points/delete", "{}");
        Assert.Equal(400, noIds);

        var (badId, _) = await PostRaw("/v1/collections/docs/points/delete", """{"ids":["x"]}""");
        Assert.Equal(400, badId);
    }

    [Fact]
    public async Task Relations_ListOutgoingEdges()
    {
        var docs = Db.GetCollection("docs");
        docs.AddEdge(new GraphEdge(10, 1, 2, "CITES", JsonElement.Parse("""{"w":0.5}""")));
        docs.AddEdge(new GraphEdge(11, 1, 3, "KNOWS"));
        docs.AddEdge(new GraphEdge(12, 2, 1, "CITES"));

        var (status, body, _) = await Http.GetAsync(Client, "/v1/collections/docs/points/1/relations");
        Assert.Equal(200, status);
        Assert.True(Same("""
            {"edges":[
              {"id":"10","source":"1","target":"2","rel_type":"CITES","properties":{"w":0.5}},
              {"id":"11","source":"1","target":"3","rel_type":"KNOWS","properties":null}],
             "count":2}
            """, body), body?.ToJsonString());

        var (none, noneBody, _) = await Http.GetAsync(Client, "/collections/docs/points/4/relations");
        Assert.Equal(200, none);
        Assert.True(Same("""{"edges":[],"count":0}""", noneBody));

        var (missing, missingBody, _) = await Http.GetAsync(Client, "/v1/collections/nope/points/1/relations");
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteRelation_Returns204ThenNotFound()
    {
        var docs = Db.GetCollection("docs");
        docs.AddEdge(new GraphEdge(10, 1, 2, "CITES"));

        var (status, body) = await Delete("/v1/collections/docs/relations/10");
        Assert.Equal(204, status);
        Assert.Null(body);
        Assert.Null(docs.GetEdge(10));

        var (again, againBody) = await Delete("/v1/collections/docs/relations/10");
        Assert.Equal(404, again);
        Assert.Equal("VELES-020", againBody!["code"]!.GetValue<string>());
        Assert.Contains("in collection 'docs'", againBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (missing, missingBody) = await Delete("/v1/collections/nope/relations/10");
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeletePoint_CascadesItsEdges()
    {
        var docs = Db.GetCollection("docs");
        docs.AddEdge(new GraphEdge(10, 1, 2, "CITES"));
        Assert.Equal(200, (await Delete("/v1/collections/docs/points/1")).Status);
        Assert.Null(docs.GetEdge(10));
    }

    [Fact]
    public async Task CreateRelation_AssignsIds_AndValidates()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/relations", new { source = 1, target = "2", rel_type = "CITES", properties = new { w = 0.5 } });
        Assert.Equal(201, status);
        Assert.True(Same("""{"edge_id":"1"}""", body));
        var (second, secondBody, _) = await Http.PostJsonAsync(Client, "/collections/docs/relations", new { source = 2, target = 3, rel_type = "CITES" });
        Assert.Equal(201, second);
        Assert.True(Same("""{"edge_id":"2"}""", secondBody));
        Assert.Equal(0.5, Db.GetCollection("docs").GetEdge(1)!.Properties!.Value.GetProperty("w").GetDouble());

        var (badProps, badBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/relations", new { source = 1, target = 2, rel_type = "X", properties = new[] { 1 } });
        Assert.Equal(400, badProps);
        Assert.Equal("properties must be an object or null", badBody!["error"]!.GetValue<string>());
        var (missingNode, nodeBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/relations", new { source = 1, target = 99, rel_type = "X" });
        Assert.Equal(404, missingNode);
        Assert.Equal("VELES-022", nodeBody!["code"]!.GetValue<string>());
        var (missingCollection, _, _) = await Http.PostJsonAsync(Client, "/v1/collections/nope/relations", new { source = 1, target = 2, rel_type = "X" });
        Assert.Equal(404, missingCollection);
        var (missingType, _, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/relations", new { source = 1, target = 2 });
        Assert.Equal(400, missingType);
    }
}
