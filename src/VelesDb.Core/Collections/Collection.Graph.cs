using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    private EdgeStore _edges = new();

    /// <summary>Adds one directed edge between two points of this collection.</summary>
    /// <exception cref="VelesDbException">VELES-022 when an endpoint is not a point of the collection;
    /// VELES-019 when the edge id exists.</exception>
    public void AddEdge(GraphEdge edge) => AddEdges([edge]);

    /// <summary>
    /// Adds one directed edge under a new id: the highest edge id this collection has held since it
    /// was opened, plus one (ids of removed edges are not reused). A concurrent writer taking the same
    /// id makes it retry with the next one.
    /// </summary>
    /// <returns>The new edge's id.</returns>
    /// <exception cref="VelesDbException">As <see cref="AddEdge(GraphEdge)"/>; VELES-023 when the
    /// highest id is <see cref="ulong.MaxValue"/>, so no higher one is free.</exception>
    public ulong AddEdge(ulong source, ulong target, string label, JsonElement? properties = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            var id = HighestEdgeId switch
            {
                null => 1UL,
                ulong.MaxValue => throw new VelesDbException(
                    VelesDbErrorCode.Overflow,
                    $"Collection '{Name}' has used edge id {ulong.MaxValue}, so no higher id is free; give the edge an explicit id."),
                var highest => highest.Value + 1,
            };
            try
            {
                AddEdge(new GraphEdge(id, source, target, label, properties));
                return id;
            }
            catch (VelesDbException e) when (e.Code == VelesDbErrorCode.EdgeExists && attempt < 8)
            {
                // Another writer took the id between the read and the add: take the next one.
            }
        }
    }

    /// <summary>
    /// Adds directed edges, all or nothing: every endpoint must be a point of this collection
    /// (VELES-022) and every edge id new, also within the batch (VELES-019). Edge writes go through
    /// the write-ahead log like point writes and are durable when this returns (per the
    /// durability mode). Deleting a point removes its edges.
    /// </summary>
    public void AddEdges(IReadOnlyList<GraphEdge> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (edges.Count == 0)
        {
            return;
        }

        var ids = new HashSet<ulong>();
        foreach (var edge in edges)
        {
            if (edge is null)
            {
                ThrowHelper.Throw(VelesDbErrorCode.Config, "An edge batch contains a null edge.");
            }

            if (!ids.Add(edge.Id))
            {
                ThrowHelper.Throw(VelesDbErrorCode.EdgeExists, $"Edge {edge.Id} appears twice in the batch.");
            }
        }

        var body = _options.Durability != DurabilityMode.None ? EncodeEdges(edges) : null;
        ulong lsn = 0;
        WriteAheadLog wal;
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            foreach (var edge in edges)
            {
                if (_edges.Contains(edge.Id))
                {
                    ThrowHelper.Throw(VelesDbErrorCode.EdgeExists, $"Edge {edge.Id} already exists in collection '{Name}'.");
                }

                foreach (var node in (ReadOnlySpan<ulong>)[edge.Source, edge.Target])
                {
                    if (!_rowById.ContainsKey(node))
                    {
                        ThrowHelper.Throw(VelesDbErrorCode.NodeNotFound, $"Edge {edge.Id}: node {node} is not a point of collection '{Name}'.");
                    }
                }

                Schema?.ValidateEdge(edge, _graphIndexes.LabelsOf(edge.Source), _graphIndexes.LabelsOf(edge.Target));
            }

            if (body is not null)
            {
                lsn = _wal.Append(WalRecordType.AddEdges, body.WrittenSpan);
                BumpWriteGeneration();
            }

            _edges.AddBatch(edges);
            MaybeCheckpointLocked();
            wal = _wal;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        if (lsn != 0)
        {
            wal.WaitDurable(lsn);
        }
    }

    /// <summary>Removes one edge; true when it existed.</summary>
    public bool RemoveEdge(ulong edgeId) => RemoveEdges([edgeId]) == 1;

    /// <summary>Removes edges by id. Idempotent: absent ids are ignored. Returns how many existed.</summary>
    public int RemoveEdges(IReadOnlyList<ulong> edgeIds) =>
        RemoveLogged(edgeIds, WalRecordType.RemoveEdges, id => _edges.Contains(id), id => _edges.Remove(id));

    /// <summary>The edge with this id, or null.</summary>
    public GraphEdge? GetEdge(ulong edgeId) => ReadGraph(store => store.Get(edgeId));

    /// <summary>Edges leaving <paramref name="node"/> (optionally with one label), in insertion order.</summary>
    public IReadOnlyList<GraphEdge> GetOutgoingEdges(ulong node, string? label = null) => ReadGraph(store => store.GetOutgoing(node, label));

    /// <summary>Edges arriving at <paramref name="node"/> (optionally with one label), in insertion order.</summary>
    public IReadOnlyList<GraphEdge> GetIncomingEdges(ulong node, string? label = null) => ReadGraph(store => store.GetIncoming(node, label));

    /// <summary>
    /// The edges of <paramref name="node"/> in one direction (optionally with one label): outgoing,
    /// incoming, or both — outgoing first, then incoming, a self-loop listed once — read under one lock.
    /// </summary>
    public IReadOnlyList<GraphEdge> GetNodeEdges(ulong node, TraversalDirection direction, string? label = null) =>
        ReadGraph<IReadOnlyList<GraphEdge>>(store => direction switch
        {
            TraversalDirection.Outgoing => store.GetOutgoing(node, label),
            TraversalDirection.Incoming => store.GetIncoming(node, label),
            _ => [.. store.GetOutgoing(node, label), .. store.GetIncoming(node, label).Where(e => e.Source != node)],
        });

    /// <summary>Every edge (optionally with one label), by ascending id.</summary>
    public IReadOnlyList<GraphEdge> GetEdges(string? label = null) => ReadGraph(store => store.GetEdges(label));

    /// <summary>
    /// The highest edge id added since the collection was opened (or loaded at open), or null when
    /// none: an id above it is free.
    /// </summary>
    internal ulong? HighestEdgeId => ReadGraph(store => store.HighestId);

    /// <summary>Number of edges.</summary>
    public int EdgeCount => ReadGraph(store => store.Count);

    /// <summary>In- and out-degree of <paramref name="node"/> (0, 0 when it has no edges).</summary>
    public (int In, int Out) NodeDegree(ulong node) => ReadGraph(store => store.Degree(node));

    /// <summary>
    /// Breadth-first traversal from <paramref name="start"/> (engine spec §5.3): each reachable node
    /// once, at its shortest depth within [MinDepth, MaxDepth], with the edge path from the start;
    /// the start itself is never returned. A start without edges gives no results.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-009 when the configuration is invalid (MaxDepth above 100, MinDepth above MaxDepth, Limit below 1).</exception>
    public TraversalOutcome TraverseBfs(ulong start, TraversalConfig? config = null) =>
        ReadGraph(store => GraphTraversal.Bfs(store, start, config ?? new TraversalConfig()));

    /// <summary>Depth-first traversal with the same configuration and result shape as <see cref="TraverseBfs"/>.</summary>
    public TraversalOutcome TraverseDfs(ulong start, TraversalConfig? config = null) =>
        ReadGraph(store => GraphTraversal.Dfs(store, start, config ?? new TraversalConfig()));

    /// <summary>Breadth-first traversals from many starts (in parallel above 100), merged without duplicates and cut at the limit.</summary>
    public TraversalOutcome TraverseBfsParallel(IReadOnlyList<ulong> starts, TraversalConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(starts);
        return ReadGraph(store => GraphTraversal.BfsParallel(store, starts, config ?? new TraversalConfig()));
    }

    private T ReadGraph<T>(Func<EdgeStore, T> read)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return read(_edges);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>AddEdges body: u32 count, then per edge u64 id, u64 source, u64 target, u32 label length, UTF-8 label, i32 properties length (−1 = none), UTF-8 JSON.</summary>
    private static ArrayBufferWriter<byte> EncodeEdges(IReadOnlyList<GraphEdge> edges)
    {
        var writer = new ArrayBufferWriter<byte>();
        BinaryPrimitives.WriteUInt32LittleEndian(writer.GetSpan(4), (uint)edges.Count);
        writer.Advance(4);
        foreach (var edge in edges)
        {
            var label = Encoding.UTF8.GetBytes(edge.Label);
            byte[]? properties = edge.Properties is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } p ? SerializePayload(p) : null;
            var span = writer.GetSpan(32 + label.Length + (properties?.Length ?? 0));
            BinaryPrimitives.WriteUInt64LittleEndian(span, edge.Id);
            BinaryPrimitives.WriteUInt64LittleEndian(span[8..], edge.Source);
            BinaryPrimitives.WriteUInt64LittleEndian(span[16..], edge.Target);
            BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)label.Length);
            label.CopyTo(span[28..]);
            var pos = 28 + label.Length;
            BinaryPrimitives.WriteInt32LittleEndian(span[pos..], properties?.Length ?? -1);
            properties?.CopyTo(span[(pos + 4)..]);
            writer.Advance(pos + 4 + (properties?.Length ?? 0));
        }

        return writer;
    }

    /// <summary>Delete and RemoveEdges body: u32 count, then the u64 ids.</summary>
    private static byte[] EncodeIds(List<ulong> ids)
    {
        var body = new byte[4 + (ids.Count * 8)];
        BinaryPrimitives.WriteUInt32LittleEndian(body, (uint)ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(4 + (i * 8)), ids[i]);
        }

        return body;
    }

    /// <summary>Replays an AddEdges or RemoveEdges record.</summary>
    private void ApplyEdgeRecord(WalRecordType type, ulong lsn, ReadOnlySpan<byte> body)
    {
        if (body.Length < 4)
        {
            ThrowBadRecord(lsn);
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(body);
        if (type == WalRecordType.RemoveEdges)
        {
            if ((ulong)body.Length != 4 + (count * 8UL))
            {
                ThrowBadRecord(lsn);
            }

            for (var i = 0; i < count; i++)
            {
                _edges.Remove(BinaryPrimitives.ReadUInt64LittleEndian(body[(4 + (i * 8))..]));
            }

            return;
        }

        var edges = new List<GraphEdge>();
        var pos = 4;
        try
        {
            for (var i = 0u; i < count; i++)
            {
                var id = BinaryPrimitives.ReadUInt64LittleEndian(body[pos..]);
                var source = BinaryPrimitives.ReadUInt64LittleEndian(body[(pos + 8)..]);
                var target = BinaryPrimitives.ReadUInt64LittleEndian(body[(pos + 16)..]);
                var labelLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[(pos + 24)..]);
                var label = Encoding.UTF8.GetString(body.Slice(pos + 28, labelLength));
                pos += 28 + labelLength;
                var propertiesLength = BinaryPrimitives.ReadInt32LittleEndian(body[pos..]);
                pos += 4;
                JsonElement? properties = propertiesLength >= 0 ? ParsePayload(body.Slice(pos, propertiesLength)) : null;
                pos += Math.Max(0, propertiesLength);
                edges.Add(new GraphEdge(id, source, target, label, properties));
            }
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or JsonException or VelesDbException)
        {
            ThrowBadRecord(lsn);
        }

        if (pos != body.Length)
        {
            ThrowBadRecord(lsn);
        }

        _edges.AddBatch(edges);
    }

    private string EdgeSnapshotPath(ulong lsn) => Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"edges-{lsn:x16}.snap"));

    /// <summary>Writes the edges of the checkpoint about to be written (next LSN <paramref name="lsn"/>); false when there are none.</summary>
    private bool WriteEdgeSnapshotLocked(ulong lsn)
    {
        if (_edges.Count == 0)
        {
            return false;
        }

        FileSync.WriteAtomic(EdgeSnapshotPath(lsn), _edges.Save);
        return true;
    }

    /// <summary>Deletes edge snapshots of other checkpoints than the one at <paramref name="keepLsn"/>.</summary>
    private void RemoveStaleEdgeSnapshots(ulong keepLsn, bool keep) =>
        RemoveStaleImages("edges-*.snap", Path.GetFileName(EdgeSnapshotPath(keepLsn)), keep);

    /// <summary>Loads the edges of the checkpoint just read (before the WAL replay).</summary>
    private void LoadEdgesLocked(PointSnapshot snapshot)
    {
        _edges = new EdgeStore();
        if (!snapshot.HasEdges)
        {
            RemoveStaleEdgeSnapshots(snapshot.NextLsn, keep: false);
            return;
        }

        var path = EdgeSnapshotPath(snapshot.NextLsn);
        if (!File.Exists(path))
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{PointSnapshot.PathIn(_directory)}' records edges in '{path}', which is missing.");
        }

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            _edges = EdgeStore.Load(stream);
        }

        // Left by a checkpoint that crashed before its points.snap landed.
        RemoveStaleEdgeSnapshots(snapshot.NextLsn, keep: true);
    }
}
