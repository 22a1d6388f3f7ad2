using System.Text.Json.Nodes;

namespace VelesDb.Server.Tests;

/// <summary>
/// The VelesQL HTTP contract cases C001–C013 (REST spec §2.9) against <c>docs_conformance</c>:
/// dim 4, cosine, point 1 <c>[1,0,0,0]</c> (tech, doc-1) and point 2 <c>[0,1,0,0]</c> (science, doc-2).
/// </summary>
public sealed class ConformanceTests : ServerTest
{
    protected override async Task SeedAsync()
    {

        // Seeded over HTTP, as the original's conformance test does; ids as a number and as a string.
        var (created, _, _) = await Http.PostJsonAsync(Client, "/v1/collections", new { name = "docs_conformance", dimension = 4, metric = "cosine" });
        Assert.Equal(201, created);
        var (upserted, _, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs_conformance/points", new
        {
            points = new object[]
            {
                new { id = 1, vector = new[] { 1f, 0, 0, 0 }, payload = new { _labels = new[] { "Doc" }, category = "tech", title = "doc-1" } },
                new { id = "2", vector = new[] { 0f, 1, 0, 0 }, payload = new { _labels = new[] { "Doc" }, category = "science", title = "doc-2" } },
            },
        });
        Assert.Equal(200, upserted);
    }

    private static void AssertMeta(JsonNode body, int count)
    {
        Assert.Equal("3.0.0", body["meta"]!["velesql_contract_version"]!.GetValue<string>());
        Assert.Equal(count, body["meta"]!["count"]!.GetValue<int>());
    }

    private static JsonArray Results(JsonNode body) => body["results"]!.AsArray();

