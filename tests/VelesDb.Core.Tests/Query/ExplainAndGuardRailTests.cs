using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Query;

namespace VelesDb.Core.Tests.Query;

public sealed class ExplainAndGuardRailTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly VelesDatabase _db;

    public ExplainAndGuardRailTests()
    {
        _db = VelesDatabase.Open(_dir.Path);
        var c = _db.CreateCollection("docs", 2, DistanceMetric.Cosine);
        c.Upsert([.. Enumerable.Range(1, 50).Select(i => Point.WithJson((ulong)i, [1, i], $$"""{"lang":"{{(i % 2 == 0 ? "en" : "fr")}}","n":{{i}}}"""))]);
        c.CreateIndex("lang");
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Explain_ShowsAccessPathIndexAndFeatures()
    {
        var plan = _db.Explain("SELECT * FROM docs WHERE lang = 'fr' ORDER BY n DESC LIMIT 5");
        Assert.Equal("SELECT", plan["query_type"]!.GetValue<string>());
        Assert.Equal("docs", plan["collection"]!.GetValue<string>());
        Assert.Equal("FilteredScan", plan["plan"]![0]!["operation"]!.GetValue<string>());
        Assert.Equal("secondary:lang", plan["estimated_cost"]!["index_name"]!.GetValue<string>());
        Assert.Equal(0.5, plan["estimated_cost"]!["selectivity"]!.GetValue<double>());
        Assert.True(plan["features"]!["has_order_by"]!.GetValue<bool>());
        Assert.False(plan["features"]!["has_vector_search"]!.GetValue<bool>());
        Assert.Equal(5UL, plan["features"]!["limit"]!.GetValue<ulong>());
        Assert.Contains("Sort", plan["tree"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ReportsPlanCacheHits_UntilTheCollectionChanges()
    {
        const string q = "EXPLAIN SELECT * FROM docs WHERE vector NEAR [1.0, 2.0] LIMIT 3";
        var first = _db.Execute(q).Rows[0];
        Assert.False(first["cache_hit"]!.GetValue<bool>());
        Assert.Equal("VectorSearch", first["plan"]![0]!["operation"]!.GetValue<string>());
        var second = _db.Execute(q).Rows[0];
        Assert.True(second["cache_hit"]!.GetValue<bool>());
        Assert.Equal(1, second["plan_reuse_count"]!.GetValue<long>());

        _db.GetCollection("docs").Upsert(Point.WithJson(99, [1, 0], """{"lang":"de"}"""));
        var third = _db.Execute(q).Rows[0];
        Assert.False(third["cache_hit"]!.GetValue<bool>());
    }

    [Fact]
    public void PlanCache_CountsHitsMissesAndSize()
    {
        Assert.Equal(default, _db.PlanCache);
        const string q = "SELECT * FROM docs WHERE lang = 'en' LIMIT 2";
        _db.Execute(q);
        _db.Execute(q);
        _db.Execute(q);
        _db.Execute("SELECT * FROM docs LIMIT 1", options: new QueryOptions { UsePlanCache = false });
        Assert.Equal(new PlanCacheStatistics(Hits: 2, Misses: 1, Size: 1), _db.PlanCache);

        _db.GetCollection("docs").Upsert(Point.WithJson(98, [1, 0], """{"lang":"de"}"""));
        _db.Execute(q);
        Assert.Equal(new PlanCacheStatistics(Hits: 2, Misses: 2, Size: 1), _db.PlanCache);
    }

    [Fact]
    public void ExplainAnalyze_RunsTheQuery()
    {
        var plan = _db.Explain("SELECT * FROM docs WHERE lang = 'en' LIMIT 7", analyze: true);
        Assert.Equal(7, plan["actual_stats"]!["actual_rows"]!.GetValue<int>());
    }

    [Fact]
    public void Explain_OfMatch_IsRejected()
    {
        var e = Assert.Throws<VelesDbException>(() => _db.Explain("SHOW COLLECTIONS"));
        Assert.Equal(VelesDbErrorCode.Query, e.Code);
    }

    [Fact]
    public void Timeout_StopsTheQueryWithAGuardRailError()
    {
        var e = Assert.Throws<VelesDbException>(() => _db.Execute("SELECT * FROM docs ORDER BY n", options: new QueryOptions { Timeout = TimeSpan.FromTicks(1) }));
        Assert.Equal(VelesDbErrorCode.GuardRail, e.Code);
        Assert.Contains("timeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithTimeout_BelowMinimum_IsRejected()
    {
        var e = Assert.Throws<VelesDbException>(() => _db.Execute("SELECT * FROM docs LIMIT 1 WITH (timeout_ms = 5)"));
        Assert.Contains("timeout_ms", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownWithOption_IsRejectedWithTheAllowedList()
    {
        var e = Assert.Throws<VelesDbException>(() => _db.Execute("SELECT * FROM docs LIMIT 1 WITH (turbo = true)"));
        Assert.Contains("ef_search", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void WithOptions_ChangeTheSearchButNotTheAnswerOnSmallData()
    {
        var a = _db.Execute("SELECT id FROM docs WHERE vector NEAR [1.0, 3.0] LIMIT 3 WITH (mode = 'perfect')").Rows.Select(r => r["id"]!.ToJsonString());
        var b = _db.Execute("SELECT id FROM docs WHERE vector NEAR [1.0, 3.0] LIMIT 3 WITH (ef_search = 64, rerank = true)").Rows.Select(r => r["id"]!.ToJsonString());
        Assert.Equal(a, b);
    }

    [Fact]
    public void UsingFusion_OnSingleBranch_IsV012()
    {
        var e = Assert.Throws<VelesDbException>(() => _db.Execute("SELECT * FROM docs WHERE vector NEAR [1.0, 3.0] LIMIT 3 USING FUSION(strategy = 'rrf')"));
        Assert.Equal("V012", e.QueryCode);
    }
}
