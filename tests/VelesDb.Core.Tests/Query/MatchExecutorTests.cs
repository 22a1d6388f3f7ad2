using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.Core.Query;

namespace VelesDb.Core.Tests.Query;

/// <summary>
/// MATCH execution over a small social graph (collection "social", 2-d cosine vectors):
/// <code>
///  1 Alice  Person   30 [1,0]      6 Acme    Company
///  2 Bob    Person   25 [0,1]      7 Globex  Company
///  3 Carol  Person   35 [1,1]      8 Paris   City
///  4 Dave   Person   40 [1,0.5]    9 Rome    City (no edges)
///  5 Eve    Person   28 [0.5,1]   10 Frank   Person, Employee  [0.9,0.1]
///
///  100 1-KNOWS->2 {since 2010}   101 1-KNOWS->2 {since 2020} (parallel)
///  102 2-KNOWS->3 {since 2015}   103 3-KNOWS->1 {since 2018} (cycle 1→2→3→1)
///  104 1-KNOWS->4 {since 2012}   105 4-KNOWS->5 {since 2019}
///  106 2-KNOWS->5 {since 2021}   (diamond 1→2→5, 1→4→5)
///  107 1-WORKS_AT->6 {role eng}  108 2-WORKS_AT->6 {role sales}
///  109 3-WORKS_AT->7 {role eng}  111 10-WORKS_AT->7 {role cto}
///  110 5-LIVES_IN->8             112 4-FOLLOWS->3
/// </code>
/// </summary>
public sealed class MatchExecutorTests : IDisposable
{
    private static readonly QueryOptions Social = new() { Collection = "social" };

    private readonly TempDirectory _dir = new();
    private readonly VelesDatabase _db;

