using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Graph;

namespace VelesDb.Server.Tests;

/// <summary>
/// <c>POST {n}/match</c> over graph <c>g</c>: people 1 Ann, 2 Bob and city 3 Oslo; edges
/// 10: 1→2 KNOWS, 11: 2→3 LIVES_IN, 12: 1→3 LIVES_IN. Graph <c>ge</c> has embeddings:
/// 1 Ann [1, 0], 2 Bob [0, 1], 3 Oslo [0.6, 0.8], edges 1→3 and 2→3 LIVES_IN.
/// </summary>
public sealed class MatchEndpointsTests : ServerTest
{
    protected override Task SeedAsync()
    {
        var db = Db;
        var g = db.CreateGraphCollection("g");
        g.Upsert([Node(1, """{"_labels":["Person"],"name":"Ann"}"""), Node(2, """{"_labels":["Person"],"name":"Bob"}"""), Node(3, """{"_labels":["City"],"name":"Oslo"}""")]);
        g.AddEdges([new GraphEdge(10, 1, 2, "KNOWS"), new GraphEdge(11, 2, 3, "LIVES_IN"), new GraphEdge(12, 1, 3, "LIVES_IN")]);

        var ge = db.CreateGraphCollection("ge", embeddingDimension: 2);
        ge.Upsert(
        [
            Point.WithJson(1, [1f, 0f], """{"_labels":["Person"],"name":"Ann"}"""),
            Point.WithJson(2, [0f, 1f], """{"_labels":["Person"],"name":"Bob"}"""),
            Point.WithJson(3, [0.6f, 0.8f], """{"_labels":["City"],"name":"Oslo"}"""),
        ]);
        ge.AddEdges([new GraphEdge(10, 1, 3, "LIVES_IN"), new GraphEdge(11, 2, 3, "LIVES_IN")]);
        return Task.CompletedTask;
    }

    private static Point Node(ulong id, string json) => Point.Metadata(id, JsonElement.Parse(json));

    private static bool Same(string expected, JsonNode? actual) => JsonNode.DeepEquals(JsonNode.Parse(expected), actual);

    private async Task<(int Status, JsonNode? Body)> Match(string collection, object body, bool legacy = false)
    {
        var (status, json, response) = await Http.PostJsonAsync(Client, $"{(legacy ? string.Empty : "/v1")}/collections/{collection}/match", body);
        response.Dispose();
        return (status, json);
    }

    /// <summary>The body without <c>took_ms</c>, which depends on the machine.</summary>
    private static JsonNode? WithoutTime(JsonNode? body)
    {
        Assert.True(body!["took_ms"]!.GetValue<long>() >= 0);
        body.AsObject().Remove("took_ms");
        return body;
    }

    [Fact]
    public async Task Match_BindingsDepthAndProjection()
    {
        var (status, body) = await Match("g", new { query = "MATCH (a:Person)-[:KNOWS]->(b:Person) RETURN a.name AS x, b.name AS y" });
        Assert.Equal(200, status);
        Assert.True(Same("""
            {"results":[{"bindings":{"a":"1","b":"2"},"depth":1,"projected":{"x":"Ann","y":"Bob"}}],
             "count":1,"meta":{"velesql_contract_version":"3.0.0"}}
            """, WithoutTime(body)), body?.ToJsonString());

        var (legacy, two) = await Match("g", new { query = "MATCH (p:Person)-[:LIVES_IN]->(c:City) RETURN p.name AS who" }, legacy: true);
        Assert.Equal(200, legacy);
        Assert.True(Same("""
            {"results":[
              {"bindings":{"c":"3","p":"1"},"depth":1,"projected":{"who":"Ann"}},
              {"bindings":{"c":"3","p":"2"},"depth":1,"projected":{"who":"Bob"}}],
             "count":2,"meta":{"velesql_contract_version":"3.0.0"}}
            """, WithoutTime(two)), two?.ToJsonString());
    }

