using VelesDb.Contracts;

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

/// <summary>The endpoint filter on every search route: counts the request in <see cref="SearchDiagnostics"/>.</summary>
internal sealed class SearchFilter(SearchDiagnostics diagnostics) : IEndpointFilter
{
    /// <summary>Runs the search and records its outcome.</summary>
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        object? result = null;
        try
        {
            result = await next(context).ConfigureAwait(false);
            return result;
        }
        finally
        {
            diagnostics.Record(result);
        }
    }
}
