namespace VelesDb.Core.Graph;

/// <summary>
/// Breadth- and depth-first traversal over an <see cref="EdgeStore"/> (spec §5.3).
/// </summary>
/// <remarks>
/// <para>
/// Common rules: the start node is never emitted; each node is emitted at most once, the first
/// time the traversal reaches it, and only when MinDepth ≤ depth ≤ MaxDepth (traversal still
/// continues through shallower nodes); the traversal stops after <see cref="TraversalConfig.Limit"/>
/// results; neighbours are visited in edge insertion order (outgoing edges before incoming ones
/// for <see cref="TraversalDirection.Both"/>); the rel-type filter is a lookup on interned label
/// ids, and a label the store has never seen matches nothing. A passed deadline stops the
/// traversal and returns the partial results with <see cref="TraversalOutcome.TimedOut"/> set
/// (checked before starting and every 1,024 adjacency entries).
/// </para>
/// <para>
/// BFS reaches every node first at its shortest depth, so a node whose shortest distance is below
/// MinDepth is not emitted even if a longer path of an accepted length exists. DFS emits a node
/// at the depth of the first DFS path that reaches it (not necessarily the shortest); a node
/// reached again by a strictly shorter path is expanded again (not re-emitted), so DFS reaches
/// every node BFS reaches and, for MinDepth ≤ 1, emits the same set of nodes.
/// </para>
/// <para>
/// Scratch memory (epoch-stamped visited marks over dense node indices, the queue and the stack)
/// is kept per thread and reused, so a traversal allocates only its results and their paths.
/// Callers hold the collection's read lock; concurrent traversals are safe.
/// </para>
/// </remarks>
internal static class GraphTraversal
{
    /// <summary>Parallel BFS runs the starts on the thread pool above this many starts.</summary>
    public const int ParallelThreshold = 100;

    private const int DeadlineCheckMask = 1023;

    [ThreadStatic]
    private static Scratch? _threadScratch;

    /// <summary>Breadth-first traversal from <paramref name="start"/>.</summary>
    public static TraversalOutcome Bfs(EdgeStore store, ulong start, TraversalConfig config)
    {
        var filter = Prepare(store, config, out var matchesNothing);
        return BfsCore(store, start, config, filter, matchesNothing);
    }

    /// <summary>Depth-first traversal from <paramref name="start"/>.</summary>
    public static TraversalOutcome Dfs(EdgeStore store, ulong start, TraversalConfig config)
    {
        var filter = Prepare(store, config, out var matchesNothing);
        if (Expired(config.Deadline))
        {
            return new TraversalOutcome([], true, false, 0, 0);
        }

        if (matchesNothing || !store.TryGetNodeIndex(start, out var root))
        {
            return new TraversalOutcome([], false, false, 0, 0);
        }

        var scratch = Scratch.Begin(store.NodeCapacity, config.MaxDepth + 1);
        var stamp = scratch.Stamp;
        var best = scratch.BestDepth;
        var epoch = scratch.Epoch;
        var frameNode = scratch.FrameNode;
        var frameSlot = scratch.FrameSlot;
        var frameCursor = scratch.FrameCursor;
        var slots = store.Slots;
        var followOut = config.Direction != TraversalDirection.Incoming;
        var followIn = config.Direction != TraversalDirection.Outgoing;
        var results = new List<TraversalResult>();
        long scanned = 0;
        long visited = 0;
        var timedOut = false;
        var limitReached = false;

        stamp[root] = epoch;
        best[root] = 0;
        var top = 0;
        frameNode[0] = root;
        frameSlot[0] = -1;
        frameCursor[0] = 0;
        while (top >= 0)
        {
            var node = frameNode[top];
            var outgoing = followOut ? store.OutgoingSlots(node) : default;
            var incoming = followIn ? store.IncomingSlots(node) : default;
            var cursor = frameCursor[top];
            if (cursor >= outgoing.Length + incoming.Length)
            {
                top--;
                continue;
            }

            frameCursor[top] = cursor + 1;
            var isIncoming = cursor >= outgoing.Length;
            var slot = isIncoming ? incoming[cursor - outgoing.Length] : outgoing[cursor];
            scanned++;
            if ((scanned & DeadlineCheckMask) == 0 && Expired(config.Deadline))
            {
                timedOut = true;
                break;
            }

            ref readonly var edge = ref slots[slot];
            if (filter is not null && !filter[edge.Label])
            {
                continue;
            }

            var next = isIncoming ? edge.Source : edge.Target;
            var depth = top + 1;
            if (stamp[next] != epoch)
            {
                stamp[next] = epoch;
                best[next] = depth;
                visited++;
                if (depth >= config.MinDepth)
                {
                    var path = new ulong[depth];
                    for (var i = 1; i <= top; i++)
                    {
                        path[i - 1] = slots[frameSlot[i]].Id;
                    }

                    path[depth - 1] = edge.Id;
                    results.Add(new TraversalResult(start, store.NodeIdAt(next), depth, path));
                    if (results.Count >= config.Limit)
                    {
                        limitReached = true;
                        break;
                    }
                }
            }
            else if (depth < best[next])
            {
                best[next] = depth;
            }
            else
            {
                continue;
            }

            if (depth < config.MaxDepth)
            {
                top++;
                frameNode[top] = next;
                frameSlot[top] = slot;
                frameCursor[top] = 0;
            }
        }

        return new TraversalOutcome(results, timedOut, limitReached, scanned, visited);
    }

