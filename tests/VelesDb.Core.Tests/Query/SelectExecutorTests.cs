using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Query;

namespace VelesDb.Core.Tests.Query;

/// <summary>
/// SELECT clauses over a six-point dataset whose answers are worked out by hand. Points lie on the x
/// axis at x = id (Euclidean), so the distance from [0, 0] is the id.
/// </summary>
public sealed class SelectExecutorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly VelesDatabase _db;

    public SelectExecutorTests()
    {
        _db = VelesDatabase.Open(_dir.Path);
        var notes = _db.CreateCollection("notes", 2, DistanceMetric.Euclidean);
        notes.Upsert(
        [
            Point.WithJson(1, [1, 0], """{"lang":"fr","stars":5,"title":"alpha graph","tags":["ml","ir"],"owner":10}"""),
            Point.WithJson(2, [2, 0], """{"lang":"en","stars":3,"title":"beta index","tags":["ml"],"owner":11}"""),
            Point.WithJson(3, [3, 0], """{"lang":"fr","stars":4,"title":"gamma graph index","tags":[],"owner":10}"""),
            Point.WithJson(4, [4, 0], """{"lang":"de","stars":1,"title":"delta","tags":["ir"],"owner":12}"""),
            Point.WithJson(5, [5, 0], """{"lang":"en","stars":5,"title":"epsilon","owner":99}"""),
            Point.WithJson(6, [6, 0], """{"lang":"fr","title":"zeta graph"}"""),
        ]);
        var users = _db.CreateMetadataCollection("users");
        users.Upsert(
        [
            Point.Metadata(10, JsonDocument.Parse("""{"name":"ana"}""").RootElement),
            Point.Metadata(11, JsonDocument.Parse("""{"name":"bo"}""").RootElement),
            Point.Metadata(12, JsonDocument.Parse("""{"name":"cy"}""").RootElement),
            Point.Metadata(13, JsonDocument.Parse("""{"name":"di"}""").RootElement),
        ]);
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private QueryResult Run(string q, Dictionary<string, object?>? p = null) => _db.Execute(q, p);

    private ulong[] Ids(string q, Dictionary<string, object?>? p = null) =>
        [.. Run(q, p).Rows.Select(r => r["id"]!.GetValue<ulong>())];

    private static string Json(QueryResult r) => string.Join(";", r.Rows.Select(x => x.ToJsonString()));

    [Fact]
    public void Star_ProjectsIdAndPayload_InIdOrder()
    {
        var r = Run("SELECT * FROM notes WHERE lang = 'fr'");
        Assert.Equal([1UL, 3, 6], r.Rows.Select(x => x["id"]!.GetValue<ulong>()));
        Assert.Equal("""{"id":6,"lang":"fr","title":"zeta graph"}""", r.Rows[2].ToJsonString());
    }

    [Fact]
    public void NamedColumns_AndAliases_GiveExactlyThoseKeys()
    {
        var r = Run("SELECT n.title AS t, stars FROM notes AS n WHERE id = 2");
        Assert.Equal("""{"t":"beta index","stars":3}""", Json(r));
    }

    [Fact]
    public void DefaultLimit_IsTen()
    {
        var c = _db.CreateCollection("many", 2);
        c.Upsert([.. Enumerable.Range(1, 25).Select(i => new Point((ulong)i, new float[] { 1, i }))]);
        Assert.Equal(10, Run("SELECT * FROM many").Rows.Count);
        Assert.Equal(25, Run("SELECT * FROM many LIMIT 100").Rows.Count);
    }

    [Fact]
    public void LimitOffset_PageAfterOrdering()
    {
        Assert.Equal([2UL, 3], Ids("SELECT id FROM notes LIMIT 2 OFFSET 1"));
        Assert.Equal([3UL, 2], Ids("SELECT id FROM notes ORDER BY stars DESC LIMIT 2 OFFSET 2"));
    }

    [Fact]
    public void OrderBy_MultiKey_TiesByAscendingId_NullsLast()
    {
        // stars: 1→5, 2→3, 3→4, 4→1, 5→5, 6→missing.
        Assert.Equal([1UL, 5, 3, 2, 4, 6], Ids("SELECT id FROM notes ORDER BY stars DESC"));
        Assert.Equal([4UL, 2, 3, 1, 5, 6], Ids("SELECT id FROM notes ORDER BY stars"));
        Assert.Equal([4UL, 5, 2, 1, 3, 6], Ids("SELECT id FROM notes ORDER BY lang ASC, stars DESC"));
    }

    [Fact]
    public void OrderBy_Arithmetic()
    {
        // stars * 2 - id: 1→9, 2→4, 3→5, 4→-2, 5→5, 6→null.
        Assert.Equal([1UL, 3, 5, 2, 4, 6], Ids("SELECT id FROM notes ORDER BY stars * 2 - id DESC"));
    }

    [Theory]
    [InlineData("stars > 3", new ulong[] { 1, 3, 5 })]
    [InlineData("stars >= 3 AND stars <= 4", new ulong[] { 2, 3 })]
    [InlineData("stars != 5", new ulong[] { 2, 3, 4, 6 })]
    [InlineData("stars <> 5", new ulong[] { 2, 3, 4, 6 })]
    [InlineData("lang IN ('de', 'en')", new ulong[] { 2, 4, 5 })]
    [InlineData("lang NOT IN ('fr')", new ulong[] { 2, 4, 5 })]
    [InlineData("stars BETWEEN 3 AND 4", new ulong[] { 2, 3 })]
    [InlineData("title LIKE '%graph%'", new ulong[] { 1, 3, 6 })]
    [InlineData("title ILIKE 'ALPHA%'", new ulong[] { 1 })]
    [InlineData("title LIKE 'b_ta%'", new ulong[] { 2 })]
    [InlineData("stars IS NULL", new ulong[] { 6 })]
    [InlineData("stars IS NOT NULL", new ulong[] { 1, 2, 3, 4, 5 })]
    [InlineData("NOT (lang = 'fr')", new ulong[] { 2, 4, 5 })]
    [InlineData("lang = 'en' OR stars = 4", new ulong[] { 2, 3, 5 })]
    [InlineData("tags CONTAINS 'ml'", new ulong[] { 1, 2 })]
    [InlineData("tags CONTAINS ANY ('ir', 'zz')", new ulong[] { 1, 4 })]
    [InlineData("tags CONTAINS ALL ('ml', 'ir')", new ulong[] { 1 })]
    [InlineData("title CONTAINS_TEXT 'graph'", new ulong[] { 1, 3, 6 })]
    [InlineData("title CONTAINS_TEXT 'Graph'", new ulong[] { })]
    [InlineData("id IN (2, 4, 99)", new ulong[] { 2, 4 })]
    [InlineData("id > 4", new ulong[] { 5, 6 })]
    [InlineData("id = 3 OR lang = 'de'", new ulong[] { 3, 4 })]
    public void Where_Operators(string where, ulong[] expected) =>
        Assert.Equal(expected, Ids($"SELECT id FROM notes WHERE {where} LIMIT 100"));

    [Fact]
    public void Parameters_AreBound_ForScalarsAndVectors()
    {
        var p = new Dictionary<string, object?> { ["l"] = "fr", ["v"] = new float[] { 6, 0 } };
        Assert.Equal([6UL, 3], Ids("SELECT id FROM notes WHERE vector NEAR $v AND lang = $l LIMIT 2", p));
        var injection = new Dictionary<string, object?> { ["l"] = "fr' OR '1' = '1" };
        Assert.Empty(Ids("SELECT id FROM notes WHERE lang = $l", injection));
    }

    [Fact]
    public void MissingParameter_IsAClearError()
    {
        var e = Assert.Throws<VelesDbException>(() => Run("SELECT id FROM notes WHERE lang = $nope"));
        Assert.Equal(VelesDbErrorCode.Query, e.Code);
        Assert.Contains("$nope", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Near_RanksByMetric_AndSimilarityProjectsTheScore()
    {
        var r = Run("SELECT id, similarity() AS s FROM notes WHERE vector NEAR [0.0, 0.0] LIMIT 3");
        Assert.Equal("""{"id":1,"s":1};{"id":2,"s":2};{"id":3,"s":3}""", Json(r));
    }

    [Fact]
    public void Near_WithResidualFilterOnId_WidensUntilEnoughRows()
    {
        Assert.Equal([5UL, 6], Ids("SELECT id FROM notes WHERE vector NEAR [0.0, 0.0] AND id > 4 LIMIT 2"));
    }

    [Fact]
    public void Near_ThenOrderBy_SortsTheTopK()
    {
        // The 3 nearest to [0,0] are 1,2,3; ordered by stars ascending: 2 (3), 3 (4), 1 (5).
        Assert.Equal([2UL, 3, 1], Ids("SELECT id FROM notes WHERE vector NEAR [0.0, 0.0] ORDER BY stars LIMIT 3"));
    }

    [Fact]
    public void SimilarityThreshold_IsMetricAware()
    {
        // Euclidean: similarity() > 2.5 keeps distances below 2.5 → ids 1, 2.
        Assert.Equal([1UL, 2], Ids("SELECT id FROM notes WHERE similarity(vector, [0.0, 0.0]) > 2.5"));
        Assert.Equal([3UL, 4, 5, 6], Ids("SELECT id FROM notes WHERE similarity(vector, [0.0, 0.0]) <= 2.5 ORDER BY id"));
    }

    [Fact]
    public void GroupBy_Aggregates_Having_OrderByAlias()
    {
        var r = Run("SELECT lang, COUNT(*) AS n, AVG(stars) AS s, SUM(stars), MIN(stars), MAX(stars) FROM notes GROUP BY lang");
        Assert.True(r.IsAggregation);
        Assert.Equal(
            """{"lang":"de","n":1,"s":1,"sum_stars":1,"min_stars":1,"max_stars":1};{"lang":"en","n":2,"s":4,"sum_stars":8,"min_stars":3,"max_stars":5};{"lang":"fr","n":3,"s":4.5,"sum_stars":9,"min_stars":4,"max_stars":5}""",
            Json(r));
        var having = Run("SELECT lang, COUNT(*) AS n FROM notes GROUP BY lang HAVING COUNT(*) >= 2 ORDER BY n DESC");
        Assert.Equal("""{"lang":"fr","n":3};{"lang":"en","n":2}""", Json(having));
        var byAlias = Run("SELECT lang, COUNT(*) AS n FROM notes GROUP BY lang HAVING n >= 2 AND AVG(stars) > 4");
        Assert.Equal("""{"lang":"fr","n":3}""", Json(byAlias));
    }

    [Fact]
    public void Aggregate_WithoutGroupBy_GivesOneRow_EvenOnNoRows()
    {
        Assert.Equal("""{"count":6}""", Json(Run("SELECT COUNT(*) FROM notes")));
        Assert.Equal("""{"count":0,"m":null}""", Json(Run("SELECT COUNT(*), MAX(stars) AS m FROM notes WHERE lang = 'xx'")));
    }

    [Fact]
    public void GroupBudget_IsAGuardRail()
    {
        var e = Assert.Throws<VelesDbException>(() => Run("SELECT id, COUNT(*) FROM notes GROUP BY id WITH (max_groups = 3)"));
        Assert.Equal(VelesDbErrorCode.GuardRail, e.Code);
    }

    [Fact]
    public void ParentDocumentGrouping_WithNear()
    {
        // Nearest to [0,0]: 1 (fr), 2 (en), 3 (fr), 4 (de)... groups by first appearance; FIRST from the best hit.
        var r = Run("SELECT lang, MAX(score) AS best, FIRST(title) AS t FROM notes WHERE vector NEAR [0.0, 0.0] GROUP BY lang LIMIT 2");
        Assert.False(r.IsAggregation);
        Assert.Equal("""{"lang":"fr","best":1,"t":"alpha graph"};{"lang":"en","best":2,"t":"beta index"}""", Json(r));
    }

    [Fact]
    public void TextMatchWithGroupBy_AggregatesEveryMatch()
    {
        var r = Run("SELECT lang, COUNT(*) AS n FROM notes WHERE title MATCH 'graph' GROUP BY lang");
        Assert.True(r.IsAggregation);
        Assert.Equal("""{"lang":"fr","n":3}""", Json(r));
    }

    [Fact]
    public void Distinct_KeepsFirstOccurrence()
    {
        var r = Run("SELECT DISTINCT lang FROM notes");
        Assert.Equal("""{"lang":"fr"};{"lang":"en"};{"lang":"de"}""", Json(r));
    }

    [Fact]
    public void WindowFunctions_RankWithinPartitions()
    {
        var r = Run("SELECT id, ROW_NUMBER() OVER (PARTITION BY lang ORDER BY stars DESC) AS rn, RANK() OVER (ORDER BY stars DESC) AS rk, DENSE_RANK() OVER (ORDER BY stars DESC) AS dr FROM notes ORDER BY id");
        // stars DESC overall: 1(5),5(5) → rank 1; 3(4) → 3; 2(3) → 4; 4(1) → 5; 6(null) → 6.
        Assert.Equal(
            """{"id":1,"rn":1,"rk":1,"dr":1};{"id":2,"rn":2,"rk":4,"dr":3};{"id":3,"rn":2,"rk":3,"dr":2};{"id":4,"rn":1,"rk":5,"dr":4};{"id":5,"rn":1,"rk":1,"dr":1};{"id":6,"rn":3,"rk":6,"dr":5}""",
            Json(r));
    }

    [Fact]
    public void ScalarSubquery_IsInlined()
    {
        Assert.Equal([1UL, 5], Ids("SELECT id FROM notes WHERE stars >= (SELECT MAX(stars) FROM notes WHERE lang = 'en')"));
        Assert.Empty(Ids("SELECT id FROM notes WHERE stars > (SELECT stars FROM notes WHERE lang = 'xx')"));
        var e = Assert.Throws<VelesDbException>(() => Run("SELECT id FROM notes WHERE stars > (SELECT stars FROM notes)"));
        Assert.Contains("one row", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetOperations_EvaluateLeftToRight()
    {
        static ulong[] Sorted(IEnumerable<ulong> x) => [.. x.Order()];
        Assert.Equal(new ulong[] { 1, 2, 3, 5, 6 }, Sorted(Ids("SELECT id FROM notes WHERE lang = 'fr' UNION SELECT id FROM notes WHERE lang = 'en'")));
        Assert.Equal(new ulong[] { 1, 3, 6 }, Sorted(Ids("SELECT id FROM notes WHERE lang = 'fr' EXCEPT SELECT id FROM notes WHERE stars < 2")));
        Assert.Equal(new ulong[] { 1, 3 }, Sorted(Ids("SELECT id FROM notes WHERE lang = 'fr' INTERSECT SELECT id FROM notes WHERE stars >= 4")));
        Assert.Equal(6, Run("SELECT id FROM notes WHERE lang = 'fr' UNION ALL SELECT id FROM notes WHERE stars > 3").Rows.Count);
    }

    [Fact]
    public void Joins_InnerLeftRightFull()
    {
        Assert.Equal("""{"id":10,"name":"ana"}""", Json(Run("SELECT * FROM users WHERE id = 10")));
        Assert.Equal(4, Run("SELECT n.id FROM notes AS n JOIN users AS u ON n.owner = u.id").Rows.Count);
        var inner = Run("SELECT n.id, u.name FROM notes AS n JOIN users AS u ON n.owner = u.id ORDER BY n.id");
        Assert.Equal("""{"id":1,"name":"ana"};{"id":2,"name":"bo"};{"id":3,"name":"ana"};{"id":4,"name":"cy"}""", Json(inner));
        var left = Run("SELECT n.id, u.name FROM notes AS n LEFT JOIN users AS u ON u.id = n.owner WHERE n.lang = 'en'");
        Assert.Equal("""{"id":2,"name":"bo"};{"id":5,"name":null}""", Json(left));
        var right = Run("SELECT u.name FROM notes AS n RIGHT JOIN users AS u ON n.owner = u.id WHERE u.name = 'di'");
        Assert.Equal("""{"name":"di"}""", Json(right));
        var full = Run("SELECT n.id, u.name FROM notes AS n FULL JOIN users AS u ON n.owner = u.id LIMIT 100");
        Assert.Equal(7, full.Rows.Count);
    }

    [Fact]
    public void JoinFanOut_StopsAtTheJoinRowBudget()
    {
        // Every note joins every note of the same language: fr 3×3 + en 2×2 + de 1 = 14 rows.
        Assert.Equal(14, Run("SELECT a.id FROM notes AS a JOIN notes AS b ON a.lang = b.lang LIMIT 100").Rows.Count);
        var e = Assert.Throws<VelesDbException>(() => _db.Execute("SELECT a.id FROM notes AS a JOIN notes AS b ON a.lang = b.lang", options: new QueryOptions { MaxJoinRows = 10 }));
        Assert.Equal(VelesDbErrorCode.GuardRail, e.Code);
    }

    [Fact]
    public void JoinUsing_MatchesOnTheNamedColumn()
    {
        var tags = _db.CreateMetadataCollection("extra");
        tags.Upsert([Point.Metadata(2, JsonDocument.Parse("""{"note":"second"}""").RootElement), Point.Metadata(5, JsonDocument.Parse("""{"note":"fifth"}""").RootElement)]);
        var r = Run("SELECT id, e.note FROM notes JOIN extra AS e USING (id)");
        Assert.Equal("""{"id":2,"note":"second"};{"id":5,"note":"fifth"}""", Json(r));
        var e = Assert.Throws<VelesDbException>(() => Run("SELECT id FROM notes JOIN extra AS e USING (id, lang)"));
        Assert.Contains("exactly one column", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HybridText_VectorWeightMovesTheRanking()
    {
        // Nearest to [6,0]: 6, 5, 4, 3, 2, 1. Text 'graph index' ranks 3 first (both words).
        const string q = "SELECT id FROM notes WHERE vector NEAR [6.0, 0.0] AND title MATCH 'graph index' LIMIT 1 USING FUSION(strategy = 'rrf', vector_weight = {0})";
        Assert.Equal([6UL], Ids(string.Format(System.Globalization.CultureInfo.InvariantCulture, q, "1.0")));
        Assert.Equal([3UL], Ids(string.Format(System.Globalization.CultureInfo.InvariantCulture, q, "0.0")));
    }

    [Fact]
    public void Let_IsUsableInSelectAndOrderBy()
    {
        var r = Run("LET boost = stars * 10 SELECT id, boost FROM notes WHERE lang = 'fr' ORDER BY boost DESC");
        Assert.Equal("""{"id":1,"boost":50};{"id":3,"boost":40};{"id":6,"boost":null}""", Json(r));
    }

    [Fact]
    public void TextMatch_AloneRanksByBm25_AndWithNearFuses()
    {
        var text = Ids("SELECT id FROM notes WHERE title MATCH 'graph'");
        Assert.Equal(new ulong[] { 1, 3, 6 }, text.Order().ToArray());
        var r = Run("SELECT id, vector_score, bm25_score FROM notes WHERE vector NEAR [6.0, 0.0] AND title MATCH 'graph' LIMIT 2");
        Assert.Equal(6UL, r.Rows[0]["id"]!.GetValue<ulong>());
        Assert.True(r.Rows[0]["bm25_score"]!.GetValue<double>() > 0);
    }

    [Fact]
    public void LimitAboveCeiling_IsAGuardRail()
    {
        var e = Assert.Throws<VelesDbException>(() => Run("SELECT * FROM notes LIMIT 100001"));
        Assert.Equal(VelesDbErrorCode.GuardRail, e.Code);
    }

    [Fact]
    public void ExecuteAggregate_RejectsPlainSelect()
    {
        var e = Assert.Throws<VelesDbException>(() => _db.ExecuteAggregate("SELECT * FROM notes"));
        Assert.Contains("aggregation", e.Message, StringComparison.Ordinal);
        Assert.Equal("NOT_AGGREGATE", e.QueryCode);
        var grouped = _db.ExecuteAggregate("SELECT lang, COUNT(*) FROM notes GROUP BY lang");
        Assert.Equal(3, grouped.Rows.Count);
        Assert.True(grouped.IsGrouped);
        var whole = _db.ExecuteAggregate("SELECT COUNT(*) FROM notes");
        Assert.True(whole.IsAggregation);
        Assert.False(whole.IsGrouped);
        Assert.False(_db.Execute("SELECT * FROM notes").IsGrouped);
    }

    [Fact]
    public void MissingCollection_IsVeles002()
    {
        var e = Assert.Throws<VelesDbException>(() => Run("SELECT * FROM nope"));
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, e.Code);
    }

    [Fact]
    public void ParseError_CarriesPosition()
    {
        var e = Assert.Throws<VelesDbException>(() => Run("SELEC * FROM notes"));
        Assert.Equal("PARSE", e.QueryCode);
        Assert.Equal(0, e.Position);
    }

    [Fact]
    public void TemporalExpressions_CompareWithNow()
    {
        var events = _db.CreateMetadataCollection("events");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        events.Upsert(
        [
            Point.Metadata(1, JsonDocument.Parse($$"""{"ts":{{now - 60}}}""").RootElement),
            Point.Metadata(2, JsonDocument.Parse($$"""{"ts":{{now - (3 * 3600)}}}""").RootElement),
        ]);
        Assert.Equal([1UL], Ids("SELECT id FROM events WHERE ts > NOW() - INTERVAL '2 hours'"));
    }

    [Fact]
    public void SelectRows_AreJsonObjects()
    {
        JsonObject row = Run("SELECT * FROM notes WHERE id = 1").Rows[0];
        Assert.Equal("ml", row["tags"]![0]!.GetValue<string>());
    }
}