    public MatchExecutorTests()
    {
        _db = VelesDatabase.Open(_dir.Path);
        var c = _db.CreateCollection("social", 2);
        c.Upsert(
        [
            Node(1, "Alice", "Person", 30, [1, 0]),
            Node(2, "Bob", "Person", 25, [0, 1]),
            Node(3, "Carol", "Person", 35, [1, 1]),
            Node(4, "Dave", "Person", 40, [1, 0.5f]),
            Node(5, "Eve", "Person", 28, [0.5f, 1]),
            Node(6, "Acme", "Company", null, [0.3f, 0.3f]),
            Node(7, "Globex", "Company", null, [0.3f, 0.3f]),
            Node(8, "Paris", "City", null, [0.3f, 0.3f]),
            Node(9, "Rome", "City", null, [0.3f, 0.3f]),
            Point.WithJson(10, new float[] { 0.9f, 0.1f }, """{"_labels": ["Person", "Employee"], "name": "Frank", "age": 50}"""),
        ]);
        c.AddEdges(
        [
            Edge(100, 1, 2, "KNOWS", """{"since": 2010}"""),
            Edge(101, 1, 2, "KNOWS", """{"since": 2020}"""),
            Edge(102, 2, 3, "KNOWS", """{"since": 2015}"""),
            Edge(103, 3, 1, "KNOWS", """{"since": 2018}"""),
            Edge(104, 1, 4, "KNOWS", """{"since": 2012}"""),
            Edge(105, 4, 5, "KNOWS", """{"since": 2019}"""),
            Edge(106, 2, 5, "KNOWS", """{"since": 2021}"""),
            Edge(107, 1, 6, "WORKS_AT", """{"role": "eng"}"""),
            Edge(108, 2, 6, "WORKS_AT", """{"role": "sales"}"""),
            Edge(109, 3, 7, "WORKS_AT", """{"role": "eng"}"""),
            Edge(110, 5, 8, "LIVES_IN", null),
            Edge(111, 10, 7, "WORKS_AT", """{"role": "cto"}"""),
            Edge(112, 4, 3, "FOLLOWS", null),
        ]);
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private static Point Node(ulong id, string name, string label, int? age, float[] vector) =>
        Point.WithJson(id, vector, age is null
            ? $$"""{"_labels": ["{{label}}"], "name": "{{name}}"}"""
            : $$"""{"_labels": ["{{label}}"], "name": "{{name}}", "age": {{age}}}""");

    private static GraphEdge Edge(ulong id, ulong source, ulong target, string label, string? properties) =>
        new(id, source, target, label, properties is null ? null : JsonElement.Parse(properties));

    private IReadOnlyList<JsonObject> Rows(string query, Dictionary<string, object?>? parameters = null, QueryOptions? options = null) =>
        _db.Execute(query, parameters, options ?? Social).Rows;

    private List<string?> Column(string query, string key, Dictionary<string, object?>? parameters = null) =>
        [.. Rows(query, parameters).Select(r => r[key]?.GetValue<string>())];

    private VelesDbException Error(string query, Dictionary<string, object?>? parameters = null, QueryOptions? options = null) =>
        Assert.Throws<VelesDbException>(() => _db.Execute(query, parameters, options ?? Social));

    [Fact]
    public void Execute_SingleHopOutgoing_ParallelEdgesCollapseWhenAnonymous()
    {
        var result = _db.Execute("MATCH (a:Person {name: 'Alice'})-[:KNOWS]->(b) RETURN b.name", null, Social);

        Assert.Equal("MATCH", result.StatementType);
        Assert.Equal(["Bob", "Dave"], result.Rows.Select(r => r["b.name"]!.GetValue<string>()));
    }

    [Fact]
    public void Execute_SingleHopIncoming_WalksEdgesBackwards()
    {
        Assert.Equal(["Bob", "Dave"], Column("MATCH (x {name: 'Eve'})<-[:KNOWS]-(y) RETURN y.name", "y.name"));
        Assert.Equal(["Alice"], Column("MATCH (x {name: 'Bob'})<-[:KNOWS]-(y) RETURN y.name", "y.name"));
    }

    [Fact]
    public void Execute_Undirected_WalksBothDirections()
    {
        Assert.Equal(["Alice", "Bob"], Column("MATCH (a {name: 'Carol'})-[:KNOWS]-(b) RETURN b.name", "b.name"));
        Assert.Equal(["Alice", "Bob", "Dave", "Globex"], Column("MATCH (a {name: 'Carol'})-[]-(b) RETURN b.name", "b.name"));
    }

    [Fact]
    public void Execute_AliasedRelationship_ParallelEdgesGiveDistinctRows()
    {
        var rows = Rows("MATCH (a {name: 'Alice'})-[r:KNOWS]->(b {name: 'Bob'}) RETURN r.since ORDER BY r.since DESC");

        Assert.Equal([2020L, 2010L], rows.Select(r => r["r.since"]!.GetValue<long>()));
        Assert.Equal([101UL, 100UL], rows.Select(r => r["_edge_bindings"]!["r"]!.GetValue<ulong>()));
    }

    [Fact]
    public void Execute_LabelFilters_ApplyToEveryNode()
    {
        Assert.Equal(["Carol", "Frank"], Column("MATCH (p:Person)-[:WORKS_AT]->(c:Company {name: 'Globex'}) RETURN p.name", "p.name"));

        var rows = Rows("MATCH (p:Person:Employee)-[:WORKS_AT]->(c) RETURN p.name, c.name");
        var row = Assert.Single(rows);
        Assert.Equal("Frank", row["p.name"]!.GetValue<string>());
        Assert.Equal("Globex", row["c.name"]!.GetValue<string>());

        // Labels are case-sensitive.
        Assert.Empty(Rows("MATCH (p:person)-[:WORKS_AT]->(c) RETURN p.name"));
    }

    [Fact]
    public void Execute_PropertyMapsWithParameters_TestNodesAndEdges()
    {
        Assert.Equal(["Acme"], Column(
            "MATCH (a:Person {name: $n})-[:WORKS_AT {role: $role}]->(c) RETURN c.name",
            "c.name",
            new() { ["n"] = "Bob", ["role"] = "sales" }));
        Assert.Empty(Rows(
            "MATCH (a:Person {name: $n})-[:WORKS_AT {role: $role}]->(c) RETURN c.name",
            new() { ["n"] = "Bob", ["role"] = "eng" }));
        Assert.Equal(["Dave"], Column("MATCH (a {age: 40})-[:KNOWS|FOLLOWS]->(b {age: 35}) RETURN a.name", "a.name"));
    }

    [Fact]
    public void Execute_RangeOneToTwo_ShortestDepthPerAnonymousBinding()
    {
        var rows = Rows("MATCH (a {name: 'Alice'})-[:KNOWS*1..2]->(b) RETURN b.name, depth ORDER BY depth");

        Assert.Equal(["Bob", "Dave", "Carol", "Eve"], rows.Select(r => r["b.name"]!.GetValue<string>()));
        Assert.Equal([1L, 1L, 2L, 2L], rows.Select(r => r["depth"]!.GetValue<long>()));
    }

    [Fact]
    public void Execute_RangeTwoToThree_PathsAreSimple()
    {
        // 1→2→3→1 would revisit Alice; the cycle is not followed.
        Assert.Equal(["Carol", "Eve"], Column("MATCH (a {name: 'Alice'})-[:KNOWS*2..3]->(b) RETURN b.name", "b.name"));

        var rows = Rows("MATCH (a {name: 'Bob'})-[:KNOWS*2..3]->(b) RETURN b.name, depth ORDER BY depth");
        Assert.Equal(["Alice", "Dave"], rows.Select(r => r["b.name"]!.GetValue<string>()));
        Assert.Equal([2L, 3L], rows.Select(r => r["depth"]!.GetValue<long>()));
    }

    [Fact]
    public void Execute_UndirectedRange_WalksBothWaysWithoutRevisiting()
    {
        // From Eve: Dave and Bob at one hop (edges 105, 106 reversed), Alice (via 104 or 100/101) and Carol (102) at two.
        var rows = Rows("MATCH (a {name: 'Eve'})-[:KNOWS*1..2]-(b) RETURN b.name, depth");

        Assert.Equal(["Alice", "Bob", "Carol", "Dave"], rows.Select(r => r["b.name"]!.GetValue<string>()));
        Assert.Equal([2L, 1L, 2L, 1L], rows.Select(r => r["depth"]!.GetValue<long>()));
    }

    [Fact]
    public void Execute_ZeroHopRange_BindsTheSameNode()
    {
        var rows = Rows("MATCH (a {name: 'Eve'})-[:LIVES_IN*0..1]->(b) RETURN b.name, depth");

        Assert.Equal(["Eve", "Paris"], rows.Select(r => r["b.name"]!.GetValue<string>()));
        Assert.Equal([0L, 1L], rows.Select(r => r["depth"]!.GetValue<long>()));
    }

    [Fact]
    public void Execute_MultipleTypes_MatchAnyOfThem()
    {
        Assert.Equal(["Carol", "Eve"], Column("MATCH (a {name: 'Dave'})-[:KNOWS|FOLLOWS]->(b) RETURN b.name", "b.name"));
        Assert.Equal(["Paris"], Column("MATCH (a {name: 'Eve'})-[:WORKS_AT|LIVES_IN]->(b) RETURN b.name", "b.name"));
    }

    [Fact]
    public void Execute_WhereOnNodeProperties_FiltersBindings()
    {
        var rows = Rows("MATCH (a:Person)-[:KNOWS]->(b:Person) WHERE b.age > 30 AND a.name != 'Carol' RETURN a.name, b.name");

        Assert.Equal(["Alice", "Bob"], rows.Select(r => r["a.name"]!.GetValue<string>()));
        Assert.Equal(["Dave", "Carol"], rows.Select(r => r["b.name"]!.GetValue<string>()));
    }

    [Fact]
    public void Execute_WhereOnSingleHopRelationship_ReadsEdgeProperties()
    {
        Assert.Equal(["Alice", "Carol"], Column("MATCH (a)-[r:WORKS_AT]->(c) WHERE r.role = 'eng' RETURN a.name", "a.name"));
        Assert.Equal(["Bob"], Column("MATCH (a)-[r:KNOWS]->(b) WHERE r.since >= 2021 RETURN a.name", "a.name"));
    }

    [Fact]
    public void Execute_OrderByArithmeticOnReturnAlias_Sorts()
    {
        var rows = Rows("MATCH (a {name: 'Alice'})-[:KNOWS]->(b) RETURN b.name, b.age AS age ORDER BY age * 2 DESC");

        Assert.Equal(["Dave", "Bob"], rows.Select(r => r["b.name"]!.GetValue<string>()));
        Assert.Equal([40L, 25L], rows.Select(r => r["age"]!.GetValue<long>()));
    }

    [Fact]
    public void Execute_WhereOnRangedRelationship_HasAnyElementSemantics()
    {
        var rows = Rows("MATCH (a {name: 'Alice'})-[r:KNOWS*1..2]->(b) WHERE r.since = 2020 RETURN b.name, r.since");

        Assert.Equal(["Bob", "Carol", "Eve"], rows.Select(r => r["b.name"]!.GetValue<string>()));
        Assert.Equal(
            ["[2020]", "[2020,2015]", "[2020,2021]"],
            rows.Select(r => r["r.since"]!.ToJsonString()));
    }

    [Fact]
    public void Execute_DistinctEdgePaths_GiveDistinctRows()
    {
        var rows = Rows("MATCH (a {name: 'Alice'})-[r:KNOWS*1..2]->(b) WHERE r.since > 2020 RETURN b.name");

        Assert.Equal(["Eve", "Eve"], rows.Select(r => r["b.name"]!.GetValue<string>()));
        Assert.Equal(["[100,106]", "[101,106]"], rows.Select(r => r["_edge_bindings"]!["r"]!.ToJsonString()));

        // NOT over an ANY term: no edge of the path is from 2020.
        var without = Rows("MATCH (a {name: 'Alice'})-[r:KNOWS*1..2]->(b) WHERE NOT r.since = 2020 RETURN b.name");
        Assert.Equal(["[100]", "[100,102]", "[104]", "[100,106]", "[104,105]"], without.Select(r => r["_edge_bindings"]!["r"]!.ToJsonString()));
    }

    [Fact]
    public void Execute_ReturnShapes_NodesEdgesAliasesAndStar()
    {
        var row = Assert.Single(Rows("MATCH (a {name: 'Eve'})-[r:LIVES_IN]->(c) RETURN a, c.name AS city, r"));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id": 5, "_labels": ["Person"], "name": "Eve", "age": 28}"""), row["a"]));
        Assert.Equal("Paris", row["city"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id": 110, "source": 5, "target": 8, "label": "LIVES_IN"}"""), row["r"]));
        Assert.Equal(110UL, row["_edge_bindings"]!["r"]!.GetValue<ulong>());

        var star = Assert.Single(Rows("MATCH (a {name: 'Eve'})-[:LIVES_IN]->(c) RETURN *"));
        Assert.Equal(["a", "c"], star.Select(p => p.Key));
        Assert.Equal(8UL, star["c"]!["id"]!.GetValue<ulong>());
        Assert.Equal("Paris", star["c"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Execute_OrderByPropertyDescending_TiesByNodeIds()
    {
        var rows = Rows("MATCH (p:Person)-[:WORKS_AT]->(c:Company) RETURN p.name, c.name ORDER BY c.name DESC");

        Assert.Equal(["Carol", "Frank", "Alice", "Bob"], rows.Select(r => r["p.name"]!.GetValue<string>()));
    }

    [Fact]
    public void Execute_Limit_CutsAfterOrdering()
    {
        var rows = Rows("MATCH (p:Person)-[:WORKS_AT]->(c:Company) RETURN p.name ORDER BY c.name DESC LIMIT 3");

        Assert.Equal(["Carol", "Frank", "Alice"], rows.Select(r => r["p.name"]!.GetValue<string>()));
    }

    [Fact]
    public void Execute_NoLimit_ReturnsEveryRowNotTen()
    {
        // 7 KNOWS edges, 6 distinct (a, b) pairs once the parallel edge collapses.
        Assert.Equal(6, Rows("MATCH (a)-[:KNOWS]->(b) RETURN a.name, b.name").Count);
        Assert.Equal(7, Rows("MATCH (a)-[r:KNOWS]->(b) RETURN r.since").Count);
    }

    [Fact]
    public void Execute_SimilarityThreshold_ScoresTheStartNode()
    {
        var rows = Rows(
            "MATCH (a:Person)-[:WORKS_AT]->(c) WHERE similarity(vector, $q) > 0.9 RETURN a.name, similarity() ORDER BY similarity() DESC",
            new() { ["q"] = new float[] { 1, 0 } });

        Assert.Equal(["Alice", "Frank"], rows.Select(r => r["a.name"]!.GetValue<string>()));
        Assert.Equal(1.0, rows[0]["similarity"]!.GetValue<double>(), 5);
        Assert.Equal(0.9 / Math.Sqrt(0.82), rows[1]["similarity"]!.GetValue<double>(), 5);
    }

    [Fact]
    public void Execute_EnrichmentFromOtherCollection_MergesPayload()
    {
        var profiles = _db.CreateMetadataCollection("profiles");
        profiles.Upsert(Point.Metadata(1, JsonElement.Parse("""{"bio": "Engineer", "name": "Alice A."}""")));

        var row = Assert.Single(Rows("MATCH (a@profiles {name: 'Alice'})-[:WORKS_AT]->(c) RETURN a.bio, a.name, c.name"));
        Assert.Equal("Engineer", row["a.bio"]!.GetValue<string>());
        Assert.Equal("Alice A.", row["a.name"]!.GetValue<string>());
        Assert.Equal("Acme", row["c.name"]!.GetValue<string>());

        var skipped = Assert.Single(Rows("MATCH (a@nowhere {name: 'Alice'})-[:WORKS_AT]->(c) RETURN a.bio, a.name"));
        Assert.Null(skipped["a.bio"]);
        Assert.Equal("Alice", skipped["a.name"]!.GetValue<string>());
    }

    [Fact]
    public void Execute_WithoutCollection_FailsWithHint()
    {
        var e = Error("MATCH (a)-[:KNOWS]->(b) RETURN a", options: QueryOptions.Default);

        Assert.Equal(VelesDbErrorCode.Query, e.Code);
        Assert.Equal("NO_COLLECTION", e.QueryCode);
        Assert.Contains("MATCH needs a collection: pass QueryOptions.Collection", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Hint);

        var viaParameter = _db.Execute("MATCH (a {name: 'Eve'})-[:LIVES_IN]->(b) RETURN b.name", new Dictionary<string, object?> { ["_collection"] = "social" });
        Assert.Equal("Paris", Assert.Single(viaParameter.Rows)["b.name"]!.GetValue<string>());
    }

    [Fact]
    public void Execute_RangeAboveTraversalLimit_IsAGuardRail()
    {
        var e = Error("MATCH (a)-[:KNOWS*1..12]->(b) RETURN b.name");
        Assert.Equal(VelesDbErrorCode.GuardRail, e.Code);
        Assert.Contains("12", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Hint);

        var lowered = Error("MATCH (a)-[:KNOWS*1..3]->(b) RETURN b.name", options: Social with { MaxTraversalDepth = 2 });
        Assert.Equal(VelesDbErrorCode.GuardRail, lowered.Code);
    }

    /// <summary>A collection holding the complete directed graph on nodes 1..n (edge ids from 1, by source then target).</summary>
    private void Complete(string name, int n)
    {
        var c = _db.CreateCollection(name, 2);
        c.Upsert([.. Enumerable.Range(1, n).Select(i => new Point((ulong)i, new float[] { 1, i }))]);
        var edges = new List<GraphEdge>();
        ulong id = 1;
        for (ulong s = 1; s <= (ulong)n; s++)
        {
            for (ulong t = 1; t <= (ulong)n; t++)
            {
                if (s != t)
                {
                    edges.Add(new GraphEdge(id++, s, t, "L"));
                }
            }
        }

        c.AddEdges(edges);
    }

    [Fact]
    public void Execute_ExpansionBudget_StopsRunawayPatterns()
    {
        Complete("dense", 16);

        // 16·15·14·13·12·11 simple 6-hop paths from the 16 starts (none ends at a match): far above the budget.
        var e = Error("MATCH (a)-[:L*6..6]->(b {name: 'nobody'}) RETURN b", options: new QueryOptions { Collection = "dense" });
        Assert.Equal(VelesDbErrorCode.GuardRail, e.Code);
        Assert.Contains("partial paths", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_ResultAboveCeiling_IsAGuardRailUnlessLimited()
    {
        // A complete directed graph on 13 nodes has 13·12·11·10·9 = 154 440 distinct 4-edge paths.
        Complete("k13", 13);
        var options = new QueryOptions { Collection = "k13" };

        var e = Error("MATCH (a)-[r:L*4]->(b) RETURN b.id", options: options);
        Assert.Equal(VelesDbErrorCode.GuardRail, e.Code);
        Assert.Contains("100,000", e.Message, StringComparison.Ordinal);

        var limited = _db.Execute("MATCH (a)-[r:L*4]->(b) RETURN b.id LIMIT 2", null, options).Rows;
        // First by (a, b) = (1, 2), then by edge ids: 1→3 (2), 3→4 (27), 4→5 (40) or 4→6 (41), then on to 2.
        Assert.Equal([2UL, 2UL], limited.Select(r => r["b.id"]!.GetValue<ulong>()));
        Assert.Equal(["[2,27,40,50]", "[2,27,41,62]"], limited.Select(r => r["_edge_bindings"]!["r"]!.ToJsonString()));
    }

    [Fact]
    public void Execute_Let_IsRejected()
    {
        var e = Error("LET x = 1 MATCH (a)-[:KNOWS]->(b) RETURN a.name");
        Assert.Equal("V009", e.QueryCode);
        Assert.Contains("LET", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_SimilarityThresholdOnDistanceMetric_KeepsCloseNodes()
    {
        var places = _db.CreateCollection("places", 2, DistanceMetric.Euclidean);
        places.Upsert(
        [
            new Point(1, new float[] { 0, 0 }),
            new Point(2, new float[] { 3, 4 }),
            new Point(3, new float[] { 0.5f, 0 }),
        ]);
        places.AddEdges([new GraphEdge(1, 1, 2, "ROAD"), new GraphEdge(2, 2, 1, "ROAD"), new GraphEdge(3, 3, 2, "ROAD")]);

        // similarity() > 1 on Euclidean keeps distances below 1 from (0, 0): nodes 1 (0) and 3 (0.5), not 2 (5).
        var rows = _db.Execute(
            "MATCH (a)-[:ROAD]->(b) WHERE similarity(vector, $q) > 1 RETURN a.id, similarity()",
            new Dictionary<string, object?> { ["q"] = new float[] { 0, 0 } },
            new QueryOptions { Collection = "places" }).Rows;
        Assert.Equal([1UL, 3UL], rows.Select(r => r["a.id"]!.GetValue<ulong>()));
        Assert.Equal([0.0, 0.5], rows.Select(r => r["similarity"]!.GetValue<double>()));
    }

    [Fact]
    public void Execute_OrderByBareAlias_IsRejected()
    {
        var e = Error("MATCH (a)-[:KNOWS]->(b) RETURN a ORDER BY b");
        Assert.Equal(VelesDbErrorCode.GraphNotSupported, e.Code);
    }

    [Fact]
    public void AnchorIds_FirstNodeBindings_WholePatternMustMatch()
    {
        Assert.Equal([1UL, 2UL], Anchors("MATCH (a:Person)-[:WORKS_AT]->(c:Company {name: 'Acme'}) RETURN a"));
        Assert.Equal([1UL, 2UL, 3UL], Anchors("MATCH (a)-[:KNOWS*2]->(b) RETURN a"));

        // The first node's labels and property map apply to the anchor.
        Assert.Equal([4UL], Anchors("MATCH (a:Person {age: 40})-[:KNOWS|FOLLOWS]->(b) RETURN a"));
        Assert.Empty(Anchors("MATCH (a:Company)-[:KNOWS]->(b) RETURN a"));
    }

    [Fact]
    public void SelectWhereMatch_KeepsRowsThatAnchorThePattern()
    {
        var rows = _db.Execute("SELECT name FROM social AS a WHERE age < 40 AND MATCH (a:Person)-[:KNOWS*2]->(b) ORDER BY id").Rows;

        // Anchors of 2-hop KNOWS paths are 1, 2, 3; Carol (35) passes the age filter too, Dave (40) anchors nothing.
        Assert.Equal(["Alice", "Bob", "Carol"], rows.Select(r => r["name"]!.GetValue<string>()));
    }

    /// <summary>Calls <c>MatchExecutor.AnchorIds</c> on the pattern of a MATCH statement (the AST types are internal to the parser assembly).</summary>
    private List<ulong> Anchors(string matchQuery)
    {
        var parser = typeof(MatchExecutor).Assembly.GetReferencedAssemblies()
            .Select(Assembly.Load)
            .Select(a => a.GetType("VelesDb.VelesQL.VelesQLParser"))
            .Single(t => t is not null)!;
        var query = parser.GetMethod("Parse", [typeof(string)])!.Invoke(null, [matchQuery])!;
        var statement = query.GetType().GetProperty("Statement")!.GetValue(query)!;
        var pattern = statement.GetType().GetProperty("Pattern")!.GetValue(statement)!;
        var ctx = new ExecContext(_db, null, Social);
        var anchors = (IReadOnlySet<ulong>)typeof(MatchExecutor).GetMethod("AnchorIds")!.Invoke(null, [pattern, _db.GetCollection("social"), "a", ctx])!;
        return [.. anchors.Order()];
    }
}