    /// <summary>
    /// BFS from each of <paramref name="starts"/> (on the thread pool above
    /// <see cref="ParallelThreshold"/> starts), merged in start order then BFS order, deduplicated
    /// by (target, path) signature and truncated to <see cref="TraversalConfig.Limit"/>.
    /// </summary>
    /// <remarks>
    /// A (target, path) pair determines its start: walking the path backwards from the target,
    /// each edge's other endpoint is the previous node. So two results share a signature only when
    /// they come from the same start, and, since one BFS never emits a target twice, deduplicating
    /// the signatures is the same as running each distinct start once (first occurrence kept),
    /// which is what this does instead of hashing every path.
    /// </remarks>
    public static TraversalOutcome BfsParallel(EdgeStore store, IReadOnlyList<ulong> starts, TraversalConfig config)
    {
        ArgumentNullException.ThrowIfNull(starts);
        var filter = Prepare(store, config, out var matchesNothing);
        var distinct = new List<ulong>(starts.Count);
        var seen = new HashSet<ulong>();
        foreach (var start in starts)
        {
            if (seen.Add(start))
            {
                distinct.Add(start);
            }
        }

        var outcomes = new TraversalOutcome?[distinct.Count];
        if (distinct.Count > ParallelThreshold)
        {
            Parallel.For(0, distinct.Count, i => outcomes[i] = BfsCore(store, distinct[i], config, filter, matchesNothing));
        }
        else
        {
            // Sequentially, later starts are not needed once the limit is met.
            var total = 0;
            for (var i = 0; i < distinct.Count && total < config.Limit; i++)
            {
                outcomes[i] = BfsCore(store, distinct[i], config, filter, matchesNothing);
                total += outcomes[i]!.Results.Count;
            }
        }

        var merged = new List<TraversalResult>();
        long scanned = 0;
        long visited = 0;
        var timedOut = false;
        var limitReached = false;
        foreach (var outcome in outcomes)
        {
            if (outcome is null)
            {
                limitReached = true;
                continue;
            }

            scanned += outcome.EdgesScanned;
            visited += outcome.NodesVisited;
            timedOut |= outcome.TimedOut;
            limitReached |= outcome.LimitReached;
            var take = Math.Min(outcome.Results.Count, config.Limit - merged.Count);
            if (take < outcome.Results.Count)
            {
                limitReached = true;
            }

            for (var i = 0; i < take; i++)
            {
                merged.Add(outcome.Results[i]);
            }
        }

        return new TraversalOutcome(merged, timedOut, limitReached, scanned, visited);
    }

    private static TraversalOutcome BfsCore(EdgeStore store, ulong start, TraversalConfig config, bool[]? filter, bool matchesNothing)
    {
        if (Expired(config.Deadline))
        {
            return new TraversalOutcome([], true, false, 0, 0);
        }

        if (matchesNothing || !store.TryGetNodeIndex(start, out var root))
        {
            return new TraversalOutcome([], false, false, 0, 0);
        }

        var scratch = Scratch.Begin(store.NodeCapacity, 0);
        var stamp = scratch.Stamp;
        var epoch = scratch.Epoch;
        var slots = store.Slots;
        var followOut = config.Direction != TraversalDirection.Incoming;
        var followIn = config.Direction != TraversalDirection.Outgoing;
        var results = new List<TraversalResult>();
        long scanned = 0;
        long visited = 0;
        var timedOut = false;
        var limitReached = false;

        // The queue doubles as the parent table: entry i reached node QueueNode[i] at depth
        // QueueDepth[i] through slot QueueSlot[i] from entry QueueParent[i]. Only nodes that will be
        // expanded (depth < MaxDepth) are queued; results rebuild their path from the parent chain.
        stamp[root] = epoch;
        scratch.EnsureQueue(1);
        scratch.QueueNode[0] = root;
        scratch.QueueDepth[0] = 0;
        scratch.QueueSlot[0] = -1;
        scratch.QueueParent[0] = -1;
        var tail = 1;
        for (var head = 0; head < tail; head++)
        {
            var node = scratch.QueueNode[head];
            var depth = scratch.QueueDepth[head] + 1;
            for (var pass = 0; pass < 2; pass++)
            {
                var isIncoming = pass == 1;
                if (isIncoming ? !followIn : !followOut)
                {
                    continue;
                }

                var adjacency = isIncoming ? store.IncomingSlots(node) : store.OutgoingSlots(node);
                foreach (var slot in adjacency)
                {
                    scanned++;
                    if ((scanned & DeadlineCheckMask) == 0 && Expired(config.Deadline))
                    {
                        timedOut = true;
                        goto Done;
                    }

                    ref readonly var edge = ref slots[slot];
                    if (filter is not null && !filter[edge.Label])
                    {
                        continue;
                    }

                    var next = isIncoming ? edge.Source : edge.Target;
                    if (stamp[next] == epoch)
                    {
                        continue;
                    }

                    stamp[next] = epoch;
                    visited++;
                    if (depth >= config.MinDepth)
                    {
                        results.Add(new TraversalResult(start, store.NodeIdAt(next), depth, BuildPath(scratch, slots, head, edge.Id, depth)));
                        if (results.Count >= config.Limit)
                        {
                            limitReached = true;
                            goto Done;
                        }
                    }

                    if (depth < config.MaxDepth)
                    {
                        scratch.EnsureQueue(tail + 1);
                        scratch.QueueNode[tail] = next;
                        scratch.QueueDepth[tail] = depth;
                        scratch.QueueSlot[tail] = slot;
                        scratch.QueueParent[tail] = head;
                        tail++;
                    }
                }
            }
        }

    Done:
        scratch.TrimQueue();
        return new TraversalOutcome(results, timedOut, limitReached, scanned, visited);
    }

