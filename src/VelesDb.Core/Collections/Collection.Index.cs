using VelesDb.Core.Diagnostics;
using VelesDb.Core.Distance;
using VelesDb.Core.Index.Hnsw;
using VelesDb.Core.Index.Hnsw.Spaces;
using VelesDb.Core.Quantization;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>Batches at least this large are indexed on all cores.</summary>
    private const int ParallelIndexThreshold = 256;

    /// <summary>The graph file inside the collection directory.</summary>
    private string GraphPath => Path.Combine(_directory, "hnsw.graph");

    /// <summary>
    /// Opens the HNSW index: loads <c>hnsw.graph</c> when it is sound and matches the collection,
    /// then reconciles it with storage (graph nodes of rows that are gone are tombstoned; rows
    /// missing from the graph, or whose vector differs from the indexed one, are re-indexed).
    /// A missing, foreign or damaged graph is rebuilt from the stored vectors.
    /// </summary>
    private void BuildIndex()
    {
        if (_vectors is null)
        {
            return;
        }

        _quantizer ??= LoadQuantizerLocked();
        string? problem;
        _index = Metric switch
        {
            // Cosine ranks by the dot product of normalised copies: one kernel, no norms per hop.
            DistanceMetric.Cosine => OpenIndex<DotProductDistance>(normalize: true, out problem),
            DistanceMetric.Euclidean => OpenIndex<EuclideanDistance>(normalize: false, out problem),
            DistanceMetric.DotProduct => OpenIndex<DotProductDistance>(normalize: false, out problem),
            DistanceMetric.Hamming => OpenIndex<HammingDistance>(normalize: false, out problem),
            _ => OpenIndex<JaccardDistance>(normalize: false, out problem),
        };

        // A graph file is derived data: a bad one costs a rebuild, never data, so it is logged
        // rather than reported as damage.
        if (problem is not null && File.Exists(GraphPath))
        {
            Log.GraphRebuilt(_logger, Name, problem);
        }

        var index = _index;
        for (var node = 0; node < index.NodeCount; node++)
        {
            var label = index.LabelOfLiveNode(node);
            if (label >= 0 && (label >= _rowHighWater || !_liveByRow[label]))
            {
                index.Remove(label);
            }
        }

        var rows = new List<int>();
        for (var row = 0; row < _rowHighWater; row++)
        {
            if (_liveByRow[row] && !index.Holds(row, _vectors.Get(row)))
            {
                rows.Add(row);
            }
        }

        IndexRowsLocked(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        IndexReconciledRows = rows.Count;
    }

    /// <summary>Rows (re-)indexed when the collection was opened: all of them without a usable graph file.</summary>
    internal int IndexReconciledRows { get; private set; }

    /// <summary>The index over the collection's space: float32 vectors, or the trained quantizer's codes.</summary>
    private IVectorIndex OpenIndex<TDistance>(bool normalize, out string? problem)
        where TDistance : struct, IDistance => _quantizer switch
        {
            Sq8Quantizer sq8 => LoadOrCreate(new Sq8Space<TDistance>(sq8, normalize), out problem),
            BinaryQuantizer binary => LoadOrCreate(new BinarySpace<TDistance>(binary, normalize), out problem),
            ProductQuantizer pq => LoadOrCreate(new PqSpace<TDistance>(pq, normalize), out problem),
            _ => LoadOrCreate(new FullSpace<TDistance>(Dimension, normalize), out problem),
        };

    private HnswIndex<TSpace> LoadOrCreate<TSpace>(TSpace space, out string? problem)
        where TSpace : struct, IVectorSpace =>
        HnswIndex<TSpace>.TryLoad(GraphPath, space, Hnsw, out problem) ?? new HnswIndex<TSpace>(space, Hnsw);

    /// <summary>Saves the graph when it changed; part of a full checkpoint.</summary>
    private void SaveIndexLocked()
    {
        if (_index is { IsDirty: true })
        {
            _index.Save(GraphPath);
        }
    }

    /// <summary>Tombstone ratio above which a delete rebuilds the index when <see cref="AutoReindex"/> is on.</summary>
    public const double AutoReindexTombstoneRatio = 0.25;

    /// <summary>
    /// Whether deletes rebuild the index once more than <see cref="AutoReindexTombstoneRatio"/> of
    /// its nodes are tombstones (default false). Stored in <c>config.json</c>.
    /// </summary>
    public bool AutoReindex => _config.AutoReindex ?? false;

    /// <summary>Turns <see cref="AutoReindex"/> on or off and persists the choice.</summary>
    public void SetAutoReindex(bool enabled)
    {
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            var config = _config.Clone();
            config.AutoReindex = enabled ? true : null;
            config.Write(_directory);
            _config = config;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Index nodes that are tombstones (deleted or replaced points); 0 without an index.</summary>
    internal int IndexTombstones
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                ThrowIfDisposed();
                return _index is null ? 0 : _index.NodeCount - _index.LiveCount;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>
    /// Rebuilds the HNSW index from the stored vectors of the live points, dropping every
    /// tombstone (deleted or replaced points), and saves it. A trained quantizer is retrained on
    /// the current vectors first (with the same settings). Blocks writers and readers while it
    /// runs.
    /// </summary>
    /// <returns>The tombstones the rebuild dropped (index nodes of deleted or replaced points); 0
    /// for a collection without vectors, which has no index.</returns>
    public int RebuildIndex()
    {
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (_vectors is null)
            {
                return 0;
            }

            var tombstones = _index is null ? 0 : _index.NodeCount - _index.LiveCount;

            if (_quantizer is not null && _rowById.Count >= MinimumTrainingPoints)
            {
                InstallQuantizerLocked(TrainFromConfigLocked());
            }
            else
            {
                ReindexLocked();
            }

            SaveIndexLocked();
            return tombstones;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Renumbers the vector index's nodes in breadth-first order from its entry point, so nodes a
    /// search visits together sit next to each other in memory (fewer cache and TLB misses on large
    /// collections), then saves the graph. The graph's links, the results and the stored points do
    /// not change. Returns how many nodes moved: 0 without a vector index or when the order already
    /// holds.
    /// </summary>
    public int ReorderForLocality()
    {
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (_index is null)
            {
                return 0;
            }

            var moved = _index.ReorderForLocality();
            SaveIndexLocked();
            return moved;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Drops the index and its graph file and builds a new one over the live rows.</summary>
    private void ReindexLocked()
    {
        _index?.Dispose();
        _index = null;
        if (File.Exists(GraphPath))
        {
            File.Delete(GraphPath);
        }

        BuildIndex();
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

    /// <summary>
    /// Problems found in the indexes (empty when sound): the graph's own structure, and its
    /// agreement with storage — every live point indexed once, with the code of its current
    /// vector, and nothing else live in the graph —, and the text index against one built afresh
    /// from the payloads. For tests and diagnostics.
    /// </summary>
    internal IReadOnlyList<string> CheckIndexIntegrity()
    {
        _lock.EnterReadLock();
        try
        {
            var problems = CheckTextIndexLocked();
            if (_index is null || _vectors is null)
            {
                return problems;
            }

            problems.AddRange(_index.CheckIntegrity());
            var live = 0;
            for (var row = 0; row < _rowHighWater; row++)
            {
                if (!_liveByRow[row])
                {
                    continue;
                }

                live++;
                if (!_index.Holds(row, _vectors.Get(row)))
                {
                    problems.Add($"row {row} (id {_idByRow[row]}) is not indexed with its current vector");
                }
            }

            if (_index.LiveCount != live)
            {
                problems.Add($"the index holds {_index.LiveCount} live points, storage {live}");
            }

            return problems;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }
}
