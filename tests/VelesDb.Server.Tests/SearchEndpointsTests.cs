using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Index.Sparse;

namespace VelesDb.Server.Tests;

/// <summary>
/// The search routes (REST spec §2.4 #34–40) against <c>docs</c>: dim 3, cosine, point 1
/// <c>[1,0,0]</c> "red apple" (fruit), point 2 <c>[0,1,0]</c> "green car" (auto), point 3
/// <c>[0.6,0.8,0]</c> "red car" (auto). Points 1 and 3 carry a default sparse vector.
/// </summary>
public sealed class SearchEndpointsTests : ServerTest
{
    protected override async Task SeedAsync()
    {
        var db = Db;
        Assert.Equal(201, (await Http.PostJsonAsync(Client, "/v1/collections", new { name = "docs", dimension = 3, metric = "cosine" })).Status);
        var docs = db.GetCollection("docs");
        docs.Upsert(
        [
            Point.WithJson(1, [1f, 0, 0], """{"title":"red apple","cat":"fruit"}""") with
            {
                Sparse = new Dictionary<string, SparseVector> { [""] = SparseVector.Create([5u, 9u], [1f, 2f]) },
            },
            Point.WithJson(2, [0f, 1, 0], """{"title":"green car","cat":"auto"}"""),
            Point.WithJson(3, [0.6f, 0.8f, 0], """{"title":"red car","cat":"auto"}""") with
            {
                Sparse = new Dictionary<string, SparseVector> { [""] = SparseVector.Create([5u], [3f]) },
            },
        ]);
        Assert.Equal(201, (await Http.PostJsonAsync(Client, "/v1/collections", new { name = "facts", collection_type = "metadata" })).Status);
    }

    private static string[] IdsOf(JsonNode? results) => [.. results!.AsArray().Select(r => r!["id"]!.GetValue<string>())];

    private static object CatFilter(string cat) => new { condition = new { type = "eq", field = "cat", value = cat } };