    private static ulong[] BuildPath(Scratch scratch, EdgeSlot[] slots, int parentEntry, ulong lastEdge, int depth)
    {
        var path = new ulong[depth];
        path[depth - 1] = lastEdge;
        var entry = parentEntry;
        for (var i = depth - 2; i >= 0; i--)
        {
            path[i] = slots[scratch.QueueSlot[entry]].Id;
            entry = scratch.QueueParent[entry];
        }

        return path;
    }

    /// <summary>Validates the config and resolves the rel-type filter to a per-label-id table.</summary>
    private static bool[]? Prepare(EdgeStore store, TraversalConfig config, out bool matchesNothing)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        matchesNothing = false;
        if (config.RelTypes.Count == 0)
        {
            return null;
        }

        var filter = new bool[store.LabelCount];
        matchesNothing = true;
        foreach (var label in config.RelTypes)
        {
            if (store.TryGetLabelId(label, out var id))
            {
                filter[id] = true;
                matchesNothing = false;
            }
        }

        return filter;
    }

    /// <summary>True once the deadline has passed; a deadline of unspecified kind is taken as UTC.</summary>
    private static bool Expired(DateTime? deadline) =>
        deadline is { } d && DateTime.UtcNow.Ticks >= (d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : d).Ticks;

    /// <summary>Per-thread reusable traversal memory.</summary>
    private sealed class Scratch
    {
        private const int MaxRetainedQueue = 1 << 20;

        public uint[] Stamp = [];
        public int[] BestDepth = [];
        public uint Epoch;
        public int[] QueueNode = [];
        public int[] QueueDepth = [];
        public int[] QueueSlot = [];
        public int[] QueueParent = [];
        public int[] FrameNode = [];
        public int[] FrameSlot = [];
        public int[] FrameCursor = [];

        /// <summary>The calling thread's scratch, sized for the store and with a fresh epoch.</summary>
        public static Scratch Begin(int nodeCapacity, int frames)
        {
            var scratch = _threadScratch ??= new Scratch();
            if (scratch.Stamp.Length < nodeCapacity)
            {
                var size = Math.Max(nodeCapacity, scratch.Stamp.Length * 2);
                scratch.Stamp = new uint[size];
                scratch.BestDepth = new int[size];
                scratch.Epoch = 0;
            }

            if (++scratch.Epoch == 0)
            {
                // The stamps wrapped: old marks could collide with the new epoch.
                Array.Clear(scratch.Stamp);
                scratch.Epoch = 1;
            }

            if (scratch.FrameNode.Length < frames)
            {
                scratch.FrameNode = new int[frames];
                scratch.FrameSlot = new int[frames];
                scratch.FrameCursor = new int[frames];
            }

            return scratch;
        }

        /// <summary>Grows the queue to hold at least <paramref name="count"/> entries.</summary>
        public void EnsureQueue(int count)
        {
            if (QueueNode.Length >= count)
            {
                return;
            }

            var size = Math.Max(count, Math.Max(64, QueueNode.Length * 2));
            Array.Resize(ref QueueNode, size);
            Array.Resize(ref QueueDepth, size);
            Array.Resize(ref QueueSlot, size);
            Array.Resize(ref QueueParent, size);
        }

        /// <summary>Lets a queue grown by one huge traversal go rather than pinning it to the thread.</summary>
        public void TrimQueue()
        {
            if (QueueNode.Length > MaxRetainedQueue)
            {
                QueueNode = [];
                QueueDepth = [];
                QueueSlot = [];
                QueueParent = [];
            }
        }
    }
}
