using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VelesDb.Core.Errors;
using VelesDb.Core.Index.Hnsw.Spaces;

namespace VelesDb.Core.Index.Hnsw;

/// <summary>
/// A hierarchical navigable small-world graph (Malkov &amp; Yashunin), laid out like hnswlib:
/// one fixed-stride block per node for layer 0 holding the node's code (64-byte aligned: the
/// float32 vector, or a quantized code) and the link list, so a hop touches one contiguous block;
/// upper layers in small per-node arrays.
/// <para>
/// Nodes are append-only. Each carries a label (the collection row it indexes); removing a
/// label tombstones its node, which keeps routing searches but never appears in results.
/// </para>
/// <para>
/// Threading: <see cref="AddBatchParallel"/> inserts from several threads. Each node's link
/// lists (all its levels) are guarded by a sequence lock, a 32-bit word in the padding after
/// its level-0 links: a writer makes the word odd (compare-and-swap), rewrites the links and makes
/// it even again; a reader copies the links without writing anything and retries when the word
/// was odd or changed meanwhile. Readers of the hub nodes every insert passes through (the entry
/// point, the upper layers) therefore never contend for a cache line. <see cref="Search"/> may
/// run concurrently with other searches but not with inserts (the owning collection's
/// reader-writer lock ensures it) and reads the links in place.
/// </para>
/// </summary>
/// <typeparam name="TSpace">What a node stores and how distances are computed on it.</typeparam>
internal sealed unsafe partial class HnswIndex<TSpace> : IVectorIndex
    where TSpace : struct, IVectorSpace
{
    /// <summary>Node expansions between two looks at a search's cancellation token (a power of two).</summary>
    private const int CancellationCheckInterval = 64;

    private readonly int _dimension;
    private readonly int _m;
    private readonly int _m0;
    private readonly int _efConstruction;
    private readonly double _levelMultiplier;
    private readonly TSpace _space;
    private readonly long _codeBytes;
    private readonly long _stride;
    private readonly long _lockOffset;
    private readonly Random _levelRandom;
    private readonly Lock _globalLock = new();
    private readonly VisitedListPool _visitedPool = new();

    private byte* _level0;
    private int _capacity;
    private int _count;
    private int[] _levels = [];
    private int[]?[] _upper = [];
    private int[] _labels = [];
    private bool[] _deleted = [];
    private int[] _nodeByLabel = [];
    private int _deletedCount;
    private volatile int _entryPoint = -1;
    private volatile int _maxLevel = -1;

    public HnswIndex(TSpace space, HnswParameters parameters)
    {
        parameters.Validate();
        _space = space;
        _dimension = space.Dimension;
        _m = parameters.M;
        _m0 = 2 * parameters.M;
        _efConstruction = parameters.EfConstruction;
        _levelMultiplier = 1.0 / Math.Log(Math.Max(2, parameters.M));
        _levelRandom = new Random(parameters.Seed);
        _codeBytes = AlignUp(space.CodeBytes, 8);
        _lockOffset = _codeBytes + sizeof(int) + ((long)_m0 * sizeof(int));

        // The links end 4 bytes short of a multiple of 8 (the code is 8-aligned, 1 + 2M ints
        // follow), so the lock word always fits in the padding the 64-byte alignment leaves.
        _stride = AlignUp(_lockOffset + sizeof(int), 64);

        Parameters = parameters;
    }

    public HnswParameters Parameters { get; }

    /// <inheritdoc />
    public int NodeCount => _count;

    /// <inheritdoc />
    public int LiveCount => _count - _deletedCount;

    /// <inheritdoc />
    public int LayerCount => _maxLevel + 1;

    /// <inheritdoc />
    public long MemoryBytes
    {
        get
        {
            var bytes = (_capacity * _stride) + ((long)_capacity * ((3 * sizeof(int)) + sizeof(bool) + IntPtr.Size)) + ((long)_nodeByLabel.Length * sizeof(int));
            for (var node = 0; node < _count; node++)
            {
                bytes += _upper[node] is { } links ? links.Length * sizeof(int) : 0;
            }

            return bytes;
        }
    }

    /// <inheritdoc />
    public double TombstoneRatio => _count == 0 ? 0 : (double)_deletedCount / _count;

    /// <inheritdoc />
    public void Add(int label, ReadOnlySpan<float> vector)
    {
        EnsureCapacity(_count + 1, label);
        Remove(label);
        IsDirty = true;
        Insert(Interlocked.Increment(ref _count) - 1, label, vector);
    }

    /// <inheritdoc />
    public void AddBatchParallel(ReadOnlySpan<int> labels, VectorAccessor vectorOf, int maxThreads)
    {
        if (labels.IsEmpty)
        {
            return;
        }

        var maxLabel = 0;
        foreach (var label in labels)
        {
            maxLabel = Math.Max(maxLabel, label);
            Remove(label);
        }

        EnsureCapacity(_count + labels.Length, maxLabel);
        IsDirty = true;
        var first = _count;
        _count += labels.Length;
        var labelArray = labels.ToArray();

        // Node ids are fixed up front so the threads never resize anything.
        Parallel.For(0, labelArray.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxThreads) }, i =>
            Insert(first + i, labelArray[i], vectorOf(labelArray[i])));
    }

    /// <inheritdoc />
    public void Remove(int label)
    {
        if ((uint)label >= (uint)_nodeByLabel.Length)
        {
            return;
        }

        var node = _nodeByLabel[label];
        if (node < 0)
        {
            return;
        }

        _nodeByLabel[label] = -1;
        _deleted[node] = true;
        _deletedCount++;
        IsDirty = true;
    }

    /// <inheritdoc />
    public int Search(ReadOnlySpan<float> query, int k, int ef, Func<int, bool>? accept, Span<float> distances, Span<int> labels, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var entry = _entryPoint;
        if (entry < 0 || k <= 0)
        {
            return 0;
        }

        // The prepared query is read at every hop: a 64-byte-aligned buffer keeps those loads from
        // splitting cache lines (the kernels align the node vector, their first operand).
        var q = PreparedQuery(query);
        var current = entry;
        var currentDistance = DistanceTo(current, q);
        for (var level = _levels[entry]; level > 0; level--)
        {
            (current, currentDistance) = GreedyClosest(q, current, currentDistance, level, locked: false);
        }

        var top = RentHeap(true);
        var candidates = RentHeap(false);
        try
        {
            SearchLayer(q, current, currentDistance, Math.Max(ef, k), 0, top, candidates, accept, locked: false, cancellation);
            while (top.Count > k)
            {
                top.Pop();
            }

            var n = top.Count;
            Span<int> nodes = n <= 256 ? stackalloc int[n] : new int[n];
            top.DrainAscending(distances[..n], nodes);
            for (var i = 0; i < n; i++)
            {
                labels[i] = _labels[nodes[i]];
            }

            return n;
        }
        finally
        {
            ReturnHeap(top);
            ReturnHeap(candidates);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> CheckIntegrity()
    {
        var problems = new List<string>();
        if (_count > 0 && (_entryPoint < 0 || _entryPoint >= _count || _levels[_entryPoint] != _maxLevel))
        {
            problems.Add($"entry point {_entryPoint} is invalid for max level {_maxLevel}");
        }

        var seen = new HashSet<int>();
        for (var node = 0; node < _count; node++)
        {
            for (var level = 0; level <= _levels[node]; level++)
            {
                var links = Links(node, level);
                var max = level == 0 ? _m0 : _m;
                if (links.Length > max)
                {
                    problems.Add($"node {node} level {level}: {links.Length} links > {max}");
                }

                seen.Clear();
                foreach (var link in links)
                {
                    if ((uint)link >= (uint)_count)
                    {
                        problems.Add($"node {node} level {level}: link {link} out of range");
                    }
                    else if (link == node)
                    {
                        problems.Add($"node {node} level {level}: self link");
                    }
                    else if (_levels[link] < level)
                    {
                        problems.Add($"node {node} level {level}: link {link} only reaches level {_levels[link]}");
                    }

                    if (!seen.Add(link))
                    {
                        problems.Add($"node {node} level {level}: duplicate link {link}");
                    }
                }
            }
        }

        return problems;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_level0 != null)
        {
            NativeMemory.AlignedFree(_level0);
            _level0 = null;
        }
    }

    private void Insert(int node, int label, ReadOnlySpan<float> vector)
    {
        if (vector.Length != _dimension)
        {
            ThrowHelper.DimensionMismatch(_dimension, vector.Length);
        }

        // Zeroed first so padding bytes are deterministic in saved graphs.
        new Span<byte>(Code(node), (int)_stride).Clear();
        _space.Encode(vector, CodeSpan(node));

        int level;
        lock (_globalLock)
        {
            level = (int)(-Math.Log(1.0 - _levelRandom.NextDouble()) * _levelMultiplier);
        }

        _levels[node] = level;
        _labels[node] = label;
        _upper[node] = level > 0 ? new int[level * (_m + 1)] : null;
        SetLinkCount(node, 0);

        // A node that raises the top level holds the global lock for its whole insert, so no
        // other insert starts from an entry point that is about to change (as hnswlib does).
        var holdsGlobal = false;
        if (level > _maxLevel)
        {
            _globalLock.Enter();
            holdsGlobal = true;
            if (level <= _maxLevel)
            {
                _globalLock.Exit();
                holdsGlobal = false;
            }
        }

        try
        {
            var entry = _entryPoint;
            if (entry < 0)
            {
                _maxLevel = level;
                _entryPoint = node;
                _nodeByLabel[label] = node;
                return;
            }

            // The entry point's own level, not _maxLevel: a concurrent insert may raise the top
            // level between the two reads, and descending from a node above its level is invalid.
            var maxLevel = _levels[entry];
            ReadOnlySpan<float> q = PreparedQuery(vector);
            var current = entry;
            var currentDistance = DistanceTo(current, q);
            for (var l = maxLevel; l > level; l--)
            {
                (current, currentDistance) = GreedyClosest(q, current, currentDistance, l, locked: true);
            }

            // Choose the neighbours on every layer top-down first, then link bottom-up: the node
            // becomes reachable on a layer (through a back-link) only once its own lists on that
            // layer and every layer below are complete. Linking top-down as it goes would let a
            // concurrent insert reach it on an upper layer, descend into its still-empty lower
            // lists and end up with it as its only neighbour.
            var lowest = Math.Min(level, maxLevel);
            var scratch = _threadScratch ??= new InsertScratch();
            var top = RentHeap(true);
            var candidates = RentHeap(false);
            try
            {
                for (var l = lowest; l >= 0; l--)
                {
                    SearchLayer(q, current, currentDistance, _efConstruction, l, top, candidates, accept: null, locked: true);
                    (current, currentDistance) = ChooseNeighbors(l, top, scratch);
                }
            }
            finally
            {
                ReturnHeap(top);
                ReturnHeap(candidates);
            }

            for (var l = 0; l <= lowest; l++)
            {
                Connect(node, l, scratch.Selection(l));
            }

            if (level > maxLevel)
            {
                _maxLevel = level;
                _entryPoint = node;
            }

            _nodeByLabel[label] = node;
        }
        finally
        {
            if (holdsGlobal)
            {
                _globalLock.Exit();
            }
        }
    }

    /// <summary>
    /// Picks the new node's neighbours on <paramref name="level"/> from <paramref name="top"/>
    /// (consumed) by the diversity heuristic into the scratch's selection for that level; returns
    /// the closest candidate, the entry point of the next layer down.
    /// </summary>
    private (int Node, float Distance) ChooseNeighbors(int level, NodeHeap top, InsertScratch scratch)
    {
        var n = top.Count;
        var distances = scratch.Candidates(n, out var nodes);
        top.DrainAscending(distances, nodes);
        var selected = SelectNeighbors(distances, nodes, n, _m);
        scratch.Select(level, nodes.AsSpan(0, selected), _m);

        // The heuristic always keeps the closest candidate first.
        return (nodes[0], distances[0]);
    }

    /// <summary>Links <paramref name="node"/> to <paramref name="selected"/> on <paramref name="level"/>, and each of them back.</summary>
    private void Connect(int node, int level, ReadOnlySpan<int> selected)
    {
        var scratch = _threadScratch!;
        var maxLinks = level == 0 ? _m0 : _m;
        EnterWriter(node);
        var own = LinkStorage(node, level);
        selected.CopyTo(own[1..]);
        own[0] = selected.Length;
        ExitWriter(node);

        foreach (var neighbor in selected)
        {
            EnterWriter(neighbor);
            try
            {
                var links = LinkStorage(neighbor, level);
                var count = links[0];
                if (count < maxLinks)
                {
                    links[1 + count] = node;
                    links[0] = count + 1;
                    continue;
                }

                // Full: re-select among the current links plus the new node by the heuristic.
                var pool = count + 1;
                var poolDistances = scratch.Pool(pool, out var poolNodes);
                var neighborCode = Code(neighbor);
                for (var j = 0; j < count; j++)
                {
                    poolNodes[j] = links[1 + j];
                }

                poolNodes[count] = node;
                for (var j = 0; j < pool; j++)
                {
                    poolDistances[j] = _space.CodeDistance(Code(poolNodes[j]), neighborCode);
                }

                Array.Sort(poolDistances, poolNodes, 0, pool);
                var kept = SelectNeighbors(poolDistances, poolNodes, pool, maxLinks);
                for (var j = 0; j < kept; j++)
                {
                    links[1 + j] = poolNodes[j];
                }

                links[0] = kept;
            }
            finally
            {
                ExitWriter(neighbor);
            }
        }
    }

    /// <summary>
    /// The diversity heuristic: walk candidates from the closest; keep one only if it is closer
    /// to the base than to every neighbour kept so far. Moves the kept ones to the front.
    /// </summary>
    private int SelectNeighbors(float[] distances, int[] nodes, int count, int max)
    {
        if (count <= max)
        {
            return count;
        }

        var kept = 0;
        for (var i = 0; i < count && kept < max; i++)
        {
            var candidate = Code(nodes[i]);
            var good = true;
            for (var j = 0; j < kept; j++)
            {
                if (_space.CodeDistance(Code(nodes[j]), candidate) < distances[i])
                {
                    good = false;
                    break;
                }
            }

            if (good)
            {
                distances[kept] = distances[i];
                nodes[kept] = nodes[i];
                kept++;
            }
        }

        return kept;
    }

    private (int Node, float Distance) GreedyClosest(ReadOnlySpan<float> q, int current, float currentDistance, int level, bool locked)
    {
        var changed = true;
        Span<int> copy = stackalloc int[_m];
        while (changed)
        {
            changed = false;
            var count = CopyLinks(current, level, copy, locked);
            for (var i = 0; i < count; i++)
            {
                var d = DistanceTo(copy[i], q);
                if (d < currentDistance)
                {
                    currentDistance = d;
                    current = copy[i];
                    changed = true;
                }
            }
        }

        return (current, currentDistance);
    }

    /// <summary>
    /// Best-first search of one layer; leaves up to <paramref name="ef"/> results in <paramref name="top"/>.
    /// Looks at <paramref name="cancellation"/> every <see cref="CancellationCheckInterval"/> expansions.
    /// </summary>
    private void SearchLayer(ReadOnlySpan<float> q, int entry, float entryDistance, int ef, int level, NodeHeap top, NodeHeap candidates, Func<int, bool>? accept, bool locked, CancellationToken cancellation = default)
    {
        top.Clear();
        candidates.Clear();
        var visited = _visitedPool.Rent(_capacity);
        try
        {
            visited.TryVisit(entry);
            candidates.Push(entryDistance, entry);
            var bound = float.MaxValue;
            if (Acceptable(entry, accept, locked))
            {
                top.Push(entryDistance, entry);
                bound = entryDistance;
            }

            Span<int> copy = stackalloc int[_m0];
            var expansions = 0;
            while (candidates.Count > 0)
            {
                var (distance, node) = candidates.Pop();
                if (distance > bound && top.Count >= ef)
                {
                    break;
                }

                if ((++expansions & (CancellationCheckInterval - 1)) == 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                }

                // Queries run without concurrent inserts and read the links in place; an insert
                // copies them under the node's lock.
                ReadOnlySpan<int> links = locked ? copy[..CopyLinks(node, level, copy, locked: true)] : Links(node, level);
                for (var i = 0; i < links.Length; i++)
                {
                    if (i + 1 < links.Length)
                    {
                        Prefetch(links[i + 1]);
                    }

                    var next = links[i];
                    if (!visited.TryVisit(next))
                    {
                        continue;
                    }

                    var d = DistanceTo(next, q);
                    if (top.Count < ef || d < bound)
                    {
                        candidates.Push(d, next);
                        if (Acceptable(next, accept, locked))
                        {
                            top.Push(d, next);
                            if (top.Count > ef)
                            {
                                top.Pop();
                            }

                            bound = top.TopDistance;
                        }
                    }
                }
            }
        }
        finally
        {
            _visitedPool.Return(visited);
        }
    }

    private bool Acceptable(int node, Func<int, bool>? accept, bool building) =>
        building || (!_deleted[node] && (accept is null || accept(_labels[node])));

    private int CopyLinks(int node, int level, Span<int> destination, bool locked)
    {
        if (!locked)
        {
            var links = Links(node, level);
            links.CopyTo(destination);
            return links.Length;
        }

        var word = LockWord(node);
        var spinner = default(SpinWait);
        while (true)
        {
            var before = Volatile.Read(ref *word);
            if ((before & 1) == 0)
            {
                // A writer may be rewriting the list under us: clamp the count so the copy stays
                // inside the list, and keep the copy only if no writer ran meanwhile.
                var storage = LinkStorage(node, level);
                var count = Math.Min((uint)storage[0], (uint)Math.Min(storage.Length - 1, destination.Length));
                storage.Slice(1, (int)count).CopyTo(destination);
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref *word) == before)
                {
                    return (int)count;
                }
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Takes the node's sequence lock for writing (the word becomes odd).</summary>
    private void EnterWriter(int node)
    {
        var word = LockWord(node);
        var spinner = default(SpinWait);
        while (true)
        {
            var current = Volatile.Read(ref *word);
            if ((current & 1) == 0 && Interlocked.CompareExchange(ref *word, current + 1, current) == current)
            {
                return;
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Releases the node's sequence lock (the word becomes even); the link writes become visible first.</summary>
    private void ExitWriter(int node)
    {
        var word = LockWord(node);
        Volatile.Write(ref *word, *word + 1);
    }

    /// <summary>The node's sequence-lock word, in the padding after its level-0 links; zero when no insert runs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int* LockWord(int node) =>
        // SAFETY: node < _capacity; _lockOffset + 4 <= _stride.
        (int*)(_level0 + (node * _stride) + _lockOffset);

    /// <summary>Sets every lock word back to zero (no insert may run), so saved blocks carry zero padding.</summary>
    private void ClearLockWords()
    {
        for (var node = 0; node < _count; node++)
        {
            *LockWord(node) = 0;
        }
    }

    private ReadOnlySpan<int> Links(int node, int level)
    {
        var storage = LinkStorage(node, level);
        return storage.Slice(1, storage[0]);
    }

    private Span<int> LinkStorage(int node, int level)
    {
        if (level == 0)
        {
            // SAFETY: node < _capacity; the block holds the code then 1 + _m0 ints.
            return new Span<int>(_level0 + (node * _stride) + _codeBytes, 1 + _m0);
        }

        return _upper[node].AsSpan((level - 1) * (_m + 1), _m + 1);
    }

    private void SetLinkCount(int node, int count) => LinkStorage(node, 0)[0] = count;

    /// <summary>The code at the start of a node's block (64-byte aligned).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* Code(int node) =>
        // SAFETY: node < _capacity.
        _level0 + (node * _stride);

    private Span<byte> CodeSpan(int node) => new(Code(node), _space.CodeBytes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float DistanceTo(int node, ReadOnlySpan<float> q) => _space.Distance(q, Code(node));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Prefetch(int node)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            // SAFETY: links hold node ids below _count <= _capacity; prefetching never faults.
            var block = _level0 + (node * _stride);
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(block);
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(block + 64);
        }
    }

    /// <summary>The query prepared by the space in a 64-byte-aligned per-thread buffer.</summary>
    private Span<float> PreparedQuery(ReadOnlySpan<float> query)
    {
        var floats = _space.QueryFloats;
        var buffer = _threadQuery;
        if (buffer is null || buffer.Length < floats + 16)
        {
            // Pinned, so the alignment computed below stays valid.
            buffer = _threadQuery = GC.AllocateArray<float>(floats + 16, pinned: true);
        }

        // SAFETY: the array is pinned; the offset is below 16 floats and 16 + floats fit.
        fixed (float* start = buffer)
        {
            var offset = (int)((64 - ((nint)start & 63)) & 63) / sizeof(float);
            var q = buffer.AsSpan(offset, floats);
            _space.Prepare(query, q);
            return q;
        }
    }

    private void EnsureCapacity(int nodes, int maxLabel)
    {
        if (maxLabel >= _nodeByLabel.Length)
        {
            var old = _nodeByLabel.Length;
            Array.Resize(ref _nodeByLabel, Math.Max(maxLabel + 1, old * 2));
            _nodeByLabel.AsSpan(old).Fill(-1);
        }

        if (nodes <= _capacity)
        {
            return;
        }

        var capacity = (int)Math.Min(int.MaxValue, Math.Max(nodes, Math.Max(1024L, (long)_capacity * 2)));
        var bytes = (nuint)(capacity * _stride);
        var block = (byte*)NativeMemory.AlignedAlloc(bytes, 64);
        if (_level0 != null)
        {
            Buffer.MemoryCopy(_level0, block, (long)bytes, _count * _stride);
            NativeMemory.AlignedFree(_level0);
        }

        _level0 = block;
        Array.Resize(ref _levels, capacity);
        Array.Resize(ref _upper, capacity);
        Array.Resize(ref _labels, capacity);
        Array.Resize(ref _deleted, capacity);
        _capacity = capacity;
    }

    [ThreadStatic]
    private static NodeHeap?[]? _threadHeaps;

    [ThreadStatic]
    private static InsertScratch? _threadScratch;

    [ThreadStatic]
    private static float[]? _threadQuery;

    /// <summary>Per-thread buffers of the insert path, so inserting allocates nothing per node.</summary>
    private sealed class InsertScratch
    {
        private float[] _candidateDistances = new float[256];
        private int[] _candidateNodes = new int[256];
        private float[] _poolDistances = new float[128];
        private int[] _poolNodes = new int[128];
        private int[] _selected = new int[256];
        private int[] _selectedCounts = new int[8];
        private int _selectionStride;

        public float[] Candidates(int count, out int[] nodes)
        {
            if (_candidateDistances.Length < count)
            {
                _candidateDistances = new float[count * 2];
                _candidateNodes = new int[count * 2];
            }

            nodes = _candidateNodes;
            return _candidateDistances;
        }

        /// <summary>Keeps the neighbours chosen on <paramref name="level"/> (at most <paramref name="m"/>) until the node is linked.</summary>
        public void Select(int level, ReadOnlySpan<int> nodes, int m)
        {
            _selectionStride = m;
            if (_selectedCounts.Length <= level)
            {
                Array.Resize(ref _selectedCounts, (level + 1) * 2);
            }

            if (_selected.Length < (level + 1) * m)
            {
                Array.Resize(ref _selected, (level + 1) * m * 2);
            }

            nodes.CopyTo(_selected.AsSpan(level * m, m));
            _selectedCounts[level] = nodes.Length;
        }

        public ReadOnlySpan<int> Selection(int level) => _selected.AsSpan(level * _selectionStride, _selectedCounts[level]);

        public float[] Pool(int count, out int[] nodes)
        {
            if (_poolDistances.Length < count)
            {
                _poolDistances = new float[count * 2];
                _poolNodes = new int[count * 2];
            }

            nodes = _poolNodes;
            return _poolDistances;
        }
    }

    private static NodeHeap RentHeap(bool isMax)
    {
        var heaps = _threadHeaps ??= new NodeHeap?[4];
        for (var i = 0; i < heaps.Length; i++)
        {
            if (heaps[i] is { } heap && heap.IsMax == isMax)
            {
                heaps[i] = null;
                return heap;
            }
        }

        return new NodeHeap(isMax);
    }

    private static void ReturnHeap(NodeHeap heap)
    {
        var heaps = _threadHeaps ??= new NodeHeap?[4];
        for (var i = 0; i < heaps.Length; i++)
        {
            if (heaps[i] is null)
            {
                heaps[i] = heap;
                return;
            }
        }
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;
}
