using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace VelesDb.Server.Tests;

public sealed class CollectionTests : ServerTest
{
    private async Task<(int Status, JsonNode? Body)> Delete(string path)
    {
        using var response = await Client.DeleteAsync(new Uri(path, UriKind.Relative));
        return ((int)response.StatusCode, await Http.ReadAsync(response));
    }

    [Fact]
    public async Task Create_Get_List_Delete_RoundTrip()
    {
        var (created, body, _) = await Http.PostJsonAsync(Client, "/v1/collections", new { name = "docs", dimension = 3, metric = "dot", storage_mode = "int8", description = "ignored" });
        Assert.Equal(201, created);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"message":"Collection created","name":"docs","type":"vector","warnings":[]}"""), body));

        var (meta, _, _) = await Http.PostJsonAsync(Client, "/collections", new { name = "facts", collection_type = "metadata" });
        Assert.Equal(201, meta);

        var (got, info, _) = await Http.GetAsync(Client, "/v1/collections/docs");
        Assert.Equal(200, got);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"name":"docs","dimension":3,"metric":"dotproduct","point_count":0,"storage_mode":"sq8"}"""), info));

        var (listed, list, _) = await Http.GetAsync(Client, "/v1/collections");
        Assert.Equal(200, listed);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"collections":["docs","facts"]}"""), list));

        var (deleted, message) = await Delete("/v1/collections/docs");
        Assert.Equal(200, deleted);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"message":"Collection deleted","name":"docs"}"""), message));
        var (gone, error, _) = await Http.GetAsync(Client, "/v1/collections/docs");
        Assert.Equal(404, gone);
        Assert.Equal("VELES-002", error!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_Errors_MapToTheirStatuses()
    {
        Assert.Equal(201, (await Http.PostJsonAsync(Client, "/v1/collections", new { name = "dup", dimension = 2 })).Status);

        var (exists, body, _) = await Http.PostJsonAsync(Client, "/v1/collections", new { name = "dup", dimension = 2 });
        Assert.Equal(409, exists);
        Assert.Equal("VELES-001", body!["code"]!.GetValue<string>());

        var (badName, nameBody, _) = await Http.PostJsonAsync(Client, "/v1/collections", new { name = "../x", dimension = 2 });
        Assert.Equal(400, badName);
        Assert.Equal("VELES-034", nameBody!["code"]!.GetValue<string>());

        var (noDim, noDimBody, _) = await Http.PostJsonAsync(Client, "/v1/collections", new { name = "nodim" });
        Assert.Equal(400, noDim);
        Assert.Null(noDimBody!["code"]);
        Assert.Contains("dimension is required", noDimBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (badMetric, _, _) = await Http.PostJsonAsync(Client, "/v1/collections", new { name = "m", dimension = 2, metric = "manhattan" });
        Assert.Equal(400, badMetric);
        var (badType, _, _) = await Http.PostJsonAsync(Client, "/v1/collections", new { name = "t", dimension = 2, collection_type = "table" });
        Assert.Equal(400, badType);
        var (badDim, dimBody, _) = await Http.PostJsonAsync(Client, "/v1/collections", new { name = "d", dimension = 0 });
        Assert.Equal(400, badDim);
        Assert.Equal("VELES-032", dimBody!["code"]!.GetValue<string>());

        var (missing, missingBody) = await Delete("/v1/collections/never");
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Upsert_AcceptsNumberAndStringIds_AndQueryReadsThemBack()
    {
        await Http.PostJsonAsync(Client, "/v1/collections", new { name = "v", dimension = 2 });

        var (status, body, _) = await Http.PostJsonAsync(Client, "/v1/collections/v/points", new
        {
            points = new object[]
            {
                new { id = 5, vector = new[] { 1f, 0 }, payload = new { tag = "a" } },
                new { id = "18446744073709551615", vector = new[] { 0f, 1 } },
            },
        });

        Assert.Equal(200, status);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"message":"Points upserted","count":2}"""), body));
        var (_, info, _) = await Http.GetAsync(Client, "/v1/collections/v");
        Assert.Equal(2, info!["point_count"]!.GetValue<int>());
        var (_, rows, _) = await Http.PostJsonAsync(Client, "/v1/query", new { query = "SELECT * FROM v WHERE tag = 'a'" });
        Assert.Equal(5, Assert.Single(rows!["results"]!.AsArray())!["id"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"points":[{"id":-1,"vector":[1,0]}]}""")]
    [InlineData("""{"points":[{"id":"12a","vector":[1,0]}]}""")]
    [InlineData("""{"points":[{"id":"18446744073709551616","vector":[1,0]}]}""")]
    [InlineData("""{"points":[{"id":1.5,"vector":[1,0]}]}""")]
    public async Task Upsert_BadId_Is400Json(string json)
    {
        await Http.PostJsonAsync(Client, "/v1/collections", new { name = "v", dimension = 2 });
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await Client.PostAsync(new Uri("/v1/collections/v/points", UriKind.Relative), content);
        var body = await Http.ReadAsync(response);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("point id", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upsert_Errors_MapToTheirStatuses()
    {
        await Http.PostJsonAsync(Client, "/v1/collections", new { name = "v", dimension = 2 });

        var (dim, dimBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/v/points", new { points = new[] { new { id = 1, vector = new[] { 1f, 0, 0 } } } });
        Assert.Equal(400, dim);
        Assert.Equal("VELES-004", dimBody!["code"]!.GetValue<string>());

        var (missing, missingBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/nope/points", new { points = new[] { new { id = 1, vector = new[] { 1f, 0 } } } });
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());

        var (sparse, _, _) = await Http.PostJsonAsync(Client, "/v1/collections/v/points", new { points = new[] { new { id = 1, vector = new[] { 1f, 0 }, sparse_vector = new { indices = new[] { 1 }, values = new[] { 0.5 } } } } });
        Assert.Equal(400, sparse);

        var (noPoints, _, _) = await Http.PostJsonAsync(Client, "/v1/collections/v/points", new { });
        Assert.Equal(400, noPoints);
    }
}
