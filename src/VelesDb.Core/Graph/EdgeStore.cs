using VelesDb.Core.Errors;

namespace VelesDb.Core.Graph;

/// <summary>One edge as traversal sees it: its id, dense endpoint indices and interned label.</summary>
internal struct EdgeSlot
{
    /// <summary>The edge id.</summary>
    public ulong Id;

    /// <summary>Insertion sequence number; snapshots write edges in this order so adjacency order survives a reload.</summary>
    public long Sequence;

    /// <summary>Dense index of the source node.</summary>
    public int Source;

    /// <summary>Dense index of the target node.</summary>
    public int Target;

    /// <summary>Interned label id.</summary>
    public int Label;
}

/// <summary>
/// The in-memory edge store of one collection (spec §5.1–5.2).
/// </summary>
/// <remarks>
/// <para>
/// <b>Not thread-safe by itself.</b> The owning collection's reader-writer lock guards it: any
/// number of concurrent readers (lookups, traversals, including <see cref="GraphTraversal.BfsParallel"/>)
/// or one writer. Endpoint existence is not checked here; the collection does it and raises
/// <see cref="VelesDbErrorCode.NodeNotFound"/>.
/// </para>
/// <para>
/// Layout: edges live in a struct array (<see cref="EdgeSlot"/>) with free-list reuse and a
/// parallel array of the <see cref="GraphEdge"/> objects; edge id → slot is a dictionary. Node
/// ids map to dense indices (reused through a free list when a node loses its last edge), and
/// each dense node has an outgoing and an incoming <see cref="AdjacencyList"/> of slot indices in
/// insertion order. Labels are interned (string ↔ int) and never un-interned, so label ids stay
/// stable for the store's lifetime.
/// </para>
/// </remarks>
internal sealed partial class EdgeStore
{
    private readonly Dictionary<ulong, int> _slotById = [];
    private readonly Stack<int> _freeSlots = new();
    private EdgeSlot[] _slots = new EdgeSlot[16];
    private GraphEdge?[] _edges = new GraphEdge?[16];
    private int _slotHighWater;
    private long _nextSequence;
    private ulong? _highestId;

    private readonly Dictionary<ulong, int> _nodeById = [];
    private readonly Stack<int> _freeNodes = new();
    private ulong[] _nodeIds = new ulong[16];
    private AdjacencyList[] _out = new AdjacencyList[16];
    private AdjacencyList[] _in = new AdjacencyList[16];
    private int _nodeHighWater;

    private readonly Dictionary<string, int> _labelIds = new(StringComparer.Ordinal);
    private readonly List<string> _labels = [];
    private readonly List<int> _labelEdgeCounts = [];

    /// <summary>The number of edges.</summary>
    public int Count => _slotById.Count;

    /// <summary>
    /// The highest edge id ever added to this store (removed edges included), or null when none was;
    /// every live id is at or below it, so the next id is collision-free.
    /// </summary>
    public ulong? HighestId => _highestId;

    /// <summary>The number of nodes that have at least one edge.</summary>
    public int NodeCount => _nodeById.Count;

    /// <summary>The number of interned labels (including labels whose edges were all removed).</summary>
    public int LabelCount => _labels.Count;

    /// <summary>Adds an edge. A duplicate id gives <see cref="VelesDbErrorCode.EdgeExists"/>.</summary>
    public void Add(GraphEdge edge)
    {
        ArgumentNullException.ThrowIfNull(edge);
        if (_slotById.ContainsKey(edge.Id))
        {
            ThrowEdgeExists(edge.Id);
        }

        AddUnchecked(edge);
    }

    /// <summary>
    /// Adds several edges, all or nothing: every edge is validated first (null entries give
    /// <see cref="VelesDbErrorCode.Config"/>; an id repeated inside the batch or already stored gives
    /// <see cref="VelesDbErrorCode.EdgeExists"/>) and nothing is added unless all pass.
    /// </summary>
    public void AddBatch(IReadOnlyList<GraphEdge> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var seen = new Dictionary<ulong, int>(edges.Count);
        for (var i = 0; i < edges.Count; i++)
        {
            var edge = edges[i];
            if (edge is null)
            {
                ThrowHelper.Throw(VelesDbErrorCode.Config, $"Edge at position {i} of the batch is null.");
            }

            if (_slotById.ContainsKey(edge.Id))
            {
                ThrowEdgeExists(edge.Id);
            }

            if (!seen.TryAdd(edge.Id, i))
            {
                ThrowHelper.Throw(VelesDbErrorCode.EdgeExists, $"Edge id {edge.Id} appears twice in one batch (positions {seen[edge.Id]} and {i}).");
            }
        }

        for (var i = 0; i < edges.Count; i++)
        {
            AddUnchecked(edges[i]);
        }
    }

