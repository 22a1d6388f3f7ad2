using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Tests.Query;

public sealed class StatementExecutorGraphTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly VelesDatabase _db;

    public StatementExecutorGraphTests() => _db = VelesDatabase.Open(_dir.Path);

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private VelesDbException Fails(string query, IReadOnlyDictionary<string, object?>? parameters = null) =>
        Assert.Throws<VelesDbException>(() => _db.Execute(query, parameters));

    private static void AssertExec(VelesDbException e)
    {
        Assert.Equal(VelesDbErrorCode.Query, e.Code);
        Assert.Equal("EXEC", e.QueryCode);
        Assert.False(string.IsNullOrWhiteSpace(e.Hint));
    }

    /// <summary>A schemaless graph with nodes 1..5.</summary>
    private Collection Graph()
    {
        var c = _db.CreateGraphCollection("kg");
        c.Upsert([.. Enumerable.Range(1, 5).Select(i => Point.Metadata((ulong)i, JsonDocument.Parse($$"""{"_labels":["Paper"],"n":{{i}}}""").RootElement))]);
        return c;
    }

    // ---------------------------------------------------------------- INSERT EDGE

    [Fact]
    public void InsertEdge_ExplicitIdAndProperties_AddsTheEdge()
    {
        var c = Graph();

        var r = _db.Execute("INSERT EDGE INTO kg (id = 55, source = 3, target = 4, label = 'CITES') WITH PROPERTIES (w = 0.4, note = $n)", new Dictionary<string, object?> { ["n"] = "strong" });

        Assert.Equal("INSERT EDGE", r.StatementType);
        Assert.Equal(1, r.AffectedRows);
        Assert.Equal(55UL, (ulong)r.Rows[0]["edge_id"]!);
        var edge = c.GetEdge(55)!;
        Assert.Equal(3UL, edge.Source);
        Assert.Equal(4UL, edge.Target);
        Assert.Equal("CITES", edge.Label);
        Assert.Equal(0.4, edge.Properties!.Value.GetProperty("w").GetDouble());
        Assert.Equal("strong", edge.Properties.Value.GetProperty("note").GetString());
    }

    [Fact]
    public void InsertEdge_WithoutId_TakesTheNextFreeId()
    {
        var c = Graph();

        var first = (ulong)_db.Execute("INSERT EDGE INTO kg (source = 1, target = 2, label = 'CITES')").Rows[0]["edge_id"]!;
        _db.Execute("INSERT EDGE INTO kg (id = 10, source = 2, target = 3, label = 'CITES')");
        var next = (ulong)_db.Execute("INSERT EDGE INTO kg (source = 3, target = 1, label = 'CITES')").Rows[0]["edge_id"]!;
        _db.Execute("DELETE EDGE 11 FROM kg");
        var afterDelete = (ulong)_db.Execute("INSERT EDGE INTO kg (source = 4, target = 1, label = 'CITES')").Rows[0]["edge_id"]!;

        Assert.Equal(1UL, first);
        Assert.Equal(11UL, next);
        Assert.Equal(12UL, afterDelete);
        Assert.Null(c.GetEdge(11));
        Assert.Equal(4UL, c.GetEdge(12)!.Source);
        Assert.Null(c.GetEdge(12)!.Properties);
    }

    [Fact]
    public void InsertEdge_Errors()
    {
        var c = Graph();
        _db.Execute("INSERT EDGE INTO kg (id = 1, source = 1, target = 2, label = 'A')");

        Assert.Equal(VelesDbErrorCode.NodeNotFound, Fails("INSERT EDGE INTO kg (source = 1, target = 99, label = 'A')").Code);
        Assert.Equal(VelesDbErrorCode.EdgeExists, Fails("INSERT EDGE INTO kg (id = 1, source = 2, target = 3, label = 'A')").Code);
        AssertExec(Fails("INSERT EDGE INTO kg (source = 1, target = 2)"));
        var unknown = Fails("INSERT EDGE INTO kg (source = 1, target = 2, label = 'A', weight = 3)");
        AssertExec(unknown);
        Assert.Contains("label", unknown.Hint, StringComparison.Ordinal);
        AssertExec(Fails("INSERT EDGE INTO kg (source = -1, target = 2, label = 'A')"));
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("INSERT EDGE INTO nope (source = 1, target = 2, label = 'A')").Code);
        Assert.Equal(1, c.EdgeCount);
    }

    // ---------------------------------------------------------------- DELETE EDGE

    [Fact]
    public void DeleteEdge_ReportsWhetherItExisted()
    {
        var c = Graph();
        _db.Execute("INSERT EDGE INTO kg (id = 7, source = 1, target = 2, label = 'A')");

        var first = _db.Execute("DELETE EDGE 7 FROM kg");
        var second = _db.Execute("DELETE EDGE 7 FROM kg");

        Assert.Equal(1, (int)first.Rows[0]["deleted"]!);
        Assert.Equal(1, first.AffectedRows);
        Assert.Equal(0, (int)second.Rows[0]["deleted"]!);
        Assert.Equal(0, c.EdgeCount);
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("DELETE EDGE 7 FROM nope").Code);
    }

    // ---------------------------------------------------------------- SELECT EDGES

    private void Edges()
    {
        Graph();
        _db.Execute("INSERT EDGE INTO kg (id = 30, source = 1, target = 2, label = 'CITES') WITH PROPERTIES (w = 1)");
        _db.Execute("INSERT EDGE INTO kg (id = 10, source = 1, target = 3, label = 'CITES')");
        _db.Execute("INSERT EDGE INTO kg (id = 20, source = 1, target = 3, label = 'LIKES')");
        _db.Execute("INSERT EDGE INTO kg (id = 40, source = 2, target = 3, label = 'CITES')");
    }

    [Fact]
    public void SelectEdges_Filters_ReturnRowsByEdgeId()
    {
        Edges();

        var bySource = _db.Execute("SELECT EDGES FROM kg WHERE source = 1");
        var byTarget = _db.Execute("SELECT EDGES FROM kg WHERE target = 3 AND label = 'CITES'");
        var byLabel = _db.Execute("SELECT EDGES FROM kg WHERE label = $l LIMIT 2", new Dictionary<string, object?> { ["l"] = "CITES" });
        var both = _db.Execute("SELECT EDGES FROM kg WHERE source = 1 AND target = 3");

        Assert.Equal("SELECT EDGES", bySource.StatementType);
        Assert.Equal([10UL, 20UL, 30UL], bySource.Rows.Select(r => (ulong)r["edge_id"]!));
        Assert.Equal([10UL, 40UL], byTarget.Rows.Select(r => (ulong)r["edge_id"]!));
        Assert.Equal([10UL, 30UL], byLabel.Rows.Select(r => (ulong)r["edge_id"]!));
        Assert.Equal([10UL, 20UL], both.Rows.Select(r => (ulong)r["edge_id"]!));
        var row = bySource.Rows[2];
        Assert.Equal(1UL, (ulong)row["source"]!);
        Assert.Equal(2UL, (ulong)row["target"]!);
        Assert.Equal("CITES", (string)row["label"]!);
        Assert.Equal(1, (int)row["properties"]!["w"]!);
        Assert.Empty(bySource.Rows[0]["properties"]!.AsObject());
    }

    [Fact]
    public void SelectEdges_WithoutLimit_ReturnsTen()
    {
        var c = Graph();
        c.AddEdges([.. Enumerable.Range(0, 12).Select(i => new Core.Graph.GraphEdge((ulong)(100 - i), 1, 2, "A"))]);

        var r = _db.Execute("SELECT EDGES FROM kg");

        Assert.Equal(10, r.Rows.Count);
        Assert.Equal(89UL, (ulong)r.Rows[0]["edge_id"]!);
        Assert.Equal(98UL, (ulong)r.Rows[9]["edge_id"]!);
        Assert.Equal(12, _db.Execute("SELECT EDGES FROM kg LIMIT 50").Rows.Count);
    }

    [Fact]
    public void SelectEdges_Errors()
    {
        Edges();

        AssertExec(Fails("SELECT EDGES FROM kg WHERE source = 'x'"));
        AssertExec(Fails("SELECT EDGES FROM kg WHERE source = 1 AND source = 2"));
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("SELECT EDGES FROM nope").Code);
    }

    // ---------------------------------------------------------------- INSERT NODE

    [Fact]
    public void InsertNode_PayloadAndFields_AreMerged()
    {
        var c = _db.CreateGraphCollection("kg");

        var r = _db.Execute("""INSERT NODE INTO kg (id = 3, payload = '{"_labels":["Paper"],"title":"X","year":1999}', year = 2001, lang = 'fr')""");

        Assert.Equal("INSERT NODE", r.StatementType);
        Assert.Equal(3UL, (ulong)r.Rows[0]["node_id"]!);
        var payload = c.Get(3)!.Payload!.Value;
        Assert.Equal("X", payload.GetProperty("title").GetString());
        Assert.Equal(2001, payload.GetProperty("year").GetInt64());
        Assert.Equal("fr", payload.GetProperty("lang").GetString());
        Assert.Equal([3UL], c.NodesWithLabel("Paper"));
    }

    [Fact]
    public void InsertNode_ExistingNode_KeepsItsVectorAndEdges()
    {
        var c = _db.CreateGraphCollection("kg", embeddingDimension: 2);
        _db.Execute("INSERT NODE INTO kg (id = 1, vector = [1, 0], name = 'a')");
        _db.Execute("INSERT NODE INTO kg (id = 2, vector = $v, name = 'b')", new Dictionary<string, object?> { ["v"] = new[] { 0f, 1f } });
        _db.Execute("INSERT EDGE INTO kg (source = 1, target = 2, label = 'KNOWS')");

        _db.Execute("""INSERT NODE INTO kg (id = 1, payload = '{"name":"A2"}')""");

        var node = c.Get(1)!;
        Assert.Equal(new[] { 1f, 0f }, node.Vector.ToArray());
        Assert.Equal("A2", node.Payload!.Value.GetProperty("name").GetString());
        Assert.Equal(1, c.EdgeCount);
        Assert.Equal(VelesDbErrorCode.VectorRequired, Fails("INSERT NODE INTO kg (id = 9, name = 'no vector')").Code);
    }

    [Fact]
    public void InsertNode_JsonParameterPayload()
    {
        var c = _db.CreateGraphCollection("kg");

        _db.Execute("INSERT NODE INTO kg (id = 4, payload = $p)", new Dictionary<string, object?> { ["p"] = JsonDocument.Parse("""{"name":"Ada","tags":["x"]}""").RootElement });

        Assert.Equal("Ada", c.Get(4)!.Payload!.Value.GetProperty("name").GetString());
    }

    [Fact]
    public void InsertNode_Errors()
    {
        _db.CreateGraphCollection("kg");

        AssertExec(Fails("INSERT NODE INTO kg (payload = '{}')"));
        AssertExec(Fails("INSERT NODE INTO kg (id = 1, payload = '{not json')"));
        AssertExec(Fails("INSERT NODE INTO kg (id = 1, payload = '[1, 2]')"));
        AssertExec(Fails("INSERT NODE INTO kg (id = 1, payload = 5)"));
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("INSERT NODE INTO nope (id = 1)").Code);
    }
}
