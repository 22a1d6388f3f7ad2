using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Fusion;
using VelesDb.Core.Search;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>Most queries one batch or multi-query call accepts.</summary>
    public const int MaxQueriesPerCall = 1_024;

    /// <summary>
    /// Searches several query vectors and fuses their result lists with <paramref name="strategy"/>
    /// (engine spec §4.5). Each query fetches max(2k, k + 10) candidates with
    /// <paramref name="options"/>' quality and filter. Fusion ranks by "higher is better": scores of
    /// metrics where lower is better (euclidean, hamming) enter negated. The returned
    /// <see cref="SearchResult.Score"/> is the fused score, highest first, ties by ascending id.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-009 with no queries, more than <see cref="MaxQueriesPerCall"/>,
    /// or fusion parameters that do not fit (e.g. weighted RRF weights ≠ number of queries); otherwise as <c>Search</c>.</exception>
    public IReadOnlyList<SearchResult> MultiQuerySearch(IReadOnlyList<float[]> queries, int k, FusionStrategy strategy, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        options ??= SearchOptions.Default;
        var fused = MultiQueryFuse(queries, k, strategy, options);
        return [.. fused.Select(h => new SearchResult(h.Id, h.Score, options.WithPayload ? Get(h.Id)?.Payload : null))];
    }

    /// <summary><see cref="MultiQuerySearch"/> returning ids and fused scores only.</summary>
    public IReadOnlyList<ScoredId> MultiQuerySearchIds(IReadOnlyList<float[]> queries, int k, FusionStrategy strategy, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return MultiQueryFuse(queries, k, strategy, (options ?? SearchOptions.Default) with { WithPayload = false });
    }

    /// <summary>Top-k ids and scores without payloads (the scores follow the metric's convention, as in <c>Search</c>).</summary>
    public IReadOnlyList<ScoredId> SearchIds(ReadOnlySpan<float> query, int k, SearchOptions? options = null) =>
        [.. Search(query, k, (options ?? SearchOptions.Default) with { WithPayload = false }).Select(h => new ScoredId(h.Id, h.Score))];

    /// <summary>
    /// Runs independent searches in parallel: query i with filter i (when <paramref name="filters"/>
    /// is given; a null entry means no filter) and otherwise <paramref name="options"/>. Each result
    /// list is exactly what <c>Search</c> returns for that query.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-009 with no queries, more than <see cref="MaxQueriesPerCall"/>, or a
    /// filter list whose length differs from the query list; otherwise as <c>Search</c> (the first failing query's error).</exception>
    public IReadOnlyList<IReadOnlyList<SearchResult>> SearchBatch(IReadOnlyList<float[]> queries, int k, IReadOnlyList<Filter?>? filters = null, SearchOptions? options = null)
    {
        CheckQueries(queries);
        if (filters is not null && filters.Count != queries.Count)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"A batch search needs one filter per query: {queries.Count} queries, {filters.Count} filters.");
        }

        options ??= SearchOptions.Default;
        var results = new IReadOnlyList<SearchResult>[queries.Count];
        ForEachQuery(queries.Count, i =>
            results[i] = Search(queries[i], k, filters is null ? options : options with { Filter = filters[i] }));
        return results;
    }

    private IReadOnlyList<ScoredId> MultiQueryFuse(IReadOnlyList<float[]> queries, int k, FusionStrategy strategy, SearchOptions options)
    {
        CheckQueries(queries);
        CheckTopK(k);
        var fetch = (int)Math.Min(Math.Max(2L * k, k + 10L), MaxTopK);
        var sign = Metric.HigherIsBetter() ? 1f : -1f;
        var lists = new IReadOnlyList<ScoredId>[queries.Count];
        var branch = options with { WithPayload = false };
        ForEachQuery(queries.Count, i =>
            lists[i] = [.. Search(queries[i], fetch, branch).Select(h => new ScoredId(h.Id, sign * h.Score))]);
        return strategy.Fuse(lists, k);
    }

    private static void CheckQueries(IReadOnlyList<float[]> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        if (queries.Count is 0 or > MaxQueriesPerCall)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Between 1 and {MaxQueriesPerCall} queries are accepted per call, got {queries.Count}.");
        }
    }

    /// <summary>Runs the queries in parallel; a failure surfaces as the first query's own exception, not an AggregateException.</summary>
    private static void ForEachQuery(int count, Action<int> body)
    {
        try
        {
            Parallel.For(0, count, body);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            throw;
        }
    }
}
