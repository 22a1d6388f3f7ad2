using VelesDb.Core.Distance;
using VelesDb.Core.Index.Hnsw;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>Batches at least this large are indexed on all cores.</summary>
    private const int ParallelIndexThreshold = 256;

    /// <summary>
    /// Builds the HNSW index from the stored vectors of every live row. The graph is rebuilt at
    /// open rather than loaded (engine spec §3.4 allows it), so it always matches storage.
    /// </summary>
    private void BuildIndex()
    {
        if (_vectors is null)
        {
            return;
        }

        _index = Metric switch
        {
            // Cosine ranks by the dot product of normalised copies: one kernel, no norms per hop.
            DistanceMetric.Cosine => new HnswIndex<DotProductDistance>(Dimension, Hnsw, normalize: true),
            DistanceMetric.Euclidean => new HnswIndex<EuclideanDistance>(Dimension, Hnsw, normalize: false),
            DistanceMetric.DotProduct => new HnswIndex<DotProductDistance>(Dimension, Hnsw, normalize: false),
            DistanceMetric.Hamming => new HnswIndex<HammingDistance>(Dimension, Hnsw, normalize: false),
            _ => new HnswIndex<JaccardDistance>(Dimension, Hnsw, normalize: false),
        };

        var rows = new List<int>(_rowById.Count);
        for (var row = 0; row < _rowHighWater; row++)
        {
            if (_liveByRow[row])
            {
                rows.Add(row);
            }
        }

        IndexRowsLocked(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
    }

    private void IndexRowsLocked(ReadOnlySpan<int> rows)
    {
        if (_index is null || _vectors is null)
        {
            return;
        }

        if (rows.Length >= ParallelIndexThreshold && Environment.ProcessorCount > 1)
        {
            var vectors = _vectors;
            _index.AddBatchParallel(rows, row => vectors.Get(row), Environment.ProcessorCount);
            return;
        }

        foreach (var row in rows)
        {
            _index.Add(row, _vectors.Get(row));
        }
    }

    /// <summary>Problems found in the index graph (empty when sound); for tests and diagnostics.</summary>
    internal IReadOnlyList<string> CheckIndexIntegrity()
    {
        _lock.EnterReadLock();
        try
        {
            return _index?.CheckIntegrity() ?? [];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }
}
