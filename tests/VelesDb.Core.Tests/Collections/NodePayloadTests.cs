using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.Core.Index.Sparse;

namespace VelesDb.Core.Tests.Collections;

public class NodePayloadTests
{
    [Fact]
    public void SetNodePayload_CreatesThenReplaces_KeepsEdges_SurvivesReopen()
    {
        using var dir = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var g = db.CreateGraphCollection("g");
            g.SetNodePayload(1, JsonElement.Parse("""{"name":"a"}"""));
            g.SetNodePayload(2, null);
            Assert.Equal(2, g.Count);
            Assert.Null(g.Get(2)!.Payload);

            // Both endpoints exist now, so an edge between them is accepted.
            g.AddEdge(new GraphEdge(10, 1, 2, "KNOWS"));
            g.SetNodePayload(1, JsonElement.Parse("""{"name":"b","n":2}"""));
            g.SetNodePayload(2, JsonElement.Parse("null"));
            Assert.Equal(2, g.Count);
            Assert.Equal((0, 1), g.NodeDegree(1));
            Assert.Null(g.Get(2)!.Payload);
        }

        using (var db = VelesDatabase.Open(dir.Path))
        {
            var g = db.GetCollection("g");
            Assert.Equal("b", g.Get(1)!.Payload!.Value.GetProperty("name").GetString());
            Assert.Equal(2, g.Get(1)!.Payload!.Value.GetProperty("n").GetInt32());
            Assert.NotNull(g.GetEdge(10));
        }
    }

    [Fact]
    public void SetNodePayload_KeepsVectorAndSparseVectors()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("v", 2);
        c.Upsert(new Point(7, new float[] { 3, 4 }, JsonElement.Parse("""{"old":true}""")) { Sparse = new Dictionary<string, SparseVector> { [""] = SparseVector.Create([5u], [0.5f]) } });

        c.SetNodePayload(7, JsonElement.Parse("""{"new":true}"""));

        var point = c.Get(7)!;
        Assert.Equal(new float[] { 3, 4 }, point.Vector.ToArray());
        Assert.False(point.Payload!.Value.TryGetProperty("old", out _));
        Assert.True(point.Payload.Value.GetProperty("new").GetBoolean());
        var sparse = point.Sparse![""];
        Assert.Equal(new uint[] { 5 }, sparse.Indices);
        Assert.Equal(new float[] { 0.5f }, sparse.Values);
    }

    [Fact]
    public void SetNodePayload_NewNodeOfACollectionWithVectors_IsVectorRequired()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var g = db.CreateGraphCollection("ge", embeddingDimension: 2);
        var e = Assert.Throws<VelesDbException>(() => g.SetNodePayload(1, JsonElement.Parse("{}")));
        Assert.Equal(VelesDbErrorCode.VectorRequired, e.Code);
        Assert.Equal(0, g.Count);
    }

    [Fact]
    public void Search_GraphWithoutEmbeddings_SaysSo()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var g = db.CreateGraphCollection("g");
        var e = Assert.Throws<VelesDbException>(() => g.Search(new float[] { 1 }, 1));
        Assert.Equal(VelesDbErrorCode.SearchNotSupported, e.Code);
        Assert.StartsWith("Graph collection 'g' has no embeddings to search", e.Message, StringComparison.Ordinal);
    }
}
