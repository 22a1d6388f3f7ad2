using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using static VelesDb.Core.Tests.Graph.GraphTestData;

namespace VelesDb.Core.Tests.Graph;

public class EdgeStoreTests
{
    private static ulong[] Ids(IEnumerable<GraphEdge> edges) => edges.Select(e => e.Id).ToArray();

    [Fact]
    public void Add_ThenLookups_ReturnTheEdge()
    {
        var store = new EdgeStore();
        var edge = new GraphEdge(10, 1, 2, "KNOWS", Json("{'w':1}"));
        store.Add(edge);
        Assert.Equal(1, store.Count);
        Assert.True(store.Contains(10));
        Assert.False(store.Contains(11));
        Assert.Same(edge, store.Get(10));
        Assert.Null(store.Get(11));
        Assert.Equal([10UL], Ids(store.GetOutgoing(1)));
        Assert.Equal([10UL], Ids(store.GetIncoming(2)));
        Assert.Empty(store.GetOutgoing(2));
        Assert.Empty(store.GetIncoming(1));
        Assert.Equal((0, 1), store.Degree(1));
        Assert.Equal((1, 0), store.Degree(2));
        Assert.Equal((0, 0), store.Degree(3));
        Assert.Equal([1UL, 2UL], store.NodeIds());
    }

    [Fact]
    public void Add_DuplicateId_ThrowsEdgeExistsAndKeepsTheFirst()
    {
        var store = new EdgeStore();
        store.Add(new GraphEdge(1, 1, 2, "R"));
        var ex = Assert.Throws<VelesDbException>(() => store.Add(new GraphEdge(1, 3, 4, "S")));
        Assert.Equal(VelesDbErrorCode.EdgeExists, ex.Code);
        Assert.Equal(1, store.Count);
        Assert.Equal(2UL, store.Get(1)!.Target);
        Assert.Empty(store.GetOutgoing(3));
    }

    [Fact]
    public void AddBatch_DuplicateInsideBatch_AddsNothing()
    {
        var store = new EdgeStore();
        store.Add(new GraphEdge(1, 1, 2, "R"));
        var ex = Assert.Throws<VelesDbException>(() => store.AddBatch([new(2, 1, 3, "R"), new(3, 1, 4, "R"), new(2, 5, 6, "R")]));
        Assert.Equal(VelesDbErrorCode.EdgeExists, ex.Code);
        Assert.Equal(1, store.Count);
        Assert.False(store.Contains(2));
        Assert.False(store.Contains(3));
        Assert.Equal([1UL], Ids(store.GetOutgoing(1)));
    }

    [Fact]
    public void AddBatch_DuplicateOfExisting_AddsNothing()
    {
        var store = new EdgeStore();
        store.Add(new GraphEdge(1, 1, 2, "R"));
        var ex = Assert.Throws<VelesDbException>(() => store.AddBatch([new(5, 1, 3, "NEW"), new(1, 1, 4, "R")]));
        Assert.Equal(VelesDbErrorCode.EdgeExists, ex.Code);
        Assert.Equal(1, store.Count);
        Assert.False(store.Contains(5));
        Assert.False(store.TryGetLabelId("NEW", out _));
        Assert.Equal([1UL, 2UL], store.NodeIds());
    }

