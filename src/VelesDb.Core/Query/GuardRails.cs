using VelesDb.Core.Errors;

namespace VelesDb.Core.Query;

/// <summary>
/// Database-wide query guard-rails (REST spec §2.6 GuardRails). The VelesQL engine takes
/// <see cref="MaxDepth"/>, <see cref="MaxCardinality"/> and <see cref="TimeoutMs"/> as defaults
/// where <see cref="QueryOptions"/> leaves them unset; <see cref="QueryGuard"/> applies the rate
/// limit and the circuit breaker to searches.
/// </summary>
public sealed record GuardRails
{
    /// <summary>The largest <see cref="MaxDepth"/> the MATCH executor supports.</summary>
    public const int MaxTraversalDepthLimit = 32;

    /// <summary>The defaults.</summary>
    public static GuardRails Default { get; } = new();

    /// <summary>The deepest graph traversal a MATCH may run (default 10, 1–32).</summary>
    public int MaxDepth { get; init; } = 10;

    /// <summary>The most intermediate rows one JOIN may produce (default 100 000).</summary>
    public long MaxCardinality { get; init; } = 100_000;

    /// <summary>The memory budget of one query in bytes (default 100 MiB); recorded, not enforced by this engine.</summary>
    public long MemoryLimitBytes { get; init; } = 104_857_600;

    /// <summary>The default query timeout in milliseconds (default 30 000).</summary>
    public long TimeoutMs { get; init; } = 30_000;

    /// <summary>Searches per second per client (default 100 000): a bucket of that many, refilled at that rate.</summary>
    public long RateLimitQps { get; init; } = 100_000;

    /// <summary>Consecutive failed searches that open the circuit breaker (default 5).</summary>
    public int CircuitFailureThreshold { get; init; } = 5;

    /// <summary>Seconds an open circuit refuses searches before letting them through again (default 30).</summary>
    public long CircuitRecoverySeconds { get; init; } = 30;

    /// <summary>Checks every value; VELES-009 naming the first bad one and its valid range.</summary>
    public void Validate()
    {
        Check(MaxDepth is >= 1 and <= MaxTraversalDepthLimit, "max_depth", MaxDepth, $"between 1 and {MaxTraversalDepthLimit}");
        Check(MaxCardinality is >= 1 and <= int.MaxValue, "max_cardinality", MaxCardinality, $"between 1 and {int.MaxValue}");
        Check(MemoryLimitBytes >= 1, "memory_limit_bytes", MemoryLimitBytes, "at least 1");
        Check(TimeoutMs is >= 1 and <= 86_400_000, "timeout_ms", TimeoutMs, "between 1 and 86400000 (one day)");
        Check(RateLimitQps is >= 1 and <= 1_000_000_000, "rate_limit_qps", RateLimitQps, "between 1 and 1000000000");
        Check(CircuitFailureThreshold >= 1, "circuit_failure_threshold", CircuitFailureThreshold, "at least 1");
        Check(CircuitRecoverySeconds is >= 0 and <= 86_400, "circuit_recovery_seconds", CircuitRecoverySeconds, "between 0 and 86400 (one day)");
    }

    private static void Check(bool ok, string name, long value, string range)
    {
        if (!ok)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Invalid guard-rail {name} = {value}: it must be {range}.");
        }
    }
}

/// <summary>What <see cref="QueryGuard.TryEnter"/> decided for one search.</summary>
public enum GuardDecision
{
    /// <summary>The search may run.</summary>
    Allowed = 0,

    /// <summary>The client is over <see cref="GuardRails.RateLimitQps"/>.</summary>
    RateLimited = 1,

    /// <summary>The circuit breaker is open.</summary>
    CircuitOpen = 2,
}

