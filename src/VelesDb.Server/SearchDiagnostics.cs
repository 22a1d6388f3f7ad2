using System.Globalization;
using VelesDb.Contracts;
using VelesDb.Core.Errors;
using VelesDb.Core.Query;

namespace VelesDb.Server;

/// <summary>
/// Server-wide search counters since start, reported by <c>GET /collections/{name}/sanity</c>
/// (REST spec §2.6 Sanity). One per server (a singleton service); thread-safe.
/// </summary>
internal sealed class SearchDiagnostics
{
    private long _requests;
    private long _dimensionMismatches;
    private long _emptyResults;
    private long _filterErrors;

    /// <summary>The counters now.</summary>
    public SanityDiagnostics Snapshot() => new(
        Interlocked.Read(ref _requests),
        Interlocked.Read(ref _dimensionMismatches),
        Interlocked.Read(ref _emptyResults),
        Interlocked.Read(ref _filterErrors));

    /// <summary>
    /// Counts one answered search request and classifies its answer: a 400 with VELES-004
    /// (dimension mismatch), an "Invalid filter" error, or a success without any hit.
    /// </summary>
    public void Record(object? result)
    {
        Interlocked.Increment(ref _requests);
        switch (result)
        {
            case IValueHttpResult { Value: FlatError { Code: "VELES-004" } }:
                Interlocked.Increment(ref _dimensionMismatches);
                break;
            case IValueHttpResult { Value: FlatError error } when error.Error.StartsWith("Invalid filter", StringComparison.Ordinal):
                Interlocked.Increment(ref _filterErrors);
                break;
            case IValueHttpResult { Value: SearchResponse { Results.Count: 0 } or SearchIdsResponse { Results.Count: 0 } }:
            case IValueHttpResult { Value: BatchSearchResponse batch } when batch.Results.All(r => r.Results.Count == 0):
                Interlocked.Increment(ref _emptyResults);
                break;
        }
    }
}

/// <summary>
/// The endpoint filter on every search route: the guard-rail pre-check of the REST spec §3.3
/// (Core <see cref="QueryGuard"/>, keyed by <c>X-Client-Id</c>, default <c>anonymous</c>: 429 or
/// 503 VELES-027), then the search, whose outcome feeds the circuit breaker (5xx and 408 are
/// failures) and <see cref="SearchDiagnostics"/>.
/// </summary>
internal sealed class SearchFilter(SearchDiagnostics diagnostics, DatabaseHost host) : IEndpointFilter
{
    /// <summary>The header naming the client for the guard-rail rate limit.</summary>
    public const string ClientIdHeader = "X-Client-Id";

    /// <summary>Runs the pre-check, the search, and records its outcome.</summary>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var guard = host.Database.Guard;
        var client = context.HttpContext.Request.Headers[ClientIdHeader].ToString();
        client = string.IsNullOrWhiteSpace(client) ? "anonymous" : client.Trim();
        switch (guard.TryEnter(client))
        {
            case GuardDecision.RateLimited:
                return ErrorMapping.Flat(
                    StatusCodes.Status429TooManyRequests,
                    $"Rate limit exceeded for client '{client}': at most {guard.Current.RateLimitQps} searches per second. Retry later, or raise rate_limit_qps with PUT /guardrails.",
                    GuardRailCode);
            case GuardDecision.CircuitOpen:
                return ErrorMapping.Flat(
                    StatusCodes.Status503ServiceUnavailable,
                    string.Create(CultureInfo.InvariantCulture, $"Search circuit breaker is open after {guard.Current.CircuitFailureThreshold} consecutive failed searches; retry in {Math.Ceiling(guard.CircuitRetryAfterSeconds)} s."),
                    GuardRailCode);
        }

        object? result = null;
        var failed = true;
        try
        {
            result = await next(context).ConfigureAwait(false);
            failed = result is IStatusCodeHttpResult { StatusCode: >= 500 or StatusCodes.Status408RequestTimeout };
            return result;
        }
        finally
        {
            if (failed)
            {
                guard.RecordFailure();
            }
            else
            {
                guard.RecordSuccess();
            }

            diagnostics.Record(result);
        }
    }

    private static string GuardRailCode => VelesDbException.Format(VelesDbErrorCode.GuardRail);
}
