using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace VelesDb.Server;

/// <summary>
/// Per-client token bucket (REST spec §3.2, the documented intent): a bucket of N requests refilled
/// continuously at N per second; 0 disables it. The client is the connection's address; the first
/// address of <c>X-Forwarded-For</c> is used only when the connection comes from a configured trusted
/// proxy. Passed responses carry <c>x-ratelimit-limit</c> and <c>x-ratelimit-remaining</c>; refusals
/// are 429 with <c>Retry-After</c>, <c>x-ratelimit-after</c> and a JSON body. It runs first, so it
/// counts every request (health, unauthenticated ones).
/// </summary>
internal sealed class RateLimiting
{
    /// <summary>Buckets idle this long are full again and are pruned.</summary>
    private static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(60);

    private readonly RequestDelegate _next;
    private readonly int _limit;
    private readonly HashSet<IPAddress> _trustedProxies;
    private readonly TimeProvider _time;
    private readonly Metrics.ServerMetrics _metrics;
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private long _nextPrune;

    public RateLimiting(RequestDelegate next, ServerSettings settings, TimeProvider time, Metrics.ServerMetrics metrics)
    {
        _metrics = metrics;
        _next = next;
        _limit = settings.RateLimit;
        _trustedProxies = [.. settings.TrustedProxies.Select(Normalize)];
        _time = time;
    }

    /// <summary>Number of tracked clients (tests).</summary>
    internal int TrackedClients => _buckets.Count;

    public Task InvokeAsync(HttpContext context)
    {
        if (_limit <= 0)
        {
            return _next(context);
        }

        var now = _time.GetTimestamp();
        Prune(now);
        var bucket = _buckets.GetOrAdd(ClientKey(context), _ => new Bucket(_limit, now));
        var (allowed, remaining, retryAfter) = bucket.Take(_limit, now, _time.TimestampFrequency);
        var headers = context.Response.Headers;
        headers["x-ratelimit-limit"] = _limit.ToString(CultureInfo.InvariantCulture);
        headers["x-ratelimit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        if (allowed)
        {
            return _next(context);
        }

        _metrics.RateLimited();
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var text = seconds.ToString(CultureInfo.InvariantCulture);
        headers.RetryAfter = text;
        headers["x-ratelimit-after"] = text;
        return ErrorMapping.Flat(
            StatusCodes.Status429TooManyRequests,
            $"Too many requests: the limit is {_limit} per second per client. Retry after {text} s.").ExecuteAsync(context);
    }

    private string ClientKey(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress is { } ip ? Normalize(ip) : IPAddress.None;
        if (_trustedProxies.Count > 0 && _trustedProxies.Contains(peer)
            && context.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded
            && IPAddress.TryParse(forwarded.Split(',')[0].Trim(), out var client))
        {
            return Normalize(client).ToString();
        }

        return peer.ToString();
    }

    private static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;

    private void Prune(long now)
    {
        var next = Interlocked.Read(ref _nextPrune);
        if (now < next || Interlocked.CompareExchange(ref _nextPrune, now + (long)(IdleAfter.TotalSeconds * _time.TimestampFrequency), next) != next)
        {
            return;
        }

        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IdleSince(now, _time.TimestampFrequency) > IdleAfter)
            {
                _buckets.TryRemove(key, out _);
            }
        }
    }

    private sealed class Bucket(int capacity, long now)
    {
        private readonly Lock _lock = new();
        private double _tokens = capacity;
        private long _last = now;

        public (bool Allowed, int Remaining, TimeSpan RetryAfter) Take(int rate, long now, long frequency)
        {
            lock (_lock)
            {
                var elapsed = Math.Max(0, now - _last) / (double)frequency;
                _tokens = Math.Min(rate, _tokens + (elapsed * rate));
                _last = now;
                if (_tokens >= 1)
                {
                    _tokens -= 1;
                    return (true, (int)_tokens, TimeSpan.Zero);
                }

                return (false, 0, TimeSpan.FromSeconds((1 - _tokens) / rate));
            }
        }

        public TimeSpan IdleSince(long now, long frequency)
        {
            lock (_lock)
            {
                return TimeSpan.FromSeconds((now - _last) / (double)frequency);
            }
        }
    }
}