/// <summary>
/// The current <see cref="GuardRails"/> of a database with the search rate limiter (a token bucket
/// per client id: <see cref="GuardRails.RateLimitQps"/> tokens, refilled at that many per second) and
/// the circuit breaker (opens after <see cref="GuardRails.CircuitFailureThreshold"/> consecutive
/// failures, refuses searches for <see cref="GuardRails.CircuitRecoverySeconds"/>, then lets them
/// through: a success closes it, a failure opens it again). Thread-safe; time from a
/// <see cref="TimeProvider"/>.
/// </summary>
public sealed class QueryGuard
{
    /// <summary>Client buckets kept before full (idle) ones are dropped.</summary>
    private const int MaxTrackedClients = 10_000;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private GuardRails _rails = GuardRails.Default;
    private int _consecutiveFailures;
    private long? _openedAt;

    /// <summary>Creates a guard with the default guard-rails.</summary>
    public QueryGuard(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>The guard-rails now.</summary>
    public GuardRails Current => Volatile.Read(ref _rails);

    /// <summary>Validates and installs new guard-rails (VELES-009 on a bad value, nothing changed); returns them.</summary>
    public GuardRails Update(GuardRails rails)
    {
        ArgumentNullException.ThrowIfNull(rails);
        rails.Validate();
        lock (_lock)
        {
            if (rails.RateLimitQps != _rails.RateLimitQps)
            {
                _buckets.Clear();
            }

            Volatile.Write(ref _rails, rails);
        }

        return rails;
    }

    /// <summary>Whether a search by <paramref name="clientId"/> may run now; an allowed search takes a token.</summary>
    public GuardDecision TryEnter(string clientId)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_openedAt is { } opened)
            {
                if (Seconds(opened, now) < _rails.CircuitRecoverySeconds)
                {
                    return GuardDecision.CircuitOpen;
                }

                // Half-open: searches go through; the next outcome closes or re-opens the circuit.
                _openedAt = null;
                _consecutiveFailures = Math.Max(0, _rails.CircuitFailureThreshold - 1);
            }

            var rate = (double)_rails.RateLimitQps;
            if (!_buckets.TryGetValue(clientId, out var bucket))
            {
                if (_buckets.Count >= MaxTrackedClients)
                {
                    DropIdleBuckets(now, rate);
                }

                bucket = new Bucket { Tokens = rate, Stamp = now };
                _buckets[clientId] = bucket;
            }

            bucket.Tokens = Math.Min(rate, bucket.Tokens + (Seconds(bucket.Stamp, now) * rate));
            bucket.Stamp = now;
            if (bucket.Tokens < 1)
            {
                return GuardDecision.RateLimited;
            }

            bucket.Tokens--;
            return GuardDecision.Allowed;
        }
    }

    /// <summary>Records a search that completed: the failure count starts again.</summary>
    public void RecordSuccess()
    {
        lock (_lock)
        {
            _consecutiveFailures = 0;
        }
    }

    /// <summary>Records a failed or timed-out search; the threshold-th in a row opens the circuit.</summary>
    public void RecordFailure()
    {
        lock (_lock)
        {
            if (_openedAt is null && ++_consecutiveFailures >= _rails.CircuitFailureThreshold)
            {
                _openedAt = _time.GetTimestamp();
                _consecutiveFailures = 0;
            }
        }
    }

    /// <summary>Seconds left before an open circuit lets searches through again; 0 when closed.</summary>
    public double CircuitRetryAfterSeconds
    {
        get
        {
            lock (_lock)
            {
                return _openedAt is { } opened ? Math.Max(0, _rails.CircuitRecoverySeconds - Seconds(opened, _time.GetTimestamp())) : 0;
            }
        }
    }

    private double Seconds(long from, long to) => (double)(to - from) / _time.TimestampFrequency;

    private void DropIdleBuckets(long now, double rate)
    {
        foreach (var (client, bucket) in _buckets.ToList())
        {
            if (bucket.Tokens + (Seconds(bucket.Stamp, now) * rate) >= rate)
            {
                _buckets.Remove(client);
            }
        }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long Stamp { get; set; }
    }
}
