using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Query;

namespace VelesDb.Core.Tests.Query;

public class QueryGuardTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; } = 1_000_000;

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => Ticks;

        public void Advance(double seconds) => Ticks += (long)(seconds * TimestampFrequency);
    }

    [Fact]
    public void TryEnter_TokenBucketPerClient_RefillsAtTheRate()
    {
        var clock = new ManualClock();
        var guard = new QueryGuard(clock);
        guard.Update(GuardRails.Default with { RateLimitQps = 4 });

        Assert.Equal([GuardDecision.Allowed, GuardDecision.Allowed, GuardDecision.Allowed, GuardDecision.Allowed, GuardDecision.RateLimited], Enumerable.Range(0, 5).Select(_ => guard.TryEnter("a")));
        Assert.Equal(GuardDecision.Allowed, guard.TryEnter("b"));

        // A quarter of a second refills one token (4 per second); never more than the bucket.
        clock.Advance(0.25);
        Assert.Equal(GuardDecision.Allowed, guard.TryEnter("a"));
        Assert.Equal(GuardDecision.RateLimited, guard.TryEnter("a"));
        clock.Advance(100);
        Assert.Equal(4, Enumerable.Range(0, 6).Count(_ => guard.TryEnter("a") == GuardDecision.Allowed));
    }

    [Fact]
    public void CircuitBreaker_OpensAfterConsecutiveFailures_HalfOpensAfterRecovery()
    {
        var clock = new ManualClock();
        var guard = new QueryGuard(clock);
        guard.Update(GuardRails.Default with { CircuitFailureThreshold = 3, CircuitRecoverySeconds = 30 });

        guard.RecordFailure();
        guard.RecordFailure();
        guard.RecordSuccess();
        guard.RecordFailure();
        guard.RecordFailure();
        Assert.Equal(GuardDecision.Allowed, guard.TryEnter("a"));
        guard.RecordFailure();
        Assert.Equal(GuardDecision.CircuitOpen, guard.TryEnter("a"));
        Assert.Equal(30, guard.CircuitRetryAfterSeconds);

        clock.Advance(29.5);
        Assert.Equal(GuardDecision.CircuitOpen, guard.TryEnter("a"));
        clock.Advance(0.5);

        // Half-open: one failure re-opens at once; a success closes it.
        Assert.Equal(GuardDecision.Allowed, guard.TryEnter("a"));
        guard.RecordFailure();
        Assert.Equal(GuardDecision.CircuitOpen, guard.TryEnter("a"));
        clock.Advance(30);
        Assert.Equal(GuardDecision.Allowed, guard.TryEnter("a"));
        guard.RecordSuccess();
        guard.RecordFailure();
        Assert.Equal(GuardDecision.Allowed, guard.TryEnter("a"));
        Assert.Equal(0, guard.CircuitRetryAfterSeconds);
    }

    [Theory]
    [InlineData("max_depth", 0)]
    [InlineData("max_depth", 33)]
    [InlineData("max_cardinality", 0)]
    [InlineData("timeout_ms", 0)]
    [InlineData("rate_limit_qps", -1)]
    [InlineData("circuit_failure_threshold", 0)]
    [InlineData("circuit_recovery_seconds", -1)]
    [InlineData("memory_limit_bytes", 0)]
    public void Update_BadValue_IsVeles009_AndKeepsTheCurrentRails(string field, long value)
    {
        var guard = new QueryGuard(new ManualClock());
        var rails = field switch
        {
            "max_depth" => GuardRails.Default with { MaxDepth = (int)value },
            "max_cardinality" => GuardRails.Default with { MaxCardinality = value },
            "timeout_ms" => GuardRails.Default with { TimeoutMs = value },
            "rate_limit_qps" => GuardRails.Default with { RateLimitQps = value },
            "circuit_failure_threshold" => GuardRails.Default with { CircuitFailureThreshold = (int)value },
            "circuit_recovery_seconds" => GuardRails.Default with { CircuitRecoverySeconds = value },
            _ => GuardRails.Default with { MemoryLimitBytes = value },
        };

        var e = Assert.Throws<VelesDbException>(() => guard.Update(rails));

        Assert.Equal(VelesDbErrorCode.Config, e.Code);
        Assert.StartsWith($"Invalid guard-rail {field} = {value}:", e.Message, StringComparison.Ordinal);
        Assert.Same(GuardRails.Default, guard.Current);
    }

    [Fact]
    public void Engine_TakesDepthAndCardinalityFromTheGuardRails_UnlessTheOptionsSetThem()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        db.CreateGraphCollection("g");
        db.Guard.Update(GuardRails.Default with { MaxDepth = 2 });

        var e = Assert.Throws<VelesDbException>(() => db.Execute("MATCH (a)-[:KNOWS*1..3]->(b) RETURN b", options: new QueryOptions { Collection = "g" }));
        Assert.Equal(VelesDbErrorCode.GuardRail, e.Code);
        Assert.Contains("depth limit of 2", e.Message, StringComparison.Ordinal);
        db.Execute("MATCH (a)-[:KNOWS*1..3]->(b) RETURN b", options: new QueryOptions { Collection = "g", MaxTraversalDepth = 3 });

        var notes = db.CreateMetadataCollection("notes");
        notes.Upsert([.. Enumerable.Range(1, 4).Select(i => Point.Metadata((ulong)i, System.Text.Json.JsonDocument.Parse("""{"lang":"en"}""").RootElement))]);
        db.Guard.Update(GuardRails.Default with { MaxCardinality = 15 });
        const string join = "SELECT a.id FROM notes AS a JOIN notes AS b ON a.lang = b.lang";
        var join16 = Assert.Throws<VelesDbException>(() => db.Execute(join));
        Assert.Contains("more than 15 intermediate rows", join16.Message, StringComparison.Ordinal);
        db.Guard.Update(GuardRails.Default with { MaxCardinality = 16 });
        db.Execute(join);
    }
}
