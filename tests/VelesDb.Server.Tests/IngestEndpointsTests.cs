using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Storage;

namespace VelesDb.Server.Tests;

public sealed class IngestEndpointsTests : ServerTest
{
    protected override async Task SeedAsync()
    {
        Assert.Equal(201, (await Http.PostJsonAsync(Client, "/v1/collections", new { name = "docs", dimension = 2 })).Status);
    }

    private static bool Same(string expected, JsonNode? actual) => JsonNode.DeepEquals(JsonNode.Parse(expected), actual);

    private async Task<(int Status, JsonNode? Body)> PostBytes(string path, byte[] bytes, string contentType)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await Client.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private Task<(int Status, JsonNode? Body)> PostNdjson(string path, string text) =>
        PostBytes(path, Encoding.UTF8.GetBytes(text), "application/x-ndjson");

    [Fact]
    public async Task Raw_UpsertsTheBatch()
    {
        var bytes = Vrb1.Encode([1UL, 2UL], [1f, 0f, 0f, 1f], 2);
        var (status, body) = await PostBytes("/v1/collections/docs/points/raw", bytes, "application/octet-stream");
        Assert.Equal(200, status);
        Assert.True(Same("""{"message":"Points upserted","count":2}""", body), body?.ToJsonString());

        var docs = Db.GetCollection("docs");
        Assert.Equal(2, docs.Count);
        Assert.Equal([0f, 1f], docs.Get(2)!.Vector.ToArray());

        // The legacy path works too and replaces by id.
        var (legacy, _) = await PostBytes("/collections/docs/points/raw", Vrb1.Encode([2UL], [0.5f, 0.5f], 2), "application/octet-stream");
        Assert.Equal(200, legacy);
        Assert.Equal([0.5f, 0.5f], docs.Get(2)!.Vector.ToArray());
    }

    [Fact]
    public async Task Raw_Errors()
    {
        var valid = Vrb1.Encode([1UL], [1f, 0f], 2);

        var (badMagic, magicBody) = await PostBytes("/v1/collections/docs/points/raw", [.. "XRB1"u8, .. valid[4..]], "application/octet-stream");
        Assert.Equal(400, badMagic);
        Assert.Equal("VELES-012", magicBody!["code"]!.GetValue<string>());
        Assert.Contains("magic", magicBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (truncated, truncatedBody) = await PostBytes("/v1/collections/docs/points/raw", valid[..^2], "application/octet-stream");
        Assert.Equal(400, truncated);
        Assert.Equal("VELES-012", truncatedBody!["code"]!.GetValue<string>());
        Assert.Contains("length mismatch", truncatedBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (wrongDim, dimBody) = await PostBytes("/v1/collections/docs/points/raw", Vrb1.Encode([1UL], [1f, 0f, 0f], 3), "application/octet-stream");
        Assert.Equal(400, wrongDim);
        Assert.Equal("VELES-004", dimBody!["code"]!.GetValue<string>());

        var (missing, missingBody) = await PostBytes("/v1/collections/nope/points/raw", valid, "application/octet-stream");
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());

        Assert.Equal(0, Db.GetCollection("docs").Count);
    }

    [Fact]
    public async Task Raw_OverTheBatchLimit_Is400()
    {
        const int count = 100_001;
        var ids = Enumerable.Range(0, count).Select(i => (ulong)i).ToArray();
        var (status, body) = await PostBytes("/v1/collections/docs/points/raw", Vrb1.Encode(ids, new float[count * 2], 2), "application/octet-stream");
        Assert.Equal(400, status);
        Assert.StartsWith("Batch too large: 100001 points", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, Db.GetCollection("docs").Count);
    }

    [Fact]
    public async Task Ndjson_CountsInsertedMalformedAndFailed()
    {
        var text = string.Join('\n',
            """{"id":1,"vector":[1,0],"payload":{"lang":"fr"}}""",
            "",
            "   ",
            """{"id":"2","vector":[0,1]}""",
            "not json",
            """{"id":3,"vector":[1,0]} trailing""",
            """{"id":4,"vector":[1,0,0]}""",
            """{"id":5,"vector":[1,1],"sparse_vector":{"1":0.5}}""",
            """{"id":1,"vector":[0.5,0.5]}""",
            """  {"id":6,"vector":[0.25,0.75]}  """);

        var (status, body) = await PostNdjson("/v1/collections/docs/points/stream", text);
        Assert.Equal(200, status);

        // 1 (later replaced by its second line), 2, 6 inserted; "not json", trailing text and the
        // sparse line malformed; id 4 has the wrong dimension.
        Assert.True(Same("""{"message":"Stream processed","inserted":3,"malformed":3,"failed_upserts":1,"network_errors":0}""", body), body?.ToJsonString());
        var docs = Db.GetCollection("docs");
        Assert.Equal(3, docs.Count);
        Assert.Equal([0.5f, 0.5f], docs.Get(1)!.Vector.ToArray());
        Assert.Null(docs.Get(1)!.Payload);
        Assert.Equal([0.25f, 0.75f], docs.Get(6)!.Vector.ToArray());
    }

    [Fact]
    public async Task Ndjson_ManyLines_AreWrittenInBatches()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 250; i++)
        {
            text.Append("{\"id\":").Append(i).Append(",\"vector\":[1,").Append(i).Append("]}\r\n");
        }

