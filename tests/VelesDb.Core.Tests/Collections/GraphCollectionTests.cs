using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;

namespace VelesDb.Core.Tests.Collections;

public class GraphCollectionTests
{
    private static Collection Nodes(VelesDatabase db, int n, string name = "c")
    {
        var c = db.CreateCollection(name, 2, DistanceMetric.Euclidean);
        c.Upsert([.. Enumerable.Range(1, n).Select(i => Point.WithJson((ulong)i, new float[] { i, 0 }, $$"""{"name":"n{{i}}"}"""))]);
        return c;
    }

    private static GraphEdge E(ulong id, ulong s, ulong t, string label = "KNOWS") =>
        new(id, s, t, label, JsonElement.Parse($$"""{"w":{{id}}}"""));

    [Fact]
    public void GetNodeEdges_ByDirection_ListsASelfLoopOnce()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = Nodes(db, 4);
        c.AddEdges([E(10, 1, 2), E(11, 3, 1), E(12, 1, 1, "SELF"), E(13, 1, 4, "LIKES")]);

        Assert.Equal([10UL, 12UL, 13UL], c.GetNodeEdges(1, TraversalDirection.Outgoing).Select(e => e.Id));
        Assert.Equal([11UL, 12UL], c.GetNodeEdges(1, TraversalDirection.Incoming).Select(e => e.Id));
        Assert.Equal([10UL, 12UL, 13UL, 11UL], c.GetNodeEdges(1, TraversalDirection.Both).Select(e => e.Id));
        Assert.Equal([13UL], c.GetNodeEdges(1, TraversalDirection.Both, "LIKES").Select(e => e.Id));
        Assert.Empty(c.GetNodeEdges(99, TraversalDirection.Both));
    }

    [Fact]
    public void Edges_AddQueryTraverse()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = Nodes(db, 6);
        c.AddEdges([E(10, 1, 2), E(11, 2, 3), E(12, 3, 4, "LIKES"), E(13, 1, 5), E(14, 5, 3)]);
        Assert.Equal(5, c.EdgeCount);
        Assert.Equal([10UL, 13UL], c.GetOutgoingEdges(1).Select(e => e.Id));
        Assert.Equal([11UL, 14UL], c.GetIncomingEdges(3).Select(e => e.Id));
        Assert.Equal([12UL], c.GetEdges("LIKES").Select(e => e.Id));
        Assert.Equal((2, 1), c.NodeDegree(3));
        Assert.Equal(12, c.GetEdge(12)!.Properties!.Value.GetProperty("w").GetInt32());

        var bfs = c.TraverseBfs(1);
        Assert.Equal([(2UL, 1), (5UL, 1), (3UL, 2), (4UL, 3)], bfs.Results.Select(r => (r.TargetId, r.Depth)));
        Assert.Equal([10UL, 11UL, 12UL], bfs.Results.Single(r => r.TargetId == 4).Path);
        Assert.Equal([2UL, 5UL, 3UL], c.TraverseBfs(1, new TraversalConfig { RelTypes = ["KNOWS"] }).Results.Select(r => r.TargetId));
        Assert.Equal([3UL, 4UL], c.TraverseBfs(1, new TraversalConfig { MinDepth = 2 }).Results.Select(r => r.TargetId));
        Assert.Equal(4, c.TraverseDfs(1).Results.Count);
        Assert.Empty(c.TraverseBfs(6).Results);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => c.TraverseBfs(1, new TraversalConfig { MaxDepth = 101 })).Code);
    }

    [Fact]
    public void Edges_Validation_AllOrNothing()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = Nodes(db, 3);
        c.AddEdge(E(1, 1, 2));
        Assert.Equal(VelesDbErrorCode.EdgeExists, Assert.Throws<VelesDbException>(() => c.AddEdges([E(2, 2, 3), E(1, 3, 1)])).Code);
        Assert.Equal(VelesDbErrorCode.EdgeExists, Assert.Throws<VelesDbException>(() => c.AddEdges([E(5, 2, 3), E(5, 3, 1)])).Code);
        Assert.Equal(VelesDbErrorCode.NodeNotFound, Assert.Throws<VelesDbException>(() => c.AddEdges([E(6, 2, 3), E(7, 3, 99)])).Code);
        Assert.Equal(VelesDbErrorCode.InvalidEdgeLabel, Assert.Throws<VelesDbException>(() => new GraphEdge(8, 1, 2, "  ")).Code);
        Assert.Equal(1, c.EdgeCount);
        Assert.False(c.RemoveEdge(42));
        Assert.True(c.RemoveEdge(1));
        Assert.Equal(0, c.EdgeCount);
    }

    [Fact]
    public void DeletingANode_CascadesToItsEdges_ReplacingItKeepsThem()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = Nodes(db, 4);
        c.AddEdges([E(1, 1, 2), E(2, 2, 3), E(3, 3, 2), E(4, 4, 1)]);
        c.Upsert(Point.WithJson(2, new float[] { 9, 9 }, """{"name":"new"}"""));
        Assert.Equal(4, c.EdgeCount);
        c.Delete(2);
        Assert.Equal([4UL], c.GetEdges().Select(e => e.Id));
        Assert.Equal((0, 0), c.NodeDegree(2));
    }

    [Fact]
    public void Edges_SurviveCheckpointsCrashesAndReopen()
    {
        using var dir = new TempDirectory();
        using var crash = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = Nodes(db, 5);
            c.AddEdges([E(1, 1, 2), E(2, 2, 3)]);
            c.FlushFull();
            Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "c"), "edges-*.snap"));
            c.AddEdges([E(3, 3, 4), E(4, 4, 5)]);
            c.RemoveEdge(1);
            c.Delete(5);
            TestData.CrashCopy(dir.Path, crash.Path);
        }

        using (var db = VelesDatabase.Open(crash.Path))
        {
            var c = db.GetCollection("c");
            Assert.Equal([2UL, 3UL], c.GetEdges().Select(e => e.Id));
            Assert.Equal([3UL, 4UL], c.TraverseBfs(2).Results.Select(r => r.TargetId));
        }

        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.GetCollection("c");
            Assert.Equal([2UL, 3UL], c.GetEdges().Select(e => e.Id));
            c.RemoveEdges([2UL, 3UL]);
        }

        using (var db = VelesDatabase.Open(dir.Path))
        {
            Assert.Equal(0, db.GetCollection("c").EdgeCount);
            Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "c"), "edges-*.snap"));
        }
    }

    [Fact]
    public void MissingEdgeSnapshot_NamedByTheCheckpoint_FailsTheOpen()
    {
        using var dir = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            Nodes(db, 2).AddEdge(E(1, 1, 2));
        }

        File.Delete(Directory.GetFiles(Path.Combine(dir.Path, "c"), "edges-*.snap").Single());
        var ex = Assert.Throws<VelesDbException>(() => VelesDatabase.Open(dir.Path));
        Assert.Equal(VelesDbErrorCode.IndexCorrupted, ex.Code);
    }
}
