namespace VelesDb.Core.Index.Hnsw;

/// <summary>Reads the vector stored for a label.</summary>
internal delegate ReadOnlySpan<float> VectorAccessor(int label);

/// <summary>An approximate nearest-neighbour index over collection rows (labels).</summary>
internal interface IVectorIndex : IDisposable
{
    /// <summary>Nodes in the graph, tombstones included.</summary>
    int NodeCount { get; }

    /// <summary>Nodes that are not tombstones.</summary>
    int LiveCount { get; }

    /// <summary>Bytes held in memory: node blocks, upper links and per-node arrays.</summary>
    long MemoryBytes { get; }

    /// <summary>Layers of the graph (the top level + 1); 0 when empty.</summary>
    int LayerCount { get; }

    /// <summary>Tombstones / nodes.</summary>
    double TombstoneRatio { get; }

    /// <summary>Indexes <paramref name="vector"/> under <paramref name="label"/>, replacing an older node of that label.</summary>
    void Add(int label, ReadOnlySpan<float> vector);

    /// <summary>Indexes many labels on up to <paramref name="maxThreads"/> threads.</summary>
    void AddBatchParallel(ReadOnlySpan<int> labels, VectorAccessor vectorOf, int maxThreads);

    /// <summary>Tombstones the node of a label (no-op when absent).</summary>
    void Remove(int label);

    /// <summary>
    /// Up to <paramref name="k"/> labels closest to the query, ascending by ranking key, among
    /// live nodes that <paramref name="accept"/> admits. Throws <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellation"/> is cancelled (checked every few dozen expansions).
    /// </summary>
    int Search(ReadOnlySpan<float> query, int k, int ef, Func<int, bool>? accept, Span<float> distances, Span<int> labels, CancellationToken cancellation = default);

    /// <summary>True when the graph changed since it was last saved.</summary>
    bool IsDirty { get; }

    /// <summary>The label a node indexes, or -1 for a tombstone.</summary>
    int LabelOfLiveNode(int node);

    /// <summary>Whether the live node of <paramref name="label"/> holds exactly <paramref name="vector"/> (as the index would store it).</summary>
    bool Holds(int label, ReadOnlySpan<float> vector);

    /// <summary>Writes the graph atomically.</summary>
    void Save(string path);

    /// <summary>
    /// Renumbers the nodes in breadth-first order over layer 0 from the entry point, so nodes a
    /// search visits together sit next to each other in memory; the graph, labels and results are
    /// unchanged. Needs exclusive access (no concurrent search or insert). Returns how many nodes
    /// moved.
    /// </summary>
    int ReorderForLocality();

    /// <summary>Problems found in the graph structure (empty when sound).</summary>
    IReadOnlyList<string> CheckIntegrity();
}