    [Fact]
    public void AddBatch_NullElement_ThrowsConfigAndAddsNothing()
    {
        var store = new EdgeStore();
        var ex = Assert.Throws<VelesDbException>(() => store.AddBatch([new(1, 1, 2, "R"), null!]));
        Assert.Equal(VelesDbErrorCode.Config, ex.Code);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void AddBatch_Valid_AddsAllInOrder()
    {
        var store = new EdgeStore();
        store.AddBatch([new(3, 1, 2, "R"), new(1, 1, 3, "R"), new(2, 1, 2, "S")]);
        Assert.Equal(3, store.Count);
        Assert.Equal([3UL, 1UL, 2UL], Ids(store.GetOutgoing(1)));
        Assert.Equal([1UL, 2UL, 3UL], Ids(store.GetEdges()));
    }

    [Fact]
    public void Remove_ReturnsWhetherItExisted_AndUnlinksBothEnds()
    {
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "R"), new(2, 1, 3, "R"), new(3, 2, 3, "R")]);
        Assert.True(store.Remove(2));
        Assert.False(store.Remove(2));
        Assert.False(store.Remove(99));
        Assert.Equal(2, store.Count);
        Assert.Equal([1UL], Ids(store.GetOutgoing(1)));
        Assert.Equal([3UL], Ids(store.GetIncoming(3)));
        Assert.Equal((0, 1), store.Degree(1));
        Assert.Equal((1, 0), store.Degree(3));
        Assert.Null(store.Get(2));
    }

    [Fact]
    public void Remove_LastEdgeOfANode_DropsItFromNodeIds()
    {
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "R"), new(2, 2, 3, "R")]);
        Assert.True(store.Remove(1));
        Assert.Equal([2UL, 3UL], store.NodeIds());
        Assert.Equal(2, store.NodeCount);
        Assert.Empty(store.GetOutgoing(1));
    }

    [Fact]
    public void Add_AfterRemove_ReusesSlotsButKeepsInsertionOrder()
    {
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "R"), new(2, 1, 3, "R"), new(3, 1, 4, "R")]);
        store.Remove(1);
        store.Add(new GraphEdge(4, 1, 5, "R"));
        store.Add(new GraphEdge(5, 1, 6, "R"));
        Assert.Equal([2UL, 3UL, 4UL, 5UL], Ids(store.GetOutgoing(1)));
        Assert.Equal(4, store.Count);
    }

    [Fact]
    public void SelfLoop_CountsOnceEachWay()
    {
        var store = new EdgeStore();
        store.Add(new GraphEdge(1, 7, 7, "SELF"));
        Assert.Equal((1, 1), store.Degree(7));
        Assert.Equal([1UL], Ids(store.GetOutgoing(7)));
        Assert.Equal([1UL], Ids(store.GetIncoming(7)));
        Assert.True(store.Remove(1));
        Assert.Equal((0, 0), store.Degree(7));
        Assert.Empty(store.NodeIds());
    }

    [Fact]
    public void ParallelEdges_AreDistinct()
    {
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "R"), new(2, 1, 2, "R"), new(3, 1, 2, "S")]);
        Assert.Equal((0, 3), store.Degree(1));
        Assert.Equal([1UL, 2UL, 3UL], Ids(store.GetIncoming(2)));
        Assert.Equal([1UL, 2UL], Ids(store.GetOutgoing(1, "R")));
        Assert.Equal([3UL], Ids(store.GetIncoming(2, " S ")));
    }

    [Fact]
    public void RemoveNodeEdges_CascadesAndReturnsEveryTouchingEdgeOnce()
    {
        var store = new EdgeStore();
        store.AddBatch(
        [
            new(1, 1, 2, "R"), new(2, 3, 1, "R"), new(3, 1, 1, "SELF"), new(4, 2, 3, "R"),
            new(5, 1, 2, "R"), new(6, 2, 1, "R"), new(7, 4, 5, "R"),
        ]);
        var removed = store.RemoveNodeEdges(1);
        Assert.Equal([1UL, 3UL, 5UL, 2UL, 6UL], Ids(removed));
        Assert.Equal(2, store.Count);
        Assert.Equal([4UL, 7UL], Ids(store.GetEdges()));
        Assert.Equal((0, 0), store.Degree(1));
        Assert.Equal((0, 1), store.Degree(2));
        Assert.Equal((1, 0), store.Degree(3));
        Assert.Equal([4UL], Ids(store.GetOutgoing(2)));
        Assert.Empty(store.GetIncoming(2));
        Assert.Empty(store.GetOutgoing(3));
        Assert.Equal([2UL, 3UL, 4UL, 5UL], store.NodeIds());
        foreach (var id in new ulong[] { 1, 2, 3, 5, 6 })
        {
            Assert.False(store.Contains(id));
        }

        Assert.Empty(store.RemoveNodeEdges(1));
        Assert.Empty(store.RemoveNodeEdges(999));
    }

    [Fact]
    public void RemoveNodeEdges_IsolatedNeighbours_LeaveNodeIds()
    {
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "R"), new(2, 3, 1, "R")]);
        Assert.Equal(2, store.RemoveNodeEdges(1).Count);
        Assert.Empty(store.NodeIds());
        Assert.Equal(0, store.Count);
        store.Add(new GraphEdge(3, 2, 3, "R"));
        Assert.Equal([3UL], Ids(store.GetOutgoing(2)));
        Assert.Equal([3UL], Ids(store.GetIncoming(3)));
    }

    [Fact]
    public void Labels_AreInternedAndTrimmed()
    {
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "KNOWS"), new(2, 2, 3, " KNOWS "), new(3, 1, 3, "knows")]);
        Assert.Equal(2, store.LabelCount);
        Assert.True(store.TryGetLabelId("KNOWS", out var knows));
        Assert.True(store.TryGetLabelId("  KNOWS", out var again));
        Assert.True(store.TryGetLabelId("knows", out var lower));
        Assert.Equal(knows, again);
        Assert.NotEqual(knows, lower);
        Assert.Equal("KNOWS", store.LabelOf(knows));
        Assert.Equal(2, store.EdgeCountForLabel(knows));
        Assert.Same(store.Get(1)!.Label, store.LabelOf(knows));
        Assert.False(store.TryGetLabelId("LIKES", out _));

        store.Remove(1);
        store.Remove(2);
        Assert.Equal(0, store.EdgeCountForLabel(knows));
        Assert.Empty(store.GetEdges("KNOWS"));
        Assert.Equal(2, store.LabelCount);
    }

    [Fact]
    public void GetEdges_ByLabel_AscendingIdsAndUnknownIsEmpty()
    {
        var store = new EdgeStore();
        store.AddBatch([new(9, 1, 2, "A"), new(3, 2, 3, "B"), new(5, 1, 3, "A"), new(1, 3, 1, "A")]);
        Assert.Equal([1UL, 5UL, 9UL], Ids(store.GetEdges("A")));
        Assert.Equal([3UL], Ids(store.GetEdges("B")));
        Assert.Empty(store.GetEdges("C"));
        Assert.Empty(store.GetOutgoing(1, "C"));
        Assert.Equal([1UL, 3UL, 5UL, 9UL], Ids(store.GetEdges()));
    }

    [Fact]
    public void RandomOperations_MatchAPlainModel()
    {
        foreach (var seed in new[] { 4, 8, 15 })
        {
            var rng = new Random(seed);
            var store = new EdgeStore();
            var model = new List<GraphEdge>();
            ulong nextId = 1;
            for (var step = 0; step < 3000; step++)
            {
                var op = rng.Next(10);
                if (op < 6 || model.Count == 0)
                {
                    var e = new GraphEdge(nextId++, (ulong)rng.Next(50), (ulong)rng.Next(50), Labels[rng.Next(3)]);
                    store.Add(e);
                    model.Add(e);
                }
                else if (op < 9)
                {
                    var victim = model[rng.Next(model.Count)];
                    Assert.True(store.Remove(victim.Id));
                    model.Remove(victim);
                }
                else
                {
                    var node = (ulong)rng.Next(50);
                    var expected = model.Where(e => e.Source == node).Concat(model.Where(e => e.Target == node && e.Source != node)).Select(e => e.Id).ToArray();
                    Assert.Equal(expected, Ids(store.RemoveNodeEdges(node)));
                    model.RemoveAll(e => e.Source == node || e.Target == node);
                }
            }

            Assert.Equal(model.Count, store.Count);
            for (ulong node = 0; node < 50; node++)
            {
                Assert.Equal(model.Where(e => e.Source == node).Select(e => e.Id), Ids(store.GetOutgoing(node)));
                Assert.Equal(model.Where(e => e.Target == node).Select(e => e.Id), Ids(store.GetIncoming(node)));
                Assert.Equal(model.Where(e => e.Source == node && e.Label == "b").Select(e => e.Id), Ids(store.GetOutgoing(node, "b")));
            }

            Assert.Equal(model.SelectMany(e => new[] { e.Source, e.Target }).Distinct().Order(), store.NodeIds());
            Assert.Equal(model.Where(e => e.Label == "c").Select(e => e.Id).Order(), Ids(store.GetEdges("c")));
        }
    }
}