    /// <summary>Removes an edge.</summary>
    /// <returns>False when no edge has that id.</returns>
    public bool Remove(ulong edgeId)
    {
        if (!_slotById.TryGetValue(edgeId, out var slot))
        {
            return false;
        }

        ref readonly var s = ref _slots[slot];
        _out[s.Source].Remove(slot);
        _in[s.Target].Remove(slot);
        var source = s.Source;
        var target = s.Target;
        FreeSlot(slot);
        ReleaseNodeIfIsolated(source);
        if (target != source)
        {
            ReleaseNodeIfIsolated(target);
        }

        return true;
    }

    /// <summary>True when an edge has that id.</summary>
    public bool Contains(ulong edgeId) => _slotById.ContainsKey(edgeId);

    /// <summary>The edge with that id, or null.</summary>
    public GraphEdge? Get(ulong edgeId) => _slotById.TryGetValue(edgeId, out var slot) ? _edges[slot] : null;

    /// <summary>Edges leaving <paramref name="node"/> in insertion order, optionally only those labelled <paramref name="label"/>.</summary>
    public IReadOnlyList<GraphEdge> GetOutgoing(ulong node, string? label = null) => Collect(node, _out, label);

    /// <summary>Edges entering <paramref name="node"/> in insertion order, optionally only those labelled <paramref name="label"/>.</summary>
    public IReadOnlyList<GraphEdge> GetIncoming(ulong node, string? label = null) => Collect(node, _in, label);

    /// <summary>
    /// Every edge, or every edge labelled <paramref name="label"/> (case-sensitive, trimmed), in
    /// ascending id order. An unknown label gives an empty list.
    /// </summary>
    public IReadOnlyList<GraphEdge> GetEdges(string? label = null)
    {
        var labelId = -1;
        if (label is not null)
        {
            if (!TryGetLabelId(label, out labelId) || _labelEdgeCounts[labelId] == 0)
            {
                return [];
            }
        }

        var result = new List<GraphEdge>(labelId < 0 ? Count : _labelEdgeCounts[labelId]);
        for (var i = 0; i < _slotHighWater; i++)
        {
            if (_edges[i] is { } edge && (labelId < 0 || _slots[i].Label == labelId))
            {
                result.Add(edge);
            }
        }

        result.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        return result;
    }

    /// <summary>
    /// The in- and out-degree of <paramref name="node"/> ((0, 0) for a node without edges). A
    /// self-loop counts once in each.
    /// </summary>
    public (int In, int Out) Degree(ulong node) =>
        _nodeById.TryGetValue(node, out var n) ? (_in[n].Count, _out[n].Count) : (0, 0);

    /// <summary>
    /// Removes every edge touching <paramref name="node"/> (the cascade of a node delete) and
    /// returns them: outgoing edges first, then incoming ones, each in insertion order; a self-loop
    /// appears once. Costs O(degree of the node + degrees of its neighbours).
    /// </summary>
    public IReadOnlyList<GraphEdge> RemoveNodeEdges(ulong node)
    {
        if (!_nodeById.TryGetValue(node, out var n))
        {
            return [];
        }

        var removed = new List<GraphEdge>(_out[n].Count + _in[n].Count);
        foreach (var slot in _out[n].AsSpan())
        {
            var target = _slots[slot].Target;
            removed.Add(_edges[slot]!);
            FreeSlot(slot);
            if (target != n)
            {
                _in[target].Remove(slot);
                ReleaseNodeIfIsolated(target);
            }
        }

        foreach (var slot in _in[n].AsSpan())
        {
            // A self-loop was freed by the outgoing pass; the freed slot still holds its data
            // because nothing can reuse it before this method returns.
            var source = _slots[slot].Source;
            if (source == n)
            {
                continue;
            }

            removed.Add(_edges[slot]!);
            FreeSlot(slot);
            _out[source].Remove(slot);
            ReleaseNodeIfIsolated(source);
        }

        _out[n].Clear();
        _in[n].Clear();
        ReleaseNodeIfIsolated(n);
        return removed;
    }

    /// <summary>Ids of the nodes that have at least one edge, ascending.</summary>
    public ulong[] NodeIds()
    {
        var ids = new ulong[_nodeById.Count];
        _nodeById.Keys.CopyTo(ids, 0);
        Array.Sort(ids);
        return ids;
    }

