using System.Buffers;
using System.Text.Json;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>Largest k a search accepts.</summary>
    public const int MaxTopK = 100_000;

    /// <summary>How many rows ahead of the current one a scan prefetches.</summary>
    private const int PrefetchRows = 16;

    /// <summary>Rows below which an exact scan stays on one thread.</summary>
    private const int ParallelScanThreshold = 16_384;

    /// <summary>
    /// Exact (brute-force) top-k search, optionally filtered. Results are ordered by score in the
    /// metric's direction (descending for cosine, dot and jaccard; ascending for euclidean and
    /// hamming), ties by ascending id.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-015 on a metadata collection, VELES-004 wrong dimension,
    /// VELES-005 non-finite query, VELES-009 k outside 1..100,000.</exception>
    public IReadOnlyList<SearchResult> Search(ReadOnlySpan<float> query, int k, Filter? filter = null, bool withPayload = true)
    {
        if (Kind != CollectionKind.Vector)
        {
            ThrowHelper.Throw(VelesDbErrorCode.SearchNotSupported, $"Collection '{Name}' is metadata-only and has no vectors to search.");
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

        return Metric switch
        {
            DistanceMetric.Cosine => SearchExact<CosineDistance>(query, k, filter, withPayload),
            DistanceMetric.Euclidean => SearchExact<EuclideanDistance>(query, k, filter, withPayload),
            DistanceMetric.DotProduct => SearchExact<DotProductDistance>(query, k, filter, withPayload),
            DistanceMetric.Hamming => SearchExact<HammingDistance>(query, k, filter, withPayload),
            DistanceMetric.Jaccard => SearchExact<JaccardDistance>(query, k, filter, withPayload),
            _ => throw new VelesDbException(VelesDbErrorCode.Internal, $"Unhandled metric {Metric}."),
        };
    }

    private SearchResult[] SearchExact<TDistance>(ReadOnlySpan<float> query, int k, Filter? filter, bool withPayload)
        where TDistance : struct, IDistance
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var rows = _rowHighWater;
            var capacity = Math.Min(k, _rowById.Count);
            if (capacity == 0)
            {
                return [];
            }

            TopK best;
            var workers = Math.Min(Environment.ProcessorCount, rows / ParallelScanThreshold);
            if (workers <= 1)
            {
                best = new TopK(capacity);
                ScanRows<TDistance>(query, 0, rows, filter, ref best);
            }
            else
            {
                best = ScanParallel<TDistance>(query, rows, workers, capacity, filter);
            }

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
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private TopK ScanParallel<TDistance>(ReadOnlySpan<float> query, int rows, int workers, int capacity, Filter? filter)
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
                ScanRows<TDistance>(queryCopy.AsSpan(0, length), from, to, filter, ref local);
                partial[w] = local;
            });
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

    private void ScanRows<TDistance>(ReadOnlySpan<float> query, int from, int to, Filter? filter, ref TopK best)
        where TDistance : struct, IDistance
    {
        var vectors = _vectors!;
        var live = _liveByRow;
        var ids = _idByRow;
        for (var row = from; row < to; row++)
        {
            vectors.Prefetch(row + PrefetchRows);
            if (!live[row] || (filter is not null && !filter.Matches(_payloadByRow[row])))
            {
                continue;
            }

            // Row first: the kernels align their first operand, and rows stream from memory
            // (64-byte-aligned slots) while the query sits in L1 wherever it is.
            var distance = TDistance.Distance(vectors.Get(row), query);
            best.Offer(distance, row, ids);
        }
    }
}
