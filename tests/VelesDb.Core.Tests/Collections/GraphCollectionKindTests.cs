using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;

namespace VelesDb.Core.Tests.Collections;

public class GraphCollectionKindTests
{
    private static readonly GraphSchema Schema = GraphSchema.FromJson(JsonElement.Parse("""
        {"node_types":[{"name":"Person","properties":{"name":"STRING","age":"INTEGER"}},{"name":"City","properties":{"name":"STRING","pop":"FLOAT"}}],
         "edge_types":[{"name":"LIVES_IN","from_type":"Person","to_type":"City","properties":{"since":"INTEGER"}}]}
        """));

    private static Point Node(ulong id, string json) => Point.Metadata(id, JsonElement.Parse(json));

    [Fact]
    public void TypedSchema_ValidatesNodesAndEdges_AndSurvivesReopen()
    {
        using var dir = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var g = db.CreateGraphCollection("g", Schema);
            Assert.Equal(CollectionKind.Graph, g.Kind);
            Assert.False(g.HasVectors);
            g.Upsert([Node(1, """{"_labels":["Person"],"name":"Ann","age":31}"""), Node(2, """{"_labels":["City"],"name":"Oslo","pop":0.7}""")]);
            g.AddEdge(new GraphEdge(10, 1, 2, "LIVES_IN", JsonElement.Parse("""{"since":2020}""")));

            Assert.Equal(VelesDbErrorCode.SchemaValidation, Assert.Throws<VelesDbException>(() => g.Upsert(Node(3, """{"_labels":["Robot"]}"""))).Code);
            Assert.Equal(VelesDbErrorCode.SchemaValidation, Assert.Throws<VelesDbException>(() => g.Upsert(Node(3, """{"_labels":["Person"],"age":"old"}"""))).Code);
            Assert.Equal(VelesDbErrorCode.SchemaValidation, Assert.Throws<VelesDbException>(() => g.Upsert(Node(3, """{"_labels":["Person"],"email":"x"}"""))).Code);
            Assert.Equal(VelesDbErrorCode.SchemaValidation, Assert.Throws<VelesDbException>(() => g.Upsert(Node(3, """{"name":"no labels"}"""))).Code);
            Assert.Equal(VelesDbErrorCode.SchemaValidation, Assert.Throws<VelesDbException>(() => g.AddEdge(new GraphEdge(11, 2, 1, "LIVES_IN"))).Code);
            Assert.Equal(VelesDbErrorCode.SchemaValidation, Assert.Throws<VelesDbException>(() => g.AddEdge(new GraphEdge(11, 1, 2, "VISITS"))).Code);
            Assert.Equal(VelesDbErrorCode.SchemaValidation, Assert.Throws<VelesDbException>(() => g.AddEdge(new GraphEdge(11, 1, 2, "LIVES_IN", JsonElement.Parse("""{"since":"long ago"}""")))).Code);
            Assert.Equal(VelesDbErrorCode.VectorNotAllowed, Assert.Throws<VelesDbException>(() => g.Upsert(new Point(4, new float[] { 1 }, JsonElement.Parse("""{"_labels":["City"]}""")))).Code);
            Assert.Equal(2, g.Count);
        }

        using (var db = VelesDatabase.Open(dir.Path))
        {
            var g = db.GetCollection("g");
            Assert.Equal(CollectionKind.Graph, g.Kind);
            Assert.Equal(["City", "Person"], g.Schema!.NodeTypes.Select(t => t.Name).Order());
            Assert.Equal(VelesDbErrorCode.SchemaValidation, Assert.Throws<VelesDbException>(() => g.Upsert(Node(3, """{"_labels":["Robot"]}"""))).Code);
            Assert.Equal([1UL], g.NodesWithLabel("Person"));
            Assert.Equal([10UL], g.GetOutgoingEdges(1).Select(e => e.Id));
        }
    }

    [Fact]
    public void Schemaless_WithEmbeddings_SearchesAndTraverses()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var g = db.CreateGraphCollection("g", embeddingDimension: 2, metric: DistanceMetric.Euclidean);
        Assert.True(g.HasVectors);
        g.Upsert([
            new Point(1, new float[] { 0, 0 }, JsonElement.Parse("""{"_labels":["Doc"],"t":"a"}""")),
            new Point(2, new float[] { 1, 0 }, JsonElement.Parse("""{"_labels":["Doc","Draft"]}""")),
            new Point(3, new float[] { 5, 5 }, JsonElement.Parse("""{"anything":true}""")),
        ]);
        g.AddEdges([new GraphEdge(1, 1, 2, "CITES"), new GraphEdge(2, 2, 3, "CITES")]);
        Assert.Equal([1UL, 2UL], g.Search([0.1f, 0], 2).Select(h => h.Id));
        Assert.Equal([2UL, 3UL], g.TraverseBfs(1).Results.Select(r => r.TargetId));
        Assert.Equal([1UL, 2UL], g.NodesWithLabel("Doc"));
        Assert.Equal(VelesDbErrorCode.SchemaValidation, Assert.Throws<VelesDbException>(() => g.Upsert(new Point(4, new float[] { 1, 1 }, JsonElement.Parse("""{"_labels":"Doc"}""")))).Code);
        Assert.Equal(VelesDbErrorCode.InvalidDimension, Assert.Throws<VelesDbException>(() => db.CreateGraphCollection("bad", embeddingDimension: -1)).Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => db.CreateGraphCollection("bad", GraphSchema.FromJson(JsonElement.Parse("""{"edge_types":[{"name":"E","from_type":"A","to_type":"B"}]}""")))).Code);
    }

    [Fact]
    public void PropertyAndRangeIndexes_FollowWrites_AndAreRebuiltAtOpen()
    {
        using var dir = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var g = db.CreateGraphCollection("g");
            g.Upsert([.. Enumerable.Range(1, 30).Select(i => Node((ulong)i, $$"""{"_labels":["{{(i % 2 == 0 ? "Even" : "Odd")}}"],"n":{{i}},"tag":"t{{i % 3}}"}"""))]);
            Assert.True(g.CreatePropertyIndex("Even", "tag"));
            Assert.False(g.CreatePropertyIndex("Even", "tag"));
            Assert.True(g.CreateRangeIndex("Odd", "n"));
            Assert.Equal([6UL, 12UL, 18UL, 24UL, 30UL], g.FindNodes("Even", "tag", JsonElement.Parse("\"t0\"")));
            Assert.Equal([11UL, 13UL, 15UL], g.FindNodesInRange("Odd", "n", JsonElement.Parse("10"), JsonElement.Parse("15")));
            g.Delete(12);
            g.Upsert(Node(13, """{"_labels":["Odd"],"n":100}"""));
        }

        using (var db = VelesDatabase.Open(dir.Path))
        {
            var g = db.GetCollection("g");
            Assert.Equal(2, g.ListPropertyIndexes().Count);
            Assert.Equal([6UL, 18UL, 24UL, 30UL], g.FindNodes("Even", "tag", JsonElement.Parse("\"t0\"")));
            Assert.Equal([11UL, 15UL], g.FindNodesInRange("Odd", "n", JsonElement.Parse("10"), JsonElement.Parse("15")));
            Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => g.FindNodes("Odd", "tag", JsonElement.Parse("\"t0\""))).Code);
            Assert.True(g.DropPropertyIndex("Even", "tag"));
        }

        using (var db2 = VelesDatabase.Open(dir.Path))
        {
            Assert.Single(db2.GetCollection("g").ListPropertyIndexes());
        }
    }
}
