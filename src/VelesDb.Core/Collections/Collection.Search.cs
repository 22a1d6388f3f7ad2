using System.Buffers;
using System.Text.Json;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Filtering.Bitmaps;
using VelesDb.Core.Search;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>Largest k a search accepts.</summary>
    public const int MaxTopK = 100_000;

    /// <summary>How many rows ahead of the current one a scan prefetches.</summary>
    private const int PrefetchRows = 16;

    /// <summary>Rows below which an exact scan stays on one thread.</summary>
    private const int ParallelScanThreshold = 16_384;

    /// <summary>Collections with at most this many points are always searched exactly.</summary>
    public const int ExactSearchThreshold = 100;

    /// <summary>Rows an exact scan visits between two looks at the cancellation token (a power of two).</summary>
    private const int ScanCancellationInterval = 4096;

    /// <summary>
    /// Top-k search with a filter, balanced quality. Results are ordered by score in the metric's
    /// direction (descending for cosine, dot and jaccard; ascending for euclidean and hamming),
    /// ties by ascending id.
    /// </summary>
    public IReadOnlyList<SearchResult> Search(ReadOnlySpan<float> query, int k, Filter? filter, bool withPayload = true) =>
        Search(query, k, new SearchOptions { Filter = filter, WithPayload = withPayload });

    /// <summary>
    /// Top-k search. Approximate (HNSW) by default; <see cref="SearchQuality.Perfect"/>, and any
    /// collection of at most <see cref="ExactSearchThreshold"/> points, scan exactly. Scores are
    /// always recomputed exactly on the stored vectors, so they do not depend on the path.
    /// Results are ordered by score in the metric's direction, ties by ascending id. With a
    /// filter, k results are returned whenever k points match.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-015 on a metadata collection, VELES-004 wrong dimension,
    /// VELES-005 non-finite query, VELES-009 k outside 1..100,000 or ef_search below 1.</exception>
    /// <exception cref="OperationCanceledException"><see cref="SearchOptions.Cancellation"/> was cancelled.</exception>
    public IReadOnlyList<SearchResult> Search(ReadOnlySpan<float> query, int k, SearchOptions? options = null)
    {
        options ??= SearchOptions.Default;
        options.Cancellation.ThrowIfCancellationRequested();
        if (!HasVectors)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.SearchNotSupported,
                Kind == CollectionKind.Graph
                    ? $"Graph collection '{Name}' has no embeddings to search; create it with an embedding dimension to search its nodes."
                    : $"Collection '{Name}' is metadata-only and has no vectors to search.");
        }

        if (query.Length != Dimension)
        {
            ThrowHelper.Throw(VelesDbErrorCode.DimensionMismatch, $"Query vector dimension mismatch: expected {Dimension}, got {query.Length}.");
        }

        for (var i = 0; i < query.Length; i++)
        {
            if (!float.IsFinite(query[i]))
            {
                ThrowHelper.Throw(VelesDbErrorCode.InvalidVector, $"Query component {i} is {query[i]}; vectors must be finite.");
            }
        }

        if (k is <= 0 or > MaxTopK)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"top_k must be between 1 and {MaxTopK}, got {k}.");
        }

        if (options.EfSearch is < 1)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"ef_search must be at least 1, got {options.EfSearch}.");
        }

        if (options.RescoreOversampling is < 1 or > Quantization.QuantizerOptions.MaxOversampling)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"rescore oversampling must be between 1 and {Quantization.QuantizerOptions.MaxOversampling}, got {options.RescoreOversampling}.");
        }

        return Metric switch
        {
            DistanceMetric.Cosine => SearchWith<CosineDistance>(query, k, options),
            DistanceMetric.Euclidean => SearchWith<EuclideanDistance>(query, k, options),
            DistanceMetric.DotProduct => SearchWith<DotProductDistance>(query, k, options),
            DistanceMetric.Hamming => SearchWith<HammingDistance>(query, k, options),
            DistanceMetric.Jaccard => SearchWith<JaccardDistance>(query, k, options),
            _ => throw new VelesDbException(VelesDbErrorCode.Internal, $"Unhandled metric {Metric}."),
        };
    }

    private SearchResult[] SearchWith<TDistance>(ReadOnlySpan<float> query, int k, SearchOptions options)
        where TDistance : struct, IDistance
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var exact = options.Quality.Mode == SearchQualityMode.Perfect || _index is null || _rowById.Count <= ExactSearchThreshold;
            var filter = CreateRowFilterLocked(options.Filter);
            if (!exact)
            {
                var hits = SearchIndexLocked<TDistance>(query, k, options, filter);
                if (hits is not null)
                {
                    return hits;
                }
            }

            return SearchExactLocked<TDistance>(query, k, filter, options.WithPayload, options.Cancellation);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// HNSW search, then exact rescoring of the candidates on the stored vectors. Returns null when
    /// a filter left fewer than k candidates although more points may match: the caller then
    /// scans exactly, so k results come back whenever k points match.
    /// </summary>
    private SearchResult[]? SearchIndexLocked<TDistance>(ReadOnlySpan<float> query, int k, SearchOptions options, RowFilter filter)
        where TDistance : struct, IDistance
    {
        var ef = Math.Max(options.EfSearch ?? options.Quality.EfFor(k), k);
        Func<int, bool>? accept = null;
        if (!filter.IsEmpty)
        {
            var selectivity = EstimateSelectivityLocked(filter);
            if (selectivity <= ExactScanSelectivity)
            {
                // So few points match that scanning them beats walking a graph mostly made of
                // non-matching nodes.
                return null;
            }

            if (selectivity >= PostFilterSelectivity)
            {
                // Loose filter: search unfiltered with over-fetch, then filter. Falls through to
                // in-graph filtering below when the over-fetch did not yield k matches.
                var over = (int)Math.Min(Math.Max(Math.Max(ef, CandidatesFor(k, options)), k / selectivity * 1.5), MaxTopK);
                var post = PostFilterLocked<TDistance>(query, k, Math.Max(ef, over), over, filter, options);
                if (post is not null)
                {
                    return post;
                }
            }

            accept = filter.Accepts;
            ef = Math.Max(ef, 4 * k);
        }

        // Quantized codes only rank approximately: fetch more candidates, re-rank them exactly.
        var fetch = CandidatesFor(k, options);
        ef = Math.Max(ef, fetch);
        var distances = new float[fetch];
        var labels = new int[fetch];
        var found = _index!.Search(query, fetch, ef, accept, distances, labels, options.Cancellation);
        if (options.EfSearch is null && options.Quality.Mode == SearchQualityMode.Adaptive)
        {
            // Widely spread result distances mean the first pass was still far from the target
            // neighbourhood: search again with double ef, up to the maximum.
            while (found > 1 && ef < options.Quality.MaxEf && Spread(distances.AsSpan(0, found)) > 2.0)
            {
                ef = Math.Min(ef * 2, options.Quality.MaxEf);
                found = _index.Search(query, fetch, ef, accept, distances, labels, options.Cancellation);
            }
        }

        if (found < k && !filter.IsEmpty && found < _rowById.Count)
        {
            return null;
        }

        var best = new TopK(Math.Clamp(found, 1, k));
        for (var i = 0; i < found; i++)
        {
            var row = labels[i];
            best.Offer(ExactDistance<TDistance>(row, distances[i], query), row, _idByRow);
        }

        return found == 0 ? [] : Materialize<TDistance>(best, options.WithPayload);
    }

    /// <summary>
    /// HNSW candidates a search re-ranks: k on float32 vectors; on quantized codes
    /// max(k × oversampling, k + 32) (engine spec §1.6).
    /// </summary>
    private int CandidatesFor(int k, SearchOptions options)
    {
        if (_quantizer is null)
        {
            return k;
        }

        var oversampling = options.RescoreOversampling ?? RescoreOversampling;
        return (int)Math.Min(Math.Max((long)k * oversampling, k + 32L), MaxTopK);
    }

    /// <summary>At or below this estimated fraction of matching points, a filtered search scans exactly.</summary>
    private const double ExactScanSelectivity = 0.01;

    /// <summary>At or above this fraction, a filtered search post-filters an over-fetched HNSW result.</summary>
    private const double PostFilterSelectivity = 0.30;

    /// <summary>Payloads sampled to estimate a filter's selectivity.</summary>
    private const int SelectivitySample = 1024;

    /// <summary>
    /// Fraction of live points matching <paramref name="filter"/>: from the size of the rows its
    /// secondary indexes select when they select exactly, otherwise measured on up to
    /// <see cref="SelectivitySample"/> rows spread evenly over the collection.
    /// </summary>
    private double EstimateSelectivityLocked(RowFilter filter)
    {
        if (filter.IsExact)
        {
            return (double)filter.Rows!.Cardinality / Math.Max(1, _rowById.Count);
        }

        var rows = _rowHighWater;
        var step = Math.Max(1, rows / SelectivitySample);
        int sampled = 0, matched = 0;
        for (var row = 0; row < rows; row += step)
        {
            if (!_liveByRow[row])
            {
                continue;
            }

            sampled++;
            if (filter.Accepts(row))
            {
                matched++;
            }
        }

        return sampled == 0 ? 0 : (double)matched / sampled;
    }

    /// <summary>Unfiltered HNSW over-fetch, then the filter; null when fewer than k survive.</summary>
    private SearchResult[]? PostFilterLocked<TDistance>(ReadOnlySpan<float> query, int k, int ef, int fetch, RowFilter filter, SearchOptions options)
        where TDistance : struct, IDistance
    {
        var distances = new float[fetch];
        var labels = new int[fetch];
        var found = _index!.Search(query, fetch, ef, null, distances, labels, options.Cancellation);
        var best = new TopK(k);
        for (var i = 0; i < found; i++)
        {
            var row = labels[i];
            if (filter.Accepts(row))
            {
                best.Offer(ExactDistance<TDistance>(row, distances[i], query), row, _idByRow);
            }
        }

        return best.Count < k ? null : Materialize<TDistance>(best, options.WithPayload);
    }

    /// <summary>
    /// The exact distance of an HNSW candidate. Float32 codes are exact already (cosine graphs
    /// hold normalised vectors ranked by the negated dot product, which is the negated cosine,
    /// clamped to [-1, 1] like the exact cosine); quantized codes are re-scored on the
    /// stored vector.
    /// </summary>
    private float ExactDistance<TDistance>(int row, float indexDistance, ReadOnlySpan<float> query)
        where TDistance : struct, IDistance =>
        _quantizer is not null ? TDistance.Distance(_vectors!.Get(row), query)
        : Metric == DistanceMetric.Cosine ? Math.Clamp(indexDistance, -1f, 1f)
        : indexDistance;

    private static double Spread(ReadOnlySpan<float> ascending)
    {
        var first = ascending[0];
        var last = ascending[^1];
        return (last - first) / Math.Max(Math.Abs((double)first), 1e-6);
    }

    private SearchResult[] Materialize<TDistance>(TopK best, bool withPayload)
        where TDistance : struct, IDistance
    {
        var hits = best.DrainSorted();
        var results = new SearchResult[hits.Length];
        for (var i = 0; i < hits.Length; i++)
        {
            var (distance, row) = hits[i];
            JsonElement? payload = withPayload && _payloadByRow[row].ValueKind != JsonValueKind.Undefined ? _payloadByRow[row] : null;
            results[i] = new SearchResult(_idByRow[row], TDistance.ToScore(distance), payload);
        }

        return results;
    }

    private SearchResult[] SearchExactLocked<TDistance>(ReadOnlySpan<float> query, int k, RowFilter filter, bool withPayload, CancellationToken cancellation)
        where TDistance : struct, IDistance
    {
        var rows = _rowHighWater;
        var capacity = Math.Min(k, _rowById.Count);
        if (capacity == 0)
        {
            return [];
        }

        TopK best;
        if (filter.Rows is { } selected && selected.Cardinality * SelectedScanAdvantage < rows)
        {
            // The indexes narrowed the filter to few rows: visit only those.
            best = new TopK(capacity);
            ScanSelectedRows<TDistance>(query, selected, filter, ref best, cancellation);
            return Materialize<TDistance>(best, withPayload);
        }

        var workers = Math.Min(Environment.ProcessorCount, rows / ParallelScanThreshold);
        if (workers <= 1)
        {
            best = new TopK(capacity);
            ScanRows<TDistance>(query, 0, rows, filter, ref best, cancellation);
        }
        else
        {
            best = ScanParallel<TDistance>(query, rows, workers, capacity, filter, cancellation);
        }

        return Materialize<TDistance>(best, withPayload);
    }

    private TopK ScanParallel<TDistance>(ReadOnlySpan<float> query, int rows, int workers, int capacity, RowFilter filter, CancellationToken cancellation)
        where TDistance : struct, IDistance
    {
        var queryCopy = ArrayPool<float>.Shared.Rent(query.Length);
        query.CopyTo(queryCopy);
        var length = query.Length;
        var partial = new TopK[workers];
        var chunk = (rows + workers - 1) / workers;
        try
        {
            // The caller's read lock covers the workers: the write lock cannot be taken until it ends.
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            {
                var local = new TopK(capacity);
                var from = w * chunk;
                var to = Math.Min(rows, from + chunk);
                ScanRows<TDistance>(queryCopy.AsSpan(0, length), from, to, filter, ref local, cancellation);
                partial[w] = local;
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            // Callers see the worker's own exception (a cancellation, a filter error), not the wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
            throw;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(queryCopy);
        }

        var merged = partial[0];
        for (var w = 1; w < workers; w++)
        {
            merged.MergeFrom(partial[w], _idByRow);
        }

        return merged;
    }

    private void ScanRows<TDistance>(ReadOnlySpan<float> query, int from, int to, RowFilter filter, ref TopK best, CancellationToken cancellation)
        where TDistance : struct, IDistance
    {
        var vectors = _vectors!;
        var live = _liveByRow;
        var ids = _idByRow;
        for (var row = from; row < to; row++)
        {
            if (((row - from) & (ScanCancellationInterval - 1)) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            vectors.Prefetch(row + PrefetchRows);
            if (!live[row] || !filter.Accepts(row))
            {
                continue;
            }

            // Row first: the kernels align their first operand, and rows stream from memory
            // (64-byte-aligned slots) while the query sits in L1 wherever it is.
            var distance = TDistance.Distance(vectors.Get(row), query);
            best.Offer(distance, row, ids);
        }
    }

    /// <summary>
    /// A selection this many times smaller than the row range is scanned row by row from its
    /// bitmap (random access); larger ones stream the whole range.
    /// </summary>
    private const int SelectedScanAdvantage = 8;

    private void ScanSelectedRows<TDistance>(ReadOnlySpan<float> query, RoaringBitmap selected, RowFilter filter, ref TopK best, CancellationToken cancellation)
        where TDistance : struct, IDistance
    {
        var vectors = _vectors!;
        var live = _liveByRow;
        var visited = 0;
        foreach (var row in selected)
        {
            if ((++visited & (ScanCancellationInterval - 1)) == 0)
            {
                cancellation.ThrowIfCancellationRequested();
            }

            if (live[row] && filter.Accepts(row))
            {
                best.Offer(TDistance.Distance(vectors.Get(row), query), row, _idByRow);
            }
        }
    }
}