    [Fact]
    public async Task C001_SelectNear_Returns200WithMeta()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new
        {
            query = "SELECT * FROM docs_conformance WHERE vector NEAR $v LIMIT 1",
            @params = new { v = new[] { 1.0, 0, 0, 0 } },
        });

        Assert.Equal(200, status);
        var row = Assert.Single(Results(body!))!;
        Assert.Equal(1, row["id"]!.GetValue<int>());           // numeric id on /query rows
        Assert.Equal("doc-1", row["title"]!.GetValue<string>());
        Assert.Null(row["vector"]);
        Assert.Equal(1, body!["rows_returned"]!.GetValue<int>());
        Assert.True(body["timing_ms"]!.GetValue<double>() >= 0);
        Assert.Equal((long)Math.Round(body["timing_ms"]!.GetValue<double>(), MidpointRounding.AwayFromZero), body["took_ms"]!.GetValue<long>());
        AssertMeta(body, 1);
    }

    [Fact]
    public async Task C002_MatchWithoutCollection_Is422MissingCollection()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new { query = "MATCH (d:Doc) RETURN d.title LIMIT 5" });

        Assert.Equal(422, status);
        var error = body!["error"]!;
        Assert.Equal("VELESQL_MISSING_COLLECTION", error["code"]!.GetValue<string>());
        Assert.Equal("MATCH queries on /query need the target collection in the request body field 'collection'.", error["message"]!.GetValue<string>());
        Assert.Equal("Add \"collection\": \"<name>\" to the request body, naming the collection whose graph the MATCH runs on.", error["hint"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"field":"collection","endpoint":"/query","query_type":"MATCH"}"""), error["details"]));
    }

    [Fact]
    public async Task C003_FromMissingCollection_Is404CollectionNotFound()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new { query = "SELECT * FROM missing_docs LIMIT 1" });

        Assert.Equal(404, status);
        var error = body!["error"]!;
        Assert.Equal("VELESQL_COLLECTION_NOT_FOUND", error["code"]!.GetValue<string>());
        Assert.Equal("Collection 'missing_docs' not found", error["message"]!.GetValue<string>());
        Assert.Equal("Create the collection first (POST /collections) or check the collection name.", error["hint"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"collection":"missing_docs"}"""), error["details"]));
    }

    [Fact]
    public async Task C004_Typo_Is400ParseShape()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new { query = "SELEC * FROM docs_conformance" });

        Assert.Equal(400, status);
        var error = body!["error"]!;
        Assert.Contains(error["type"]!.GetValue<string>(), new[] { "SyntaxError", "UnexpectedToken" });
        Assert.Equal(0, error["position"]!.GetValue<int>());
        Assert.Equal("SELEC * FROM docs_conformance", error["query"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.Null(error["code"]);
    }

    [Fact]
    public async Task C005_MatchWithCollection_Returns200WithMeta()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new
        {
            query = "MATCH (d:Doc) RETURN d.title ORDER BY d.title LIMIT 5",
            collection = "docs_conformance",
        });

        Assert.Equal(200, status);
        var titles = Results(body!).Select(r => r!["d.title"]!.GetValue<string>()).ToArray();
        Assert.Equal(["doc-1", "doc-2"], titles);
        AssertMeta(body!, 2);
    }

    [Fact]
    public async Task C006_AggregateGroupBy_Returns200WithMeta()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/aggregate", new
        {
            query = "SELECT category, COUNT(*) FROM docs_conformance GROUP BY category ORDER BY category",
        });

        Assert.Equal(200, status);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"category":"science","count":1},{"category":"tech","count":1}]"""),
            body!["result"]));
        Assert.Null(body["results"]);
        AssertMeta(body, 2);
    }

    [Fact]
    public async Task C006b_AggregationOnQuery_AnswersTheAggregationShape()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new { query = "SELECT COUNT(*) FROM docs_conformance" });

        Assert.Equal(200, status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"count":2}"""), body!["result"]));
        Assert.Null(body["results"]);
        Assert.Null(body["took_ms"]);
        Assert.Null(body["rows_returned"]);
        AssertMeta(body, 1);
    }

    [Fact]
    public async Task AggregateWithoutGroupBy_AnswersOneObject()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/aggregate", new
        {
            query = "SELECT COUNT(*) AS n, MIN(title) AS first FROM docs_conformance WHERE category = $c",
            @params = new { c = "science" },
        });

        Assert.Equal(200, status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"n":1,"first":"doc-2"}"""), body!["result"]), body["result"]!.ToJsonString());
        AssertMeta(body, 1);
    }

    [Theory]
    [InlineData("SELECT * FROM docs_conformance LIMIT 1")]
    [InlineData("MATCH (d:Doc) RETURN d.title")]
    public async Task C007_AggregateOfNonAggregate_Is422AggregationError(string query)
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/aggregate", new { query, collection = "docs_conformance" });

        Assert.Equal(422, status);
        var error = body!["error"]!;
        Assert.Equal("VELESQL_AGGREGATION_ERROR", error["code"]!.GetValue<string>());
        Assert.Equal("Only aggregation queries are accepted on /aggregate", error["message"]!.GetValue<string>());
        Assert.Equal("Use GROUP BY or an aggregate function (COUNT, SUM, AVG, MIN, MAX), or send row queries and MATCH to /query.", error["hint"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"endpoint":"/aggregate"}"""), error["details"]));
    }

    [Theory]
    [InlineData("C008", "SELECT id, ROW_NUMBER() OVER (ORDER BY id DESC) AS w FROM docs_conformance", "[{\"id\":1,\"w\":2},{\"id\":2,\"w\":1}]")]
    [InlineData("C009", "SELECT id, RANK() OVER (ORDER BY category) AS w FROM docs_conformance", "[{\"id\":1,\"w\":2},{\"id\":2,\"w\":1}]")]
    [InlineData("C010", "SELECT id, DENSE_RANK() OVER (PARTITION BY category ORDER BY id) AS w FROM docs_conformance", "[{\"id\":1,\"w\":1},{\"id\":2,\"w\":1}]")]
    [InlineData("C011", "SELECT id, ROW_NUMBER() OVER (PARTITION BY category ORDER BY id) AS w FROM docs_conformance", "[{\"id\":1,\"w\":1},{\"id\":2,\"w\":1}]")]
    [InlineData("C012", "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS a, RANK() OVER (ORDER BY title DESC) AS b, DENSE_RANK() OVER (ORDER BY category) AS c FROM docs_conformance", "[{\"id\":1,\"a\":1,\"b\":2,\"c\":2},{\"id\":2,\"a\":2,\"b\":1,\"c\":1}]")]
    public async Task C008_C012_WindowFunctions_Return200WithMeta(string id, string query, string expected)
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new { query });

        Assert.True(status == 200, $"{id}: {status} {body}");
        var rows = new JsonArray(Results(body!).OrderBy(r => r!["id"]!.GetValue<int>()).Select(r => r!.DeepClone()).ToArray());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), rows), $"{id}: {rows.ToJsonString()}");
        AssertMeta(body!, 2);
    }

    [Fact]
    public async Task C013_Ntile_Is400Parse()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new { query = "SELECT id, NTILE() OVER () FROM docs_conformance" });

        Assert.Equal(400, status);
        Assert.NotNull(body!["error"]!["type"]);
        Assert.NotNull(body["error"]!["position"]);
    }

    [Fact]
    public async Task Validation_Is422WithHint()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new
        {
            query = "SELECT * FROM docs_conformance WHERE similarity(vector, $v) > 0.1 OR category = 'tech'",
            @params = new { v = new[] { 1.0, 0, 0, 0 } },
        });

        Assert.Equal(422, status);
        Assert.Equal("VELESQL_VALIDATION_ERROR", body!["error"]!["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["error"]!["hint"]!.GetValue<string>()));
    }

    [Fact]
    public async Task MutationFailure_Is422MutationError()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new
        {
            query = "INSERT INTO docs_conformance (id, vector, title) VALUES (3, $v, 'doc-3')",
            @params = new { v = new[] { 1.0, 0 } },
        });

        Assert.Equal(422, status);
        Assert.Equal("VELESQL_MUTATION_ERROR", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("VELES-004", body["error"]!["details"]!["velesdb_code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExecutionFailure_Is422ExecutionError()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new
        {
            query = "SELECT * FROM docs_conformance WHERE vector NEAR $v LIMIT 1",
            @params = new { v = "not a vector" },
        });

        Assert.Equal(422, status);
        Assert.Equal("VELESQL_EXECUTION_ERROR", body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task MissingQuery_Is422()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query", new { @params = new { } });

        Assert.Equal(422, status);
        Assert.Equal("query", body!["error"]!["details"]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Explain_DescribesThePlan()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query/explain", new
        {
            query = "SELECT * FROM docs_conformance WHERE vector NEAR $v LIMIT 1",
            @params = new { v = new[] { 1.0, 0, 0, 0 } },
        });

        Assert.Equal(200, status);
        Assert.Equal("SELECT", body!["query_type"]!.GetValue<string>());
        Assert.Equal("docs_conformance", body["collection"]!.GetValue<string>());
        Assert.True(body["features"]!["has_vector_search"]!.GetValue<bool>());
        Assert.Null(body["actual_stats"]);
    }

    [Fact]
    public async Task ExplainAnalyze_RunsTheQuery()
    {
        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/query/explain", new
        {
            query = "SELECT * FROM docs_conformance WHERE category = 'tech'",
            analyze = true,
        });

        Assert.Equal(200, status);
        Assert.Equal(1, body!["actual_stats"]!["actual_rows"]!.GetValue<int>());
    }

    [Fact]
    public async Task Explain_MissingCollection_Is404AndParseErrorIs400()
    {
        var (missing, body, _) = await Http.PostJsonAsync(Client, "/v1/query/explain", new { query = "SELECT * FROM nope" });
        var (parse, _, _) = await Http.PostJsonAsync(Client, "/v1/query/explain", new { query = "SELEC 1" });

        Assert.Equal(404, missing);
        Assert.Equal("VELESQL_COLLECTION_NOT_FOUND", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(400, parse);
    }
}
