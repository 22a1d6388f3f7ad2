using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Graph;

namespace VelesDb.Server.Tests;

/// <summary>
/// The graph routes over one graph <c>g</c>: nodes 1–5 with payloads and edges
/// 10: 1→2 KNOWS, 11: 2→3 KNOWS, 12: 1→4 LIKES {since: 2020}, 13: 3→5 KNOWS, 14: 4→4 LOOP.
/// </summary>
public sealed class GraphEndpointsTests : ServerTest
{
    protected override async Task SeedAsync()
    {
        Assert.Equal(201, (await Http.PostJsonAsync(Client, "/v1/collections", new { name = "g", collection_type = "graph" })).Status);
        Assert.Equal(201, (await Http.PostJsonAsync(Client, "/v1/collections", new { name = "docs", dimension = 2 })).Status);
        for (var id = 1; id <= 5; id++)
        {
            Assert.Equal(204, (await Put($"/v1/collections/g/graph/nodes/{id}/payload", new { payload = new { name = $"n{id}" } })).Status);
        }

        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/g/graph/edges/batch", new
        {
            edges = new object[]
            {
                new { id = 10, source = 1, target = 2, label = "KNOWS" },
                new { id = 11, source = 2, target = 3, label = "KNOWS" },
                new { id = "12", source = "1", target = "4", label = "LIKES", properties = new { since = 2020 } },
                new { id = 13, source = 3, target = 5, label = "KNOWS", properties = (object?)null },
                new { id = 14, source = 4, target = 4, label = "LOOP" },
            },
        });
        Assert.Equal(201, status);
        Assert.True(Same("""{"added":5}""", body), body?.ToJsonString());
    }

    private static bool Same(string expected, JsonNode? actual) => JsonNode.DeepEquals(JsonNode.Parse(expected), actual);

    private static string Code(JsonNode? body) => body!["code"]!.GetValue<string>();

    private async Task<(int Status, string Text)> Put(string path, object body)
    {
        using var response = await Client.PutAsJsonAsync(new Uri(path, UriKind.Relative), body);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(int Status, JsonNode? Body)> Delete(string path)
    {
        using var response = await Client.DeleteAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<(int Status, JsonNode? Body)> Get(string path)
    {
        var (status, body, response) = await Http.GetAsync(Client, path);
        response.Dispose();
        return (status, body);
    }

    private async Task<(int Status, JsonNode? Body)> Post(string path, object body)
    {
        var (status, json, response) = await Http.PostJsonAsync(Client, path, body);
        response.Dispose();
        return (status, json);
    }

    [Fact]
    public async Task ListEdges_AllByIdOrWithOneLabel()
    {
        var (status, body) = await Get("/v1/collections/g/graph/edges");
        Assert.Equal(200, status);
        Assert.True(Same("""
            {"edges":[
              {"id":"10","source":"1","target":"2","label":"KNOWS","properties":null},
              {"id":"11","source":"2","target":"3","label":"KNOWS","properties":null},
              {"id":"12","source":"1","target":"4","label":"LIKES","properties":{"since":2020}},
              {"id":"13","source":"3","target":"5","label":"KNOWS","properties":null},
              {"id":"14","source":"4","target":"4","label":"LOOP","properties":null}],
             "count":5}
            """, body), body?.ToJsonString());

        var (legacy, likes) = await Get("/collections/g/graph/edges?label=LIKES");
        Assert.Equal(200, legacy);
        Assert.True(Same("""{"edges":[{"id":"12","source":"1","target":"4","label":"LIKES","properties":{"since":2020}}],"count":1}""", likes), likes?.ToJsonString());

        var (_, none) = await Get("/v1/collections/g/graph/edges?label=NOPE");
        Assert.True(Same("""{"edges":[],"count":0}""", none));
    }

    [Fact]
    public async Task AddEdge_Created201WithEmptyBody()
    {
        using var response = await Client.PostAsJsonAsync(new Uri("/v1/collections/g/graph/edges", UriKind.Relative), new { id = "20", source = 5, target = "1", label = " CITES ", properties = new { w = 1 } });
        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());

        var edge = Db.GetCollection("g").GetEdge(20);
        Assert.NotNull(edge);
        Assert.Equal((5UL, 1UL, "CITES"), (edge.Source, edge.Target, edge.Label));
        Assert.Equal(1, edge.Properties!.Value.GetProperty("w").GetInt32());
    }

    [Fact]
    public async Task AddEdge_Errors()
    {
        var (duplicate, duplicateBody) = await Post("/v1/collections/g/graph/edges", new { id = 10, source = 2, target = 3, label = "X" });
        Assert.Equal(409, duplicate);
        Assert.Equal("VELES-019", Code(duplicateBody));

        var (noNode, noNodeBody) = await Post("/v1/collections/g/graph/edges", new { id = 30, source = 1, target = 99, label = "X" });
        Assert.Equal(404, noNode);
        Assert.Equal("VELES-022", Code(noNodeBody));
        Assert.Contains("99", noNodeBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (badProps, badPropsBody) = await Post("/v1/collections/g/graph/edges", new { id = 30, source = 1, target = 2, label = "X", properties = new[] { 1 } });
        Assert.Equal(400, badProps);
        Assert.True(Same("""{"error":"properties must be an object or null."}""", badPropsBody), badPropsBody?.ToJsonString());

        var (noLabel, noLabelBody) = await Post("/v1/collections/g/graph/edges", new { id = 30, source = 1, target = 2 });
        Assert.Equal(400, noLabel);
        Assert.Null(noLabelBody!["code"]);
        Assert.StartsWith("id, source, target and label are required", noLabelBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (blankLabel, blankBody) = await Post("/v1/collections/g/graph/edges", new { id = 30, source = 1, target = 2, label = "  " });
        Assert.Equal(400, blankLabel);
        Assert.Equal("VELES-021", Code(blankBody));

        var (missing, missingBody) = await Post("/v1/collections/nope/graph/edges", new { id = 30, source = 1, target = 2, label = "X" });
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", Code(missingBody));
        Assert.Contains("collection_type = \"graph\"", missingBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (notGraph, notGraphBody) = await Post("/v1/collections/docs/graph/edges", new { id = 30, source = 1, target = 2, label = "X" });
        Assert.Equal(409, notGraph);
        Assert.Equal("VELES-018", Code(notGraphBody));
        Assert.Contains("not a graph collection", notGraphBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(5, Db.GetCollection("g").EdgeCount);
    }

    [Fact]
    public async Task AddEdgesBatch_IsAllOrNothing()
    {
        var (status, body) = await Post("/v1/collections/g/graph/edges/batch", new
        {
            edges = new object[]
            {
                new { id = 40, source = 1, target = 3, label = "X" },
                new { id = 41, source = 1, target = 99, label = "X" },
            },
        });
        Assert.Equal(404, status);
        Assert.Equal("VELES-022", Code(body));
        Assert.Null(Db.GetCollection("g").GetEdge(40));

        var (twice, twiceBody) = await Post("/v1/collections/g/graph/edges/batch", new
        {
            edges = new object[] { new { id = 40, source = 1, target = 3, label = "X" }, new { id = 40, source = 2, target = 3, label = "X" } },
        });
        Assert.Equal(409, twice);
        Assert.Equal("VELES-019", Code(twiceBody));

        var (badItem, badItemBody) = await Post("/v1/collections/g/graph/edges/batch", new
        {
            edges = new object[] { new { id = 40, source = 1, target = 3, label = "X" }, new { id = 41, source = 1, label = "X" } },
        });
        Assert.Equal(400, badItem);
        Assert.StartsWith("edges[1]: id, source, target and label are required", badItemBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (noEdges, noEdgesBody) = await Post("/v1/collections/g/graph/edges/batch", new { });
        Assert.Equal(400, noEdges);
        Assert.StartsWith("The body needs an \"edges\" array", noEdgesBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (empty, emptyBody) = await Post("/collections/g/graph/edges/batch", new { edges = Array.Empty<object>() });
        Assert.Equal(201, empty);
        Assert.True(Same("""{"added":0}""", emptyBody));

        Assert.Equal(5, Db.GetCollection("g").EdgeCount);
    }

    [Fact]
    public async Task RemoveEdge_204ThenNotFound()
    {
        var (status, body) = await Delete("/v1/collections/g/graph/edges/10");
        Assert.Equal(204, status);
        Assert.Null(body);
        Assert.Null(Db.GetCollection("g").GetEdge(10));

        var (again, againBody) = await Delete("/collections/g/graph/edges/10");
        Assert.Equal(404, again);
        Assert.Equal("VELES-020", Code(againBody));

        var (notGraph, notGraphBody) = await Delete("/v1/collections/docs/graph/edges/10");
        Assert.Equal(409, notGraph);
        Assert.Equal("VELES-018", Code(notGraphBody));
    }

    [Fact]
    public async Task CountAndNodes()
    {
        var (status, count) = await Get("/v1/collections/g/graph/edges/count");
        Assert.Equal(200, status);
        Assert.True(Same("""{"count":5}""", count));

        var (nodesStatus, nodes) = await Get("/collections/g/graph/nodes");
        Assert.Equal(200, nodesStatus);
        Assert.True(Same("""{"node_ids":["1","2","3","4","5"],"count":5}""", nodes), nodes?.ToJsonString());

        var (missing, missingBody) = await Get("/v1/collections/nope/graph/edges/count");
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", Code(missingBody));

        var (notGraph, notGraphBody) = await Get("/v1/collections/docs/graph/nodes");
        Assert.Equal(409, notGraph);
        Assert.Equal("VELES-018", Code(notGraphBody));
    }

    [Fact]
    public async Task NodeEdges_ByDirectionAndLabel()
    {
        static string Ids(JsonNode? body) => string.Join(",", body!["edges"]!.AsArray().Select(e => e!["id"]!.GetValue<string>())) + $"#{body["count"]}";

        Assert.Equal("10,12#2", Ids((await Get("/v1/collections/g/graph/nodes/1/edges")).Body));
        Assert.Equal("10,12#2", Ids((await Get("/v1/collections/g/graph/nodes/1/edges?direction=out")).Body));
        Assert.Equal("12#1", Ids((await Get("/v1/collections/g/graph/nodes/1/edges?direction=out&label=LIKES")).Body));
        Assert.Equal("11#1", Ids((await Get("/v1/collections/g/graph/nodes/3/edges?direction=in")).Body));
        Assert.Equal("13,11#2", Ids((await Get("/v1/collections/g/graph/nodes/3/edges?direction=both")).Body));

        // The self-loop 14 is listed once in both directions.
        Assert.Equal("14,12#2", Ids((await Get("/collections/g/graph/nodes/4/edges?direction=BOTH")).Body));
        Assert.Equal("#0", Ids((await Get("/v1/collections/g/graph/nodes/77/edges?direction=both")).Body));

        var (status, body) = await Get("/v1/collections/g/graph/nodes/1/edges?direction=sideways");
        Assert.Equal(400, status);
        Assert.Equal("VELES-009", Code(body));
        Assert.Equal("Invalid direction 'sideways'; use out (the default), in or both.", body!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task NodePayload_GetPutAndAbsentNode()
    {
        var (status, body) = await Get("/v1/collections/g/graph/nodes/2/payload");
        Assert.Equal(200, status);
        Assert.True(Same("""{"node_id":"2","payload":{"name":"n2"}}""", body), body?.ToJsonString());

        var (absent, absentBody) = await Get("/collections/g/graph/nodes/42/payload");
        Assert.Equal(200, absent);
        Assert.True(Same("""{"node_id":"42","payload":null}""", absentBody), absentBody?.ToJsonString());

        // Replacing a payload keeps the node's edges.
        Assert.Equal((204, string.Empty), await Put("/v1/collections/g/graph/nodes/2/payload", new { payload = new { name = "two", tags = new[] { "a" } } }));
        var (_, replaced) = await Get("/v1/collections/g/graph/nodes/2/payload");
        Assert.True(Same("""{"node_id":"2","payload":{"name":"two","tags":["a"]}}""", replaced), replaced?.ToJsonString());
        Assert.Equal((1, 1), Db.GetCollection("g").NodeDegree(2));

        // A new node without a payload can be an edge endpoint.
        Assert.Equal((204, string.Empty), await Put("/v1/collections/g/graph/nodes/6/payload", new { payload = (object?)null }));
        var (_, noPayload) = await Get("/v1/collections/g/graph/nodes/6/payload");
        Assert.True(Same("""{"node_id":"6","payload":null}""", noPayload));
        using var added = await Client.PostAsJsonAsync(new Uri("/v1/collections/g/graph/edges", UriKind.Relative), new { id = 60, source = 6, target = 1, label = "X" });
        Assert.Equal(201, (int)added.StatusCode);

        var (missing, missingText) = await Put("/v1/collections/nope/graph/nodes/1/payload", new { payload = 1 });
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", Code(JsonNode.Parse(missingText)));
    }

    [Fact]
    public async Task Degree_CountsInAndOut()
    {
        var (status, body) = await Get("/v1/collections/g/graph/nodes/1/degree");
        Assert.Equal(200, status);
        Assert.True(Same("""{"in_degree":0,"out_degree":2}""", body), body?.ToJsonString());
        Assert.True(Same("""{"in_degree":2,"out_degree":1}""", (await Get("/collections/g/graph/nodes/4/degree")).Body));
        Assert.True(Same("""{"in_degree":0,"out_degree":0}""", (await Get("/v1/collections/g/graph/nodes/99/degree")).Body));
    }

    [Fact]
    public async Task Traverse_BfsDfsLimitAndRelTypes()
    {
        var (status, bfs) = await Post("/v1/collections/g/graph/traverse", new { source = 1, max_depth = 3 });
        Assert.Equal(200, status);
        Assert.True(Same("""
            {"results":[
              {"target_id":"2","depth":1,"path":["10"]},
              {"target_id":"4","depth":1,"path":["12"]},
              {"target_id":"3","depth":2,"path":["10","11"]},
              {"target_id":"5","depth":3,"path":["10","11","13"]}],
             "has_more":false,
             "stats":{"visited":4,"depth_reached":3}}
            """, bfs), bfs?.ToJsonString());

        var (_, dfs) = await Post("/collections/g/graph/traverse", new { source = "1", strategy = "DFS" });
        Assert.Equal(["2", "3", "5", "4"], dfs!["results"]!.AsArray().Select(r => r!["target_id"]!.GetValue<string>()));

        // Exactly as many results as reachable: nothing more.
        var (_, exact) = await Post("/v1/collections/g/graph/traverse", new { source = 1, limit = 4 });
        Assert.False(exact!["has_more"]!.GetValue<bool>());
        Assert.Equal(4, exact["results"]!.AsArray().Count);

        var (_, cut) = await Post("/v1/collections/g/graph/traverse", new { source = 1, limit = 2 });
        Assert.True(cut!["has_more"]!.GetValue<bool>());
        Assert.Equal(["2", "4"], cut["results"]!.AsArray().Select(r => r!["target_id"]!.GetValue<string>()));
        Assert.Equal(1, cut["stats"]!["depth_reached"]!.GetValue<int>());

        var (_, knows) = await Post("/v1/collections/g/graph/traverse", new { source = 1, max_depth = 2, rel_types = new[] { "KNOWS" } });
        Assert.True(Same("""
            {"results":[{"target_id":"2","depth":1,"path":["10"]},{"target_id":"3","depth":2,"path":["10","11"]}],
             "has_more":false,"stats":{"visited":2,"depth_reached":2}}
            """, knows), knows?.ToJsonString());

        var (_, leaf) = await Post("/v1/collections/g/graph/traverse", new { source = 5 });
        Assert.True(Same("""{"results":[],"has_more":false,"stats":{"visited":0,"depth_reached":0}}""", leaf), leaf?.ToJsonString());
    }

    [Fact]
    public async Task Traverse_Errors()
    {
        var (noSource, noSourceBody) = await Post("/v1/collections/g/graph/traverse", new { strategy = "bfs" });
        Assert.Equal(400, noSource);
        Assert.StartsWith("source is required", noSourceBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (strategy, strategyBody) = await Post("/v1/collections/g/graph/traverse", new { source = 1, strategy = "astar" });
        Assert.Equal(400, strategy);
        Assert.Equal("VELES-009", Code(strategyBody));
        Assert.Equal("Invalid strategy 'astar'; use bfs (breadth-first, the default) or dfs (depth-first).", strategyBody!["error"]!.GetValue<string>());

        var (depth, depthBody) = await Post("/v1/collections/g/graph/traverse", new { source = 1, max_depth = 101 });
        Assert.Equal(400, depth);
        Assert.Equal("VELES-009", Code(depthBody));

        var (limit, limitBody) = await Post("/v1/collections/g/graph/traverse", new { source = 1, limit = 0 });
        Assert.Equal(400, limit);
        Assert.Equal("VELES-009", Code(limitBody));
        Assert.Contains("limit must be at least 1, got 0", limitBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (notGraph, notGraphBody) = await Post("/v1/collections/docs/graph/traverse", new { source = 1 });
        Assert.Equal(409, notGraph);
        Assert.Equal("VELES-018", Code(notGraphBody));

        var (missing, missingBody) = await Post("/v1/collections/nope/graph/traverse", new { source = 1 });
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", Code(missingBody));
    }

    [Fact]
    public async Task TraverseParallel_MergesStartsWithoutDuplicates()
    {
        var (status, body) = await Post("/v1/collections/g/graph/traverse/parallel", new { sources = new object[] { 1, "3" }, max_depth = 1 });
        Assert.Equal(200, status);
        var targets = body!["results"]!.AsArray().Select(r => r!["target_id"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["2", "4", "5"], targets);
        Assert.False(body["has_more"]!.GetValue<bool>());
        Assert.Equal(1, body["stats"]!["depth_reached"]!.GetValue<int>());

        var (_, cut) = await Post("/collections/g/graph/traverse/parallel", new { sources = new[] { 1, 3 }, max_depth = 1, limit = 2 });
        Assert.Equal(2, cut!["results"]!.AsArray().Count);
        Assert.True(cut["has_more"]!.GetValue<bool>());

        var (empty, emptyBody) = await Post("/v1/collections/g/graph/traverse/parallel", new { sources = Array.Empty<int>() });
        Assert.Equal(400, empty);
        Assert.StartsWith("At least one source node ID is required", emptyBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (notGraph, notGraphBody) = await Post("/v1/collections/docs/graph/traverse/parallel", new { sources = new[] { 1 } });
        Assert.Equal(409, notGraph);
        Assert.Equal("VELES-018", Code(notGraphBody));
    }

    private async Task<(int Status, string? MediaType, List<(string Event, JsonNode Data)> Events)> Stream(string path)
    {
        using var response = await Client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync();
        var events = new List<(string, JsonNode)>();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            events.Add((lines[0]["event: ".Length..], JsonNode.Parse(lines[1]["data: ".Length..])!));
        }

        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, events);
    }

    [Fact]
    public async Task TraverseStream_SendsNodeEventsThenDone()
    {
        var (status, mediaType, events) = await Stream("/v1/collections/g/graph/traverse/stream?start_node=1&max_depth=2&relationship_types=KNOWS,LIKES");
        Assert.Equal(200, status);
        Assert.Equal("text/event-stream", mediaType);
        Assert.Equal(["node", "node", "node", "done"], events.Select(e => e.Event));
        Assert.True(Same("""{"id":"2","depth":1,"path":["10"]}""", events[0].Data), events[0].Data.ToJsonString());
        Assert.True(Same("""{"id":"4","depth":1,"path":["12"]}""", events[1].Data));
        Assert.True(Same("""{"id":"3","depth":2,"path":["10","11"]}""", events[2].Data));
        Assert.Equal(3, events[3].Data["total_nodes"]!.GetValue<int>());
        Assert.Equal(2, events[3].Data["max_depth_reached"]!.GetValue<int>());
        Assert.True(events[3].Data["elapsed_ms"]!.GetValue<long>() >= 0);

        var (_, _, dfs) = await Stream("/collections/g/graph/traverse/stream?start_node=1&algorithm=dfs&relationship_types=KNOWS");
        Assert.Equal(["2", "3", "5"], dfs.Where(e => e.Event == "node").Select(e => e.Data["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task TraverseStream_StatsAfterEveryHundredNodes()
    {
        // A star: node 1000 with 150 leaves.
        var g = Db.GetCollection("g");
        g.Upsert([.. Enumerable.Range(1000, 151).Select(i => Point.Metadata((ulong)i, JsonElement.Parse("{}")))]);
        g.AddEdges([.. Enumerable.Range(1, 150).Select(i => new GraphEdge((ulong)(1000 + i), 1000, (ulong)(1000 + i), "LEAF"))]);

        var (status, _, events) = await Stream("/v1/collections/g/graph/traverse/stream?start_node=1000");
        Assert.Equal(200, status);
        Assert.Equal(152, events.Count);
        Assert.Equal(150, events.Count(e => e.Event == "node"));
        Assert.Equal("stats", events[100].Event);
        Assert.Equal(100, events[100].Data["nodes_visited"]!.GetValue<int>());
        Assert.Equal("done", events[151].Event);
        Assert.Equal(150, events[151].Data["total_nodes"]!.GetValue<int>());
        Assert.Equal(1, events[151].Data["max_depth_reached"]!.GetValue<int>());

        var (_, _, limited) = await Stream("/v1/collections/g/graph/traverse/stream?start_node=1000&limit=10");
        Assert.Equal(11, limited.Count);
    }

    [Fact]
    public async Task TraverseStream_ErrorsAreJsonBeforeTheStream()
    {
        var (missing, missingBody) = await Get("/v1/collections/nope/graph/traverse/stream?start_node=1");
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", Code(missingBody));

        var (notGraph, notGraphBody) = await Get("/v1/collections/docs/graph/traverse/stream?start_node=1");
        Assert.Equal(409, notGraph);
        Assert.Equal("VELES-018", Code(notGraphBody));

        var (noStart, noStartBody) = await Get("/v1/collections/g/graph/traverse/stream");
        Assert.Equal(400, noStart);
        Assert.StartsWith("Query parameter 'start_node' is required", noStartBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (badStart, badStartBody) = await Get("/v1/collections/g/graph/traverse/stream?start_node=-1");
        Assert.Equal(400, badStart);
        Assert.StartsWith("start_node '-1' is not a node id", badStartBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (algorithm, algorithmBody) = await Get("/v1/collections/g/graph/traverse/stream?start_node=1&algorithm=astar");
        Assert.Equal(400, algorithm);
        Assert.Equal("VELES-009", Code(algorithmBody));

        var (depth, depthBody) = await Get("/v1/collections/g/graph/traverse/stream?start_node=1&max_depth=500");
        Assert.Equal(400, depth);
        Assert.Equal("VELES-009", Code(depthBody));

        var (badNumber, _) = await Get("/v1/collections/g/graph/traverse/stream?start_node=1&limit=lots");
        Assert.Equal(400, badNumber);
    }

    [Fact]
    public async Task Search_NearestNodesOfAnEmbeddedGraph()
    {
        Assert.Equal(201, (await Post("/v1/collections", new { name = "ge", collection_type = "graph", dimension = 2 })).Status);
        Db.GetCollection("ge").Upsert([Point.WithJson(1, [1f, 0f], """{"name":"a"}"""), new Point(2, new[] { 0f, 1f })]);

        var (status, body) = await Post("/v1/collections/ge/graph/search", new { vector = new[] { 1f, 0f }, top_k = 1 });
        Assert.Equal(200, status);
        Assert.True(Same("""{"results":[{"id":"1","score":1,"payload":{"name":"a"}}]}""", body), body?.ToJsonString());

        var (_, both) = await Post("/collections/ge/graph/search", new { vector = new[] { 0f, 1f } });
        Assert.Equal(["2", "1"], both!["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        Assert.Null(both["results"]![0]!["payload"]);

        var (dimension, dimensionBody) = await Post("/v1/collections/ge/graph/search", new { vector = new[] { 1f, 0f, 0f } });
        Assert.Equal(400, dimension);
        Assert.Equal("VELES-004", Code(dimensionBody));

        var (noEmbeddings, noEmbeddingsBody) = await Post("/v1/collections/g/graph/search", new { vector = new[] { 1f, 0f } });
        Assert.Equal(400, noEmbeddings);
        Assert.Equal("VELES-015", Code(noEmbeddingsBody));
        Assert.StartsWith("Graph collection 'g' has no embeddings to search", noEmbeddingsBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (noVector, noVectorBody) = await Post("/v1/collections/ge/graph/search", new { top_k = 1 });
        Assert.Equal(400, noVector);
        Assert.StartsWith("vector is required", noVectorBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (notGraph, notGraphBody) = await Post("/v1/collections/docs/graph/search", new { vector = new[] { 1f, 0f } });
        Assert.Equal(409, notGraph);
        Assert.Equal("VELES-018", Code(notGraphBody));
    }

    [Fact]
    public async Task NodePayload_NewNodeOfAnEmbeddedGraphNeedsItsVector()
    {
        Assert.Equal(201, (await Post("/v1/collections", new { name = "ge", collection_type = "graph", dimension = 2 })).Status);
        Db.GetCollection("ge").Upsert(new Point(1, new[] { 0.6f, 0.8f }));

        // An existing node keeps its vector.
        Assert.Equal((204, string.Empty), await Put("/v1/collections/ge/graph/nodes/1/payload", new { payload = new { k = "v" } }));
        var point = Db.GetCollection("ge").Get(1)!;
        Assert.Equal(new[] { 0.6f, 0.8f }, point.Vector.ToArray());
        Assert.Equal("v", point.Payload!.Value.GetProperty("k").GetString());

        var (status, text) = await Put("/v1/collections/ge/graph/nodes/2/payload", new { payload = new { k = "v" } });
        Assert.Equal(400, status);
        Assert.Equal("VELES-016", Code(JsonNode.Parse(text)));
    }
}