    [Fact]
    public async Task Match_ParamsAndVariableLength()
    {
        var (status, body) = await Match("g", new
        {
            query = "MATCH (a:Person)-[:KNOWS|LIVES_IN*1..2]->(c:City) WHERE a.name = $who RETURN c.name AS city",
            @params = new { who = "Ann" },
        });
        Assert.Equal(200, status);

        // Ann reaches Oslo directly (depth 1) and through Bob (depth 2); the shortest path is kept.
        Assert.True(Same("""
            {"results":[{"bindings":{"a":"1","c":"3"},"depth":1,"projected":{"city":"Oslo"}}],
             "count":1,"meta":{"velesql_contract_version":"3.0.0"}}
            """, WithoutTime(body)), body?.ToJsonString());
    }

    [Fact]
    public async Task Match_VectorScoresTheFirstNode_ThresholdKeepsTheClosest()
    {
        var (status, body) = await Match("ge", new { query = "MATCH (p:Person)-[:LIVES_IN]->(c) RETURN p.name AS who", vector = new[] { 1f, 0f } });
        Assert.Equal(200, status);
        Assert.True(Same("""
            {"results":[
              {"bindings":{"c":"3","p":"1"},"score":1,"depth":1,"projected":{"who":"Ann"}},
              {"bindings":{"c":"3","p":"2"},"score":0,"depth":1,"projected":{"who":"Bob"}}],
             "count":2,"meta":{"velesql_contract_version":"3.0.0"}}
            """, WithoutTime(body)), body?.ToJsonString());

        var (_, cut) = await Match("ge", new { query = "MATCH (p:Person)-[:LIVES_IN]->(c) RETURN p.name AS who", vector = new[] { 1f, 0f }, threshold = 0.5 });
        Assert.Equal(1, cut!["count"]!.GetValue<int>());
        Assert.Equal("1", cut["results"]![0]!["bindings"]!["p"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("SELECT * FROM g", "Only MATCH queries are accepted")]
    [InlineData("MATCH (a:Person", null)]
    [InlineData("", "query is required")]
    public async Task Match_BadQuery_Is400Veles010(string query, string? messageStart)
    {
        var (status, body) = await Match("g", new { query });
        Assert.Equal(400, status);
        Assert.Equal("VELES-010", body!["code"]!.GetValue<string>());
        if (messageStart is not null)
        {
            Assert.StartsWith(messageStart, body["error"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Match_Errors()
    {
        var (missing, missingBody) = await Match("nope", new { query = "MATCH (a)-[:KNOWS]->(b) RETURN a.name" });
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());

        var (threshold, thresholdBody) = await Match("ge", new { query = "MATCH (a)-[:LIVES_IN]->(b) RETURN a.name", vector = new[] { 1f, 0f }, threshold = 1.5 });
        Assert.Equal(400, threshold);
        Assert.True(Same("""{"error":"threshold must be between 0 and 1, got 1.5.","code":"VELES-010"}""", thresholdBody), thresholdBody?.ToJsonString());

        var (noVector, noVectorBody) = await Match("ge", new { query = "MATCH (a)-[:LIVES_IN]->(b) RETURN a.name", threshold = 0.5 });
        Assert.Equal(400, noVector);
        Assert.Equal("VELES-010", noVectorBody!["code"]!.GetValue<string>());
        Assert.StartsWith("A MATCH similarity threshold needs a query vector.", noVectorBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (dimension, dimensionBody) = await Match("ge", new { query = "MATCH (a)-[:LIVES_IN]->(b) RETURN a.name", vector = new[] { 1f, 0f, 0f } });
        Assert.Equal(400, dimension);
        Assert.Equal("VELES-010", dimensionBody!["code"]!.GetValue<string>());

        var (noEmbeddings, noEmbeddingsBody) = await Match("g", new { query = "MATCH (a)-[:KNOWS]->(b) RETURN a.name", vector = new[] { 1f, 0f } });
        Assert.Equal(400, noEmbeddings);
        Assert.StartsWith("Collection 'g' stores no vectors", noEmbeddingsBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