    [Fact]
    public async Task Search_Dense_ReturnsStringIdsScoresAndPayloads()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 1f, 0, 0 }, top_k = 2, mode = "accurate", include_vectors = true });
        Assert.Equal(200, status);
        var results = body!["results"]!.AsArray();
        Assert.Equal(["1", "3"], IdsOf(results));
        Assert.Equal(1f, results[0]!["score"]!.GetValue<float>(), 4);
        Assert.Equal(0.6f, results[1]!["score"]!.GetValue<float>(), 4);
        Assert.Equal("red car", results[1]!["payload"]!["title"]!.GetValue<string>());
        Assert.Equal(["id", "score", "payload"], results[0]!.AsObject().Select(p => p.Key).ToArray());
    }

    [Fact]
    public async Task Search_WithFilter_AndLegacyRoute()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/collections/docs/search", new { vector = new[] { 1f, 0, 0 }, filter = CatFilter("auto") });
        Assert.Equal(200, status);
        Assert.Equal(["3", "2"], IdsOf(body!["results"]));
    }

    [Fact]
    public async Task Search_SparseOnly_BothWireForms()
    {
        // Dot products with {5:1}: point 1 → 1, point 3 → 3.
        var (dict, dictBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { sparse_vector = new Dictionary<string, float> { ["5"] = 1f } });
        Assert.Equal(200, dict);
        Assert.Equal(["3", "1"], IdsOf(dictBody!["results"]));
        Assert.Equal(3f, dictBody!["results"]![0]!["score"]!.GetValue<float>(), 4);

        // {9:1}: only point 1.
        var (pairs, pairsBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/ids", new { sparse_vectors = new Dictionary<string, object> { [""] = new { indices = new[] { 9 }, values = new[] { 1f } } } });
        Assert.Equal(200, pairs);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"results":[{"id":"1","score":2}]}"""), pairsBody));
    }

    [Fact]
    public async Task Search_HybridDenseSparse_FusesWithTheRequestedStrategy()
    {
        // Dense [0,1,0]: 2 (1.0), 3 (0.8), 1 (0). Sparse {5:1}: 3 (3), 1 (1).
        // RRF k=60, 1-based ranks: 3 → 1/62 + 1/61, 2 → 1/61, 1 → 1/63 + 1/62.
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 0f, 1, 0 }, sparse_vector = new Dictionary<string, float> { ["5"] = 1f }, top_k = 3 });
        Assert.Equal(200, status);
        Assert.Equal(["3", "1", "2"], IdsOf(body!["results"]));
        Assert.Equal((1f / 62) + (1f / 61), body!["results"]![0]!["score"]!.GetValue<float>(), 5);

        // Maximum fusion: 3 → max(0.8, 3) = 3, 2 → 1, 1 → max(0, 1) = 1 (tie by id).
        var (max, maxBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 0f, 1, 0 }, sparse_vector = new Dictionary<string, float> { ["5"] = 1f }, fusion = new { strategy = "max" } });
        Assert.Equal(200, max);
        Assert.Equal(["3", "1", "2"], IdsOf(maxBody!["results"]));

        var (bad, badBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 0f, 1, 0 }, sparse_vector = new Dictionary<string, float> { ["5"] = 1f }, fusion = new { strategy = "borda" } });
        Assert.Equal(400, bad);
        Assert.Null(badBody!["code"]);
        Assert.Contains("Invalid fusion strategy 'borda'", badBody["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_Errors()
    {
        var (dim, dimBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 1f, 0 } });
        Assert.Equal(400, dim);
        Assert.Equal("VELES-004", dimBody!["code"]!.GetValue<string>());
        Assert.Contains("Hint: ", dimBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (filter, filterBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 1f, 0, 0 }, filter = new { cat = "auto" } });
        Assert.Equal(400, filter);
        Assert.Null(filterBody!["code"]);
        Assert.StartsWith("Invalid filter: ", filterBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (missing, missingBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { top_k = 3 });
        Assert.Equal(400, missing);
        Assert.StartsWith("Either 'vector' or 'sparse_vector' must be provided", missingBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (none, noneBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/nope/search", new { vector = new[] { 1f, 0, 0 } });
        Assert.Equal(404, none);
        Assert.Equal("VELES-002", noneBody!["code"]!.GetValue<string>());

        var (ambiguous, ambiguousBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { sparse_vectors = new Dictionary<string, object> { ["a"] = new Dictionary<string, float> { ["1"] = 1f }, ["b"] = new Dictionary<string, float> { ["1"] = 1f } } });
        Assert.Equal(400, ambiguous);
        Assert.StartsWith("Ambiguous sparse query", ambiguousBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (badSparse, _, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { sparse_vector = new { indices = new[] { 1, 2 }, values = new[] { 1f } } });
        Assert.Equal(400, badSparse);

        var (mode, modeBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 1f, 0, 0 }, mode = "warp" });
        Assert.Equal(400, mode);
        Assert.Contains("Hint: ", modeBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (timeout, _, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 1f, 0, 0 }, timeout_ms = -100 });
        Assert.Equal(400, timeout);

        var (metadata, metadataBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/facts/search", new { vector = new[] { 1f } });
        Assert.Equal(400, metadata);
        Assert.Equal("VELES-015", metadataBody!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task SearchIds_ReturnsIdsAndScoresOnly()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/ids", new { vector = new[] { 0f, 1, 0 }, top_k = 2 });
        Assert.Equal(200, status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"results":[{"id":"2","score":1},{"id":"3","score":0.8}]}"""), body));

        var (dim, dimBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/ids", new { vector = new[] { 1f } });
        Assert.Equal(400, dim);
        Assert.Equal("VELES-004", dimBody!["code"]!.GetValue<string>());
        Assert.Equal(404, (await Http.PostJsonAsync(Client, "/v1/collections/nope/search/ids", new { vector = new[] { 1f } })).Status);
    }

    [Fact]
    public async Task Batch_OneResultListPerSearch()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/batch", new
        {
            searches = new object[]
            {
                new { vector = new[] { 1f, 0, 0 }, top_k = 1 },
                new { vector = new[] { 1f, 0, 0 }, top_k = 5, filter = CatFilter("auto") },
            },
        });
        Assert.Equal(200, status);
        var results = body!["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.Equal(["1"], IdsOf(results[0]!["results"]));
        Assert.Equal(["3", "2"], IdsOf(results[1]!["results"]));
        Assert.True(body["timing_ms"]!.GetValue<double>() >= 0);

        var (filter, filterBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/batch", new { searches = new object[] { new { vector = new[] { 1f, 0, 0 } }, new { vector = new[] { 1f, 0, 0 }, filter = new { cat = "x" } } } });
        Assert.Equal(400, filter);
        Assert.StartsWith("Invalid filter at index 1", filterBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (dim, dimBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/batch", new { searches = new object[] { new { vector = new[] { 1f, 0, 0 } }, new { vector = new[] { 1f } } } });
        Assert.Equal(400, dim);
        Assert.Equal("VELES-004", dimBody!["code"]!.GetValue<string>());
        Assert.StartsWith("Invalid query at index 1: ", dimBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (noVector, noVectorBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/batch", new { searches = new object[] { new { top_k = 1 } } });
        Assert.Equal(400, noVector);
        Assert.StartsWith("Invalid query at index 0", noVectorBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(404, (await Http.PostJsonAsync(Client, "/v1/collections/nope/search/batch", new { searches = Array.Empty<object>() })).Status);

        var tooMany = Enumerable.Repeat<object>(new { vector = new[] { 1f, 0, 0 } }, 1025).ToArray();
        var (large, largeBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/batch", new { searches = tooMany });
        Assert.Equal(400, large);
        Assert.StartsWith("Batch too large: 1025", largeBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multi_FusesQueries()
    {
        // RRF k=60 over [1,0,0] (1, 3, 2) and [0,1,0] (2, 3, 1): 1 and 2 → 1/61 + 1/63, 3 → 2/62 (smaller).
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/multi", new { vectors = new[] { new[] { 1f, 0, 0 }, new[] { 0f, 1, 0 } }, top_k = 3, strategy = "RRF" });
        Assert.Equal(200, status);
        var results = body!["results"]!.AsArray();
        Assert.Equal(["1", "2", "3"], IdsOf(results));
        Assert.Equal((1f / 61) + (1f / 63), results[0]!["score"]!.GetValue<float>(), 5);
        Assert.Equal("red apple", results[0]!["payload"]!["title"]!.GetValue<string>());

        var (filtered, filteredBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/multi", new { vectors = new[] { new[] { 1f, 0, 0 }, new[] { 0f, 1, 0 } }, filter = CatFilter("fruit") });
        Assert.Equal(200, filtered);
        Assert.Equal(["1"], IdsOf(filteredBody!["results"]));

        var (strategy, strategyBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/multi", new { vectors = new[] { new[] { 1f, 0, 0 } }, strategy = "borda" });
        Assert.Equal(400, strategy);
        Assert.StartsWith("Invalid strategy", strategyBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (dim, dimBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/multi", new { vectors = new[] { new[] { 1f, 0, 0 }, new[] { 1f } } });
        Assert.Equal(400, dim);
        Assert.Equal("VELES-004", dimBody!["code"]!.GetValue<string>());
        Assert.Equal(404, (await Http.PostJsonAsync(Client, "/v1/collections/nope/search/multi", new { vectors = new[] { new[] { 1f } } })).Status);
    }

    [Fact]
    public async Task MultiIds_IdsOnly_FilterRefused()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/multi/ids", new { vectors = new[] { new[] { 1f, 0, 0 }, new[] { 0f, 1, 0 } }, top_k = 2, strategy = "max" });
        Assert.Equal(200, status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"results":[{"id":"1","score":1},{"id":"2","score":1}]}"""), body));

        var (filter, filterBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/multi/ids", new { vectors = new[] { new[] { 1f, 0, 0 } }, filter = CatFilter("auto") });
        Assert.Equal(400, filter);
        Assert.StartsWith("Metadata filters are not supported on /search/multi/ids", filterBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_Bm25WithFilter()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/text", new { query = "apple" });
        Assert.Equal(200, status);
        Assert.Equal(["1"], IdsOf(body!["results"]));
        Assert.True(body!["results"]![0]!["score"]!.GetValue<float>() > 0);

        var (filtered, filteredBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/text", new { query = "red", filter = CatFilter("auto") });
        Assert.Equal(200, filtered);
        Assert.Equal(["3"], IdsOf(filteredBody!["results"]));

        var (filter, filterBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/text", new { query = "red", filter = new { cat = "auto" } });
        Assert.Equal(400, filter);
        Assert.StartsWith("Invalid filter: ", filterBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (topK, topKBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/text", new { query = "red", top_k = 0 });
        Assert.Equal(400, topK);
        Assert.Equal("VELES-009", topKBody!["code"]!.GetValue<string>());
        Assert.Equal(400, (await Http.PostJsonAsync(Client, "/v1/collections/docs/search/text", new { top_k = 1 })).Status);
        Assert.Equal(404, (await Http.PostJsonAsync(Client, "/v1/collections/nope/search/text", new { query = "red" })).Status);
    }

    [Fact]
    public async Task Hybrid_DenseAndText()
    {
        // Dense [1,0,0] ranks (0-based) 1, 3, 2; text "car" ranks 2, 3 (equal BM25, by id).
        // w = 0.5, k = 60: 2 → 0.5/62 + 0.5/60, 3 → 0.5/61 + 0.5/61, 1 → 0.5/60.
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/hybrid", new { vector = new[] { 1f, 0, 0 }, query = "car", top_k = 3 });
        Assert.Equal(200, status);
        var results = body!["results"]!.AsArray();
        Assert.Equal(["2", "3", "1"], IdsOf(results));
        Assert.Equal((0.5f / 62) + (0.5f / 60), results[0]!["score"]!.GetValue<float>(), 5);
        Assert.Equal("green car", results[0]!["payload"]!["title"]!.GetValue<string>());

        // All weight on the vector branch: the dense order.
        var (vectorOnly, vectorBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/hybrid", new { vector = new[] { 1f, 0, 0 }, query = "car", top_k = 3, vector_weight = 1f });
        Assert.Equal(200, vectorOnly);
        Assert.Equal(["1", "3", "2"], IdsOf(vectorBody!["results"]));

        var (dim, dimBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search/hybrid", new { vector = new[] { 1f }, query = "car" });
        Assert.Equal(400, dim);
        Assert.Equal("VELES-004", dimBody!["code"]!.GetValue<string>());
        Assert.Contains("Hint: ", dimBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(400, (await Http.PostJsonAsync(Client, "/v1/collections/docs/search/hybrid", new { query = "car" })).Status);
        Assert.Equal(404, (await Http.PostJsonAsync(Client, "/v1/collections/nope/search/hybrid", new { vector = new[] { 1f }, query = "car" })).Status);
    }

    [Fact]
    public async Task Search_PayloadNullWhenPointHasNone()
    {
        var db = Db;
        db.GetCollection("docs").Upsert([new Point(4, new float[] { 0, 0, 1 })]);
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 0f, 0, 1 }, top_k = 1 });
        Assert.Equal(200, status);
        var hit = body!["results"]![0]!.AsObject();
        Assert.Equal("4", hit["id"]!.GetValue<string>());
        Assert.True(hit.ContainsKey("payload"));
        Assert.Null(hit["payload"]);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(body.ToJsonString()).RootElement.GetProperty("results").ValueKind);
    }
}