    /// <summary>The interned id of <paramref name="label"/> (compared after trimming, case-sensitive).</summary>
    public bool TryGetLabelId(string label, out int labelId)
    {
        ArgumentNullException.ThrowIfNull(label);
        return _labelIds.TryGetValue(label.Trim(), out labelId);
    }

    /// <summary>The label text of an interned id.</summary>
    public string LabelOf(int labelId) => _labels[labelId];

    /// <summary>How many live edges carry an interned label.</summary>
    public int EdgeCountForLabel(int labelId) => _labelEdgeCounts[labelId];

    /// <summary>The dense index of a node id, for traversal.</summary>
    internal bool TryGetNodeIndex(ulong node, out int index) => _nodeById.TryGetValue(node, out index);

    /// <summary>The node id of a dense index.</summary>
    internal ulong NodeIdAt(int index) => _nodeIds[index];

    /// <summary>Dense node indices are below this bound.</summary>
    internal int NodeCapacity => _nodeHighWater;

    /// <summary>The edge slots; only slots named by adjacency lists are live.</summary>
    internal EdgeSlot[] Slots => _slots;

    /// <summary>The outgoing slot indices of a dense node, in insertion order.</summary>
    internal ReadOnlySpan<int> OutgoingSlots(int node) => _out[node].AsSpan();

    /// <summary>The incoming slot indices of a dense node, in insertion order.</summary>
    internal ReadOnlySpan<int> IncomingSlots(int node) => _in[node].AsSpan();

    private List<GraphEdge> Collect(ulong node, AdjacencyList[] lists, string? label)
    {
        if (!_nodeById.TryGetValue(node, out var n))
        {
            return [];
        }

        var labelId = -1;
        if (label is not null && !TryGetLabelId(label, out labelId))
        {
            return [];
        }

        var slots = lists[n].AsSpan();
        var result = new List<GraphEdge>(labelId < 0 ? slots.Length : 4);
        foreach (var slot in slots)
        {
            if (labelId < 0 || _slots[slot].Label == labelId)
            {
                result.Add(_edges[slot]!);
            }
        }

        return result;
    }

    private void AddUnchecked(GraphEdge edge)
    {
        _highestId = _highestId is { } h && h >= edge.Id ? h : edge.Id;
        var labelId = InternLabel(edge.Label);
        var source = GetOrAddNode(edge.Source);
        var target = GetOrAddNode(edge.Target);
        int slot;
        if (_freeSlots.Count > 0)
        {
            slot = _freeSlots.Pop();
        }
        else
        {
            if (_slotHighWater == _slots.Length)
            {
                var capacity = _slots.Length * 2;
                Array.Resize(ref _slots, capacity);
                Array.Resize(ref _edges, capacity);
            }

            slot = _slotHighWater++;
        }

        _slots[slot] = new EdgeSlot { Id = edge.Id, Sequence = _nextSequence++, Source = source, Target = target, Label = labelId };
        _edges[slot] = edge;
        _slotById.Add(edge.Id, slot);
        _out[source].Add(slot);
        _in[target].Add(slot);
        _labelEdgeCounts[labelId]++;
    }

    private void FreeSlot(int slot)
    {
        _labelEdgeCounts[_slots[slot].Label]--;
        _slotById.Remove(_slots[slot].Id);
        _edges[slot] = null;
        _freeSlots.Push(slot);
    }

    private int InternLabel(string label)
    {
        if (!_labelIds.TryGetValue(label, out var id))
        {
            id = _labels.Count;
            _labels.Add(label);
            _labelEdgeCounts.Add(0);
            _labelIds.Add(label, id);
        }

        return id;
    }

    private int GetOrAddNode(ulong node)
    {
        if (_nodeById.TryGetValue(node, out var index))
        {
            return index;
        }

        if (_freeNodes.Count > 0)
        {
            index = _freeNodes.Pop();
        }
        else
        {
            if (_nodeHighWater == _nodeIds.Length)
            {
                var capacity = _nodeIds.Length * 2;
                Array.Resize(ref _nodeIds, capacity);
                Array.Resize(ref _out, capacity);
                Array.Resize(ref _in, capacity);
            }

            index = _nodeHighWater++;
        }

        _nodeIds[index] = node;
        _nodeById.Add(node, index);
        return index;
    }

    private void ReleaseNodeIfIsolated(int index)
    {
        if (_out[index].Count == 0 && _in[index].Count == 0 && _nodeById.Remove(_nodeIds[index]))
        {
            _out[index].Clear();
            _in[index].Clear();
            _freeNodes.Push(index);
        }
    }

    private static void ThrowEdgeExists(ulong id) =>
        ThrowHelper.Throw(VelesDbErrorCode.EdgeExists, $"An edge with id {id} already exists.");
}
