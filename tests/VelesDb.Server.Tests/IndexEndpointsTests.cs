using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Graph;

namespace VelesDb.Server.Tests;

public sealed class IndexEndpointsTests : ServerTest
{
    private Collection _docs = null!;

    protected override Task SeedAsync()
    {
        var db = Db;
        _docs = db.CreateCollection("docs", 2);
        _docs.Upsert(
        [
            Point.WithJson(1, [1f, 0f], """{"_labels":["Person"],"email":"a@x","age":30}"""),
            Point.WithJson(2, [0f, 1f], """{"_labels":["Person"],"email":"b@x","age":40}"""),
            Point.WithJson(3, [1f, 1f], """{"_labels":["Person"],"email":"a@x","age":30}"""),
            Point.WithJson(4, [1f, 2f], """{"_labels":["City"],"email":"c@x"}"""),
        ]);
        return Task.CompletedTask;
    }

    private async Task<(int Status, JsonNode? Body)> Delete(string path)
    {
        using var response = await Client.DeleteAsync(new Uri(path, UriKind.Relative));
        return ((int)response.StatusCode, await Http.ReadAsync(response));
    }

    private long Memory(string property, GraphIndexKind kind) =>
        _docs.ListPropertyIndexes().Single(i => i.Label == "Person" && i.Property == property && i.Kind == kind).MemoryBytes;

    [Fact]
    public async Task Create_List_Drop_RoundTrip()
    {
        var (created, hash, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/indexes", new { label = "Person", property = "email" });
        Assert.Equal(201, created);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"label":"Person","property":"email","index_type":"hash","cardinality":2,"memory_bytes":{{Memory("email", GraphIndexKind.Hash)}}}"""), hash), hash!.ToJsonString());

        var (rangeStatus, range, _) = await Http.PostJsonAsync(Client, "/collections/docs/indexes", new { label = "Person", property = "age", index_type = "RANGE" });
        Assert.Equal(201, rangeStatus);
        Assert.Equal("range", (string)range!["index_type"]!);
        Assert.Equal(2, (long)range["cardinality"]!);

        // The index is Core's: equality lookups now use it.
        Assert.Equal([1UL, 3UL], _docs.FindNodes("Person", "email", System.Text.Json.JsonDocument.Parse("\"a@x\"").RootElement));

        var (listed, list, _) = await Http.GetAsync(Client, "/v1/collections/docs/indexes");
        Assert.Equal(200, listed);
        Assert.Equal(2, (int)list!["total"]!);
        Assert.Equal(["email", "age"], list["indexes"]!.AsArray().Select(i => (string)i!["property"]!).Order(StringComparer.Ordinal).Reverse());

        var (deleted, message) = await Delete("/v1/collections/docs/indexes/Person/email");
        Assert.Equal(200, deleted);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"message":"Index deleted","label":"Person","property":"email"}"""), message));
        Assert.Equal(1, (int)(await Http.GetAsync(Client, "/v1/collections/docs/indexes")).Body!["total"]!);
    }

    [Fact]
    public async Task Drop_MissingIndex_Is404WithACode()
    {
        var (status, body) = await Delete("/v1/collections/docs/indexes/Person/phone");
        Assert.Equal(404, status);
        Assert.Equal(Server.IndexEndpoints.IndexNotFoundCode, (string)body!["code"]!);
        Assert.Equal("VELES-INDEX-NOT-FOUND", (string)body["code"]!);
        Assert.StartsWith("Index on Person.phone not found", (string)body["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Errors_MapToTheirStatuses()
    {
        Assert.Equal(201, (await Http.PostJsonAsync(Client, "/v1/collections/docs/indexes", new { label = "Person", property = "email", index_type = "hash" })).Status);
        var (dup, dupBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/indexes", new { label = "Person", property = "email" });
        Assert.Equal(409, dup);
        Assert.Equal("VELES-INDEX-EXISTS", (string)dupBody!["code"]!);

        var (badType, badTypeBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/indexes", new { label = "Person", property = "age", index_type = "btree" });
        Assert.Equal(400, badType);
        Assert.StartsWith("Invalid index_type 'btree'", (string)badTypeBody!["error"]!, StringComparison.Ordinal);

        var (noLabel, noLabelBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/indexes", new { property = "age" });
        Assert.Equal(400, noLabel);
        Assert.Contains("\"label\"", (string)noLabelBody!["error"]!, StringComparison.Ordinal);

        var (missing, missingBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/nope/indexes", new { label = "Person", property = "age" });
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", (string)missingBody!["code"]!);
        var (listMissing, listBody, _) = await Http.GetAsync(Client, "/v1/collections/nope/indexes");
        Assert.Equal(404, listMissing);
        Assert.Equal("VELES-002", (string)listBody!["code"]!);
    }
}
