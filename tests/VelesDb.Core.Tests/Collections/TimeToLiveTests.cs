using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Index.Sparse;

namespace VelesDb.Core.Tests.Collections;

public sealed class TimeToLiveTests : IDisposable
{
    /// <summary>2026-01-01T00:00:00Z.</summary>
    private const long Start = 1_767_225_600;

    private readonly TempDirectory _dir = new();
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeSeconds(Start));
    private VelesDatabase _db;
    private Collection _docs;

    public TimeToLiveTests()
    {
        _db = Open();
        _docs = _db.CreateCollection("docs", 2);
        _docs.Upsert(
        [
            Point.WithJson(1, [1f, 0f], """{"lang":"fr","n":1}"""),
            Point.WithJson(2, [0.9f, 0.1f], """{"lang":"fr","n":2}"""),
            new Point(3, new[] { 0f, 1f }),
            Point.WithJson(4, [0.5f, 0.5f], "[1,2]"),
        ]);
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private VelesDatabase Open() => VelesDatabase.Open(_dir.Path, new VelesDatabaseOptions { TimeProvider = _clock });

    private void Reopen()
    {
        _db.Dispose();
        _db = Open();
        _docs = _db.GetCollection("docs");
    }

    [Fact]
    public void SetTimeToLive_WritesExpiryAndKeepsThePoint()
    {
        _docs.Upsert(Point.WithJson(5, [1f, 1f], """{"a":1}""") with { Sparse = new Dictionary<string, SparseVector> { [""] = SparseVector.FromDictionary(new Dictionary<uint, float> { [3] = 0.5f }) } });
        _docs.SetTimeToLive(5, TimeSpan.FromSeconds(90.2));

        var point = _docs.Get(5)!;
        Assert.Equal(1, point.Payload!.Value.GetProperty("a").GetInt32());

        // 90.2 s rounds up to 91.
        Assert.Equal(Start + 91, point.Payload.Value.GetProperty(Collection.ExpiresAtKey).GetInt64());
        Assert.Equal([1f, 1f], point.Vector.ToArray());
        Assert.NotNull(point.Sparse);

        // A point without payload gets one holding only the key; a second call replaces the key.
        _docs.SetTimeToLive(3, TimeSpan.FromSeconds(10));
        _docs.SetTimeToLive(3, TimeSpan.FromSeconds(20));
        Assert.Equal($$"""{"{{Collection.ExpiresAtKey}}":{{Start + 20}}}""", _docs.Get(3)!.Payload!.Value.GetRawText());
    }

    [Fact]
    public void SetTimeToLive_Errors()
    {
        var missing = Assert.Throws<VelesDbException>(() => _docs.SetTimeToLive(99, TimeSpan.FromSeconds(1)));
        Assert.Equal(VelesDbErrorCode.PointNotFound, missing.Code);

        var array = Assert.Throws<VelesDbException>(() => _docs.SetTimeToLive(4, TimeSpan.FromSeconds(1)));
        Assert.Equal(VelesDbErrorCode.SchemaValidation, array.Code);
        Assert.Equal("[1,2]", _docs.Get(4)!.Payload!.Value.GetRawText());

        Assert.Throws<ArgumentOutOfRangeException>(() => _docs.SetTimeToLive(1, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Get_HidesThePointFromItsExpirySecond()
    {
        _docs.SetTimeToLive(1, TimeSpan.FromSeconds(60));
        _clock.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(_docs.Get(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(_docs.Get(1));
        Assert.Equal([null, 2UL], _docs.Get([1, 2]).Select(p => p?.Id));

        var e = Assert.Throws<VelesDbException>(() => _docs.SetTimeToLive(1, TimeSpan.FromSeconds(60)));
        Assert.Equal(VelesDbErrorCode.PointNotFound, e.Code);
    }

    [Fact]
    public void ZeroTtl_ExpiresAtOnce()
    {
        _docs.SetTimeToLive(2, TimeSpan.Zero);
        Assert.Null(_docs.Get(2));
    }

    [Fact]
    public void ScrollAndAllIds_LeaveExpiredPointsOut()
    {
        _docs.SetTimeToLive(2, TimeSpan.FromSeconds(5));
        Assert.Equal([1UL, 2UL, 3UL, 4UL], _docs.AllIds());
        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([1UL, 3UL, 4UL], _docs.AllIds());
        Assert.Equal([1UL, 3UL, 4UL], _docs.Scroll(null, 10).Points.Select(p => p.Id));
        Assert.Equal([1UL], _docs.Scroll(null, 10, Filter.Parse("""{"condition":{"type":"eq","field":"lang","value":"fr"}}""")).Points.Select(p => p.Id));

        // The cursor stops at the last visible point.
        var first = _docs.Scroll(null, 1);
        Assert.Equal(1UL, first.NextCursor);
        Assert.Equal([3UL], _docs.Scroll(first.NextCursor, 1).Points.Select(p => p.Id));
    }

    [Fact]
    public void Search_LeavesExpiredPointsOut()
    {
        _docs.SetTimeToLive(1, TimeSpan.FromSeconds(1));
        Assert.Equal(1UL, _docs.Search([1f, 0f], 1)[0].Id);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([2UL, 4UL, 3UL], _docs.Search([1f, 0f], 10).Select(r => r.Id));
        Assert.Equal([2UL], _docs.Search([1f, 0f], 10, Filter.Parse("""{"condition":{"type":"eq","field":"lang","value":"fr"}}""")).Select(r => r.Id));
    }

    [Fact]
    public void SearchOnTheHnswIndex_LeavesExpiredPointsOut()
    {
        // Over the exact-search threshold, so the HNSW path runs.
        var points = Enumerable.Range(10, 300).Select(i => new Point((ulong)i, new[] { MathF.Cos(0.5f + (i * 0.01f)), MathF.Sin(0.5f + (i * 0.01f)) })).ToList();
        _docs.Upsert(points);
        _docs.SetTimeToLive(1, TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(2));

        var hits = _docs.Search([1f, 0f], 5);
        Assert.Equal(5, hits.Count);
        Assert.DoesNotContain(hits, h => h.Id == 1);
        Assert.Equal(2UL, hits[0].Id);
    }

    [Fact]
    public void VelesQlSelect_LeavesExpiredPointsOut()
    {
        _docs.SetTimeToLive(2, TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([1UL, 3UL, 4UL], _db.Execute("SELECT id FROM docs").Rows.Select(r => r["id"]!.GetValue<ulong>()));
        Assert.Equal([1UL], _db.Execute("SELECT id FROM docs WHERE lang = 'fr'").Rows.Select(r => r["id"]!.GetValue<ulong>()));
        Assert.Empty(_db.Execute("SELECT id FROM docs WHERE id = 2").Rows);
    }

    [Fact]
    public void Expiry_SurvivesReopen_AndFlushFullPurges()
    {
        _docs.SetTimeToLive(1, TimeSpan.FromSeconds(30));
        _docs.Upsert(Point.WithJson(6, [1f, 0f], $$"""{"{{Collection.ExpiresAtKey}}":{{Start + 10}}}"""));
        Reopen();

        // Replayed from the WAL.
        Assert.NotNull(_docs.Get(1));
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(_docs.Get(6));
        _docs.FlushFull();
        Assert.Equal(4, _docs.Count);

        // Loaded from the checkpoint.
        Reopen();
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(_docs.Get(1));
        Assert.Equal(1, _docs.PurgeExpired());
        Assert.Equal(3, _docs.Count);
        Assert.Equal(0, _docs.PurgeExpired());
    }

    [Fact]
    public void Truncate_RemovesExpiredPointsToo()
    {
        _docs.SetTimeToLive(1, TimeSpan.Zero);
        Assert.Equal(3, _db.Execute("TRUNCATE COLLECTION docs").AffectedRows);
        Assert.Equal(0, _docs.Count);
    }

    [Fact]
    public void ReplacingThePointWithoutTheKey_ClearsTheExpiry()
    {
        _docs.SetTimeToLive(1, TimeSpan.FromSeconds(1));
        _docs.Upsert(Point.WithJson(1, [1f, 0f], """{"lang":"de"}"""));
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("de", _docs.Get(1)!.Payload!.Value.GetProperty("lang").GetString());
        Assert.Equal(0, _docs.PurgeExpired());
    }

    [Fact]
    public void NonNumericExpiry_IsIgnored()
    {
        _docs.Upsert(Point.WithJson(7, [1f, 0f], $$"""{"{{Collection.ExpiresAtKey}}":"soon"}"""));
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.NotNull(_docs.Get(7));
        Assert.Equal(JsonValueKind.String, _docs.Get(7)!.Payload!.Value.GetProperty(Collection.ExpiresAtKey).ValueKind);
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