        var (status, body) = await PostNdjson("/collections/docs/points/stream", text.ToString());
        Assert.Equal(200, status);
        Assert.Equal(250, body!["inserted"]!.GetValue<long>());
        Assert.Equal(0, body["malformed"]!.GetValue<long>());
        Assert.Equal(250, Db.GetCollection("docs").Count);
        Assert.Equal([1f, 249f], Db.GetCollection("docs").Get(249)!.Vector.ToArray());
    }

    [Fact]
    public async Task Ndjson_Errors()
    {
        var (missing, missingBody) = await PostNdjson("/v1/collections/nope/points/stream", """{"id":1,"vector":[1,0]}""");
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());

        // A line over the cap stops the stream with 413; the points before it are kept.
        var longLine = "{\"id\":2,\"vector\":[1,0],\"payload\":{\"x\":\"" + new string('a', IngestEndpoints.MaxNdjsonLine) + "\"}}";
        var (tooLong, tooLongBody) = await PostNdjson("/v1/collections/docs/points/stream", "{\"id\":1,\"vector\":[1,0]}\n" + longLine + "\n{\"id\":3,\"vector\":[1,0]}\n");
        Assert.Equal(413, tooLong);
        Assert.Contains("NDJSON line is longer than", tooLongBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([1UL], Db.GetCollection("docs").AllIds());
    }

    private async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    [Fact]
    public async Task Ttl_WritesTheExpiry_AndAnExpiredPointDisappears()
    {
        var docs = Db.GetCollection("docs");
        docs.Upsert([Point.WithJson(1, [1f, 0f], """{"lang":"fr"}"""), Point.WithJson(2, [0.9f, 0.1f], """{"lang":"fr"}""")]);

        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (status, body, response) = await Send(HttpMethod.Patch, "/v1/collections/docs/points/1/ttl", """{"ttl_seconds":3600}""");
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(204, status);
        Assert.Null(body);
        response.Dispose();

        var (getStatus, point, _) = await Http.GetAsync(Client, "/v1/collections/docs/points/1");
        Assert.Equal(200, getStatus);
        Assert.Equal("fr", point!["payload"]!["lang"]!.GetValue<string>());
        Assert.InRange(point["payload"]!["_veles_expires_at"]!.GetValue<long>(), before + 3600, after + 3600);

        // TTL 0 (legacy path, id as the decimal string the body never needs): expired at once.
        var (zero, _, zeroResponse) = await Send(HttpMethod.Patch, "/collections/docs/points/2/ttl", """{"ttl_seconds":0}""");
        Assert.Equal(204, zero);
        zeroResponse.Dispose();

        var (gone, goneBody, _) = await Http.GetAsync(Client, "/v1/collections/docs/points/2");
        Assert.Equal(404, gone);
        Assert.Equal("VELES-003", goneBody!["code"]!.GetValue<string>());

        var (_, search, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/search", new { vector = new[] { 1f, 0f }, top_k = 10 });
        Assert.Equal(["1"], search!["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));

        var (_, scroll, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/points/scroll", new { });
        Assert.Equal(["1"], scroll!["points"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Ttl_Errors()
    {
        Db.GetCollection("docs").Upsert([Point.WithJson(4, [1f, 0f], "[1,2]"), new Point(5, new[] { 1f, 0f })]);

        var (missingPoint, pointBody, _) = await Send(HttpMethod.Patch, "/v1/collections/docs/points/99/ttl", """{"ttl_seconds":10}""");
        Assert.Equal(404, missingPoint);
        Assert.Equal("VELES-003", pointBody!["code"]!.GetValue<string>());

        var (missingCollection, collectionBody, _) = await Send(HttpMethod.Patch, "/v1/collections/nope/points/1/ttl", """{"ttl_seconds":10}""");
        Assert.Equal(404, missingCollection);
        Assert.Equal("VELES-002", collectionBody!["code"]!.GetValue<string>());

        var (array, arrayBody, _) = await Send(HttpMethod.Patch, "/v1/collections/docs/points/4/ttl", """{"ttl_seconds":10}""");
        Assert.Equal(400, array);
        Assert.Equal("VELES-017", arrayBody!["code"]!.GetValue<string>());
        Assert.Contains("object payload", arrayBody["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (noTtl, noTtlBody, _) = await Send(HttpMethod.Patch, "/v1/collections/docs/points/5/ttl", "{}");
        Assert.Equal(400, noTtl);
        Assert.Contains("ttl_seconds", noTtlBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (huge, hugeBody, _) = await Send(HttpMethod.Patch, "/v1/collections/docs/points/5/ttl", """{"ttl_seconds":18446744073709551615}""");
        Assert.Equal(400, huge);
        Assert.Equal("VELES-023", hugeBody!["code"]!.GetValue<string>());

        Assert.Null(Db.GetCollection("docs").Get(5)!.Payload);
    }

    [Fact]
    public async Task Stream_EnableInsertAndFlush()
    {
        var (notEnabled, notEnabledBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/stream/insert", new { id = 1, vector = new[] { 1f, 0f } });
        Assert.Equal(409, notEnabled);
        Assert.StartsWith("Streaming not configured", notEnabledBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (enabled, enabledBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/stream/enable", new { });
        Assert.Equal(200, enabled);
        Assert.True(Same("""{"message":"Streaming enabled","collection":"docs"}""", enabledBody), enabledBody?.ToJsonString());

        using (var content = new StringContent("""{"id":"7","vector":[0.5,0.25],"payload":{"k":1}}""", Encoding.UTF8, "application/json"))
        using (var response = await Client.PostAsync(new Uri("/collections/docs/stream/insert", UriKind.Relative), content))
        {
            Assert.Equal(202, (int)response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }

        // Flush waits for the drain: the accepted point is then written.
        var docs = Db.GetCollection("docs");
        docs.Flush();
        Assert.Equal([0.5f, 0.25f], docs.Get(7)!.Vector.ToArray());
        Assert.Equal(1, docs.Get(7)!.Payload!.Value.GetProperty("k").GetInt32());
    }

    [Fact]
    public async Task Stream_Errors()
    {
        var (missing, missingBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/nope/stream/enable", new { });
        Assert.Equal(404, missing);
        Assert.Equal("VELES-002", missingBody!["code"]!.GetValue<string>());

        var (badBatch, badBatchBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/stream/enable", new { batch_size = 0 });
        Assert.Equal(400, badBatch);
        Assert.Equal("VELES-009", badBatchBody!["code"]!.GetValue<string>());

        // One point fills the buffer; the drain holds it (batch of 1000, 60 s interval).
        var (enabled, _, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/stream/enable", new { buffer_size = 1, batch_size = 1000, flush_interval_ms = 60_000 });
        Assert.Equal(200, enabled);

        var (wrongDim, wrongDimBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/docs/stream/insert", new { id = 1, vector = new[] { 1f, 0f, 0f } });
        Assert.Equal(400, wrongDim);
        Assert.Equal("VELES-004", wrongDimBody!["code"]!.GetValue<string>());

        var (first, _, firstResponse) = await Send(HttpMethod.Post, "/v1/collections/docs/stream/insert", """{"id":1,"vector":[1,0]}""");
        Assert.Equal(202, first);
        firstResponse.Dispose();

        var (full, fullBody, fullResponse) = await Http.PostJsonAsync(Client, "/v1/collections/docs/stream/insert", new { id = 2, vector = new[] { 1f, 0f } });
        Assert.Equal(429, full);
        Assert.Equal("1", fullResponse.Headers.GetValues("Retry-After").Single());
        Assert.StartsWith("Stream buffer full", fullBody!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var (missingInsert, missingInsertBody, _) = await Http.PostJsonAsync(Client, "/v1/collections/nope/stream/insert", new { id = 1, vector = new[] { 1f, 0f } });
        Assert.Equal(404, missingInsert);
        Assert.Equal("VELES-002", missingInsertBody!["code"]!.GetValue<string>());

        Db.GetCollection("docs").Flush();
        Assert.Equal([1UL], Db.GetCollection("docs").AllIds());
    }
}
