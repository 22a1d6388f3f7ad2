using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.Core.Query;

namespace VelesDb.Core.Tests.Query;

/// <summary><see cref="VelesDatabase.ExecuteMatch"/>, <see cref="QueryResult.Matches"/> and the MATCH vector options.</summary>
public class MatchRowInfoTests
{
    private static VelesDatabase Open(TempDirectory dir, DistanceMetric metric = DistanceMetric.Cosine)
    {
        var db = VelesDatabase.Open(dir.Path);
        var g = db.CreateGraphCollection("g", embeddingDimension: 2, metric: metric);
        g.Upsert(
        [
            Point.WithJson(1, [1f, 0f], """{"_labels":["Person"],"name":"Ann"}"""),
            Point.WithJson(2, [0f, 1f], """{"_labels":["Person"],"name":"Bob"}"""),
            Point.WithJson(3, [0.6f, 0.8f], """{"_labels":["City"],"name":"Oslo"}"""),
        ]);
        g.AddEdges([new GraphEdge(10, 1, 2, "KNOWS"), new GraphEdge(11, 2, 3, "LIVES_IN"), new GraphEdge(12, 1, 3, "LIVES_IN")]);
        return db;
    }

    [Fact]
    public void ExecuteMatch_ReportsBindingsAndDepthPerRow()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        var result = db.ExecuteMatch("MATCH (a:Person)-[*1..2]->(c:City) RETURN a.name AS who", null, new QueryOptions { Collection = "g" });

        Assert.Equal(2, result.Rows.Count);
        var matches = result.Matches!;
        Assert.Equal(2, matches.Count);

        // Ann reaches Oslo directly; Bob too. Rows are ordered by the first node's id.
        Assert.Equal("Ann", result.Rows[0]["who"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, ulong> { ["a"] = 1, ["c"] = 3 }, matches[0].Bindings);
        Assert.Equal(1, matches[0].Depth);
        Assert.Null(matches[0].Score);
        Assert.Equal(new Dictionary<string, ulong> { ["a"] = 2, ["c"] = 3 }, matches[1].Bindings);

        var twoHops = db.ExecuteMatch("MATCH (a)-[:KNOWS]->(b)-[:LIVES_IN]->(c) RETURN c.name AS city", null, new QueryOptions { Collection = "g" });
        Assert.Equal(new Dictionary<string, ulong> { ["a"] = 1, ["b"] = 2, ["c"] = 3 }, Assert.Single(twoHops.Matches!).Bindings);
        Assert.Equal(2, twoHops.Matches![0].Depth);
    }

    [Fact]
    public void ExecuteMatch_RefusesOtherStatementsBeforeRunningThem()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        var e = Assert.Throws<VelesDbException>(() => db.ExecuteMatch("DELETE FROM g WHERE id = 1", null, new QueryOptions { Collection = "g" }));
        Assert.Equal(VelesDbErrorCode.Query, e.Code);
        Assert.Equal("NOT_MATCH", e.QueryCode);
        Assert.NotNull(db.GetCollection("g").Get(1));

        Assert.Null(db.Execute("SELECT * FROM g LIMIT 1").Matches);
    }

    [Fact]
    public void MatchVector_ScoresTheFirstNode_AndThresholdCuts()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        const string Query = "MATCH (p:Person)-[:LIVES_IN]->(c) RETURN p.name AS who";
        var scored = db.ExecuteMatch(Query, null, new QueryOptions { Collection = "g", MatchVector = [1f, 0f] });
        Assert.Equal([1.0, 0.0], scored.Matches!.Select(m => Math.Round(m.Score!.Value, 6)));

        var cut = db.ExecuteMatch(Query, null, new QueryOptions { Collection = "g", MatchVector = [1f, 0f], MatchThreshold = 0.5 });
        Assert.Equal(1UL, Assert.Single(cut.Matches!).Bindings["p"]);
        Assert.Equal("Ann", Assert.Single(cut.Rows)["who"]!.GetValue<string>());
    }

    [Fact]
    public void MatchThreshold_OnADistanceMetric_KeepsRowsAtMostThatFar()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir, DistanceMetric.Euclidean);
        var cut = db.ExecuteMatch(
            "MATCH (p:Person)-[:LIVES_IN]->(c) RETURN p.name AS who",
            null,
            new QueryOptions { Collection = "g", MatchVector = [0f, 1f], MatchThreshold = 0.5 });

        // Bob is at distance 0 from [0, 1], Ann at sqrt(2).
        Assert.Equal(2UL, Assert.Single(cut.Matches!).Bindings["p"]);
    }

    [Fact]
    public void MatchVector_Errors()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        db.CreateGraphCollection("plain");
        const string Query = "MATCH (a)-[:KNOWS]->(b) RETURN a.name";

        var noVector = Assert.Throws<VelesDbException>(() => db.ExecuteMatch(Query, null, new QueryOptions { Collection = "g", MatchThreshold = 0.5 }));
        Assert.Equal(VelesDbErrorCode.Query, noVector.Code);

        var dimension = Assert.Throws<VelesDbException>(() => db.ExecuteMatch(Query, null, new QueryOptions { Collection = "g", MatchVector = [1f] }));
        Assert.Equal(VelesDbErrorCode.Query, dimension.Code);
        Assert.Contains("dimension 1", dimension.Message, StringComparison.Ordinal);

        var noEmbeddings = Assert.Throws<VelesDbException>(() => db.ExecuteMatch(Query, null, new QueryOptions { Collection = "plain", MatchVector = [1f, 0f] }));
        Assert.Equal(VelesDbErrorCode.Query, noEmbeddings.Code);
    }
}
