using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VelesDb.Core.Index.Hnsw;

/// <summary>
/// A binary heap of (distance, node) pairs on one reusable array. <see cref="IsMax"/> selects the
/// order: a max-heap keeps the current best results with the worst on top, a min-heap the
/// candidates to expand with the closest on top.
/// <para>
/// Both orders run the same min-heap code: a max-heap stores each distance negated (the sign
/// is a field, so no comparison branches on the order). Pairs are interleaved so one cache line
/// holds eight of them, and the hot paths skip bounds checks (every index is below
/// <see cref="Count"/> ≤ the array length). <see cref="Pop"/> walks the hole down to a leaf
/// taking the smaller child (one comparison per level, not two) and then sifts the last
/// entry up from there, which on HNSW's heaps ends after a step or two.
/// </para>
/// </summary>
internal sealed class NodeHeap(bool isMax)
{
    private readonly float _sign = isMax ? -1f : 1f;
    private Entry[] _entries = new Entry[64];

    public bool IsMax { get; } = isMax;

    public int Count { get; private set; }

    public float TopDistance => _entries[0].Key * _sign;

    public int TopNode => _entries[0].Node;

    public void Clear() => Count = 0;

    public void Push(float distance, int node)
    {
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Count * 2);
        }

        ref var entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        SiftUp(ref entries, Count++, new Entry(distance * _sign, node));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (float Distance, int Node) Pop()
    {
        ref var entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        var top = entries;
        var count = --Count;
        if (count > 0)
        {
            RemoveRoot(ref entries, count);
        }

        return (top.Key * _sign, top.Node);
    }

    /// <summary>Copies the content out, ascending by distance; the heap is emptied.</summary>
    public int DrainAscending(Span<float> distances, Span<int> nodes)
    {
        var n = Count;
        if (IsMax)
        {
            for (var i = n - 1; i >= 0; i--)
            {
                (distances[i], nodes[i]) = Pop();
            }
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                (distances[i], nodes[i]) = Pop();
            }
        }

        return n;
    }

    /// <summary>Fills the root's place from the <paramref name="count"/> entries left, the last one (at <paramref name="count"/>) included.</summary>
    private static void RemoveRoot(ref Entry entries, int count)
    {
        var last = Unsafe.Add(ref entries, count);

        // Walk the hole from the root to a leaf, always promoting the smaller child.
        var hole = 0;
        var child = 1;
        while (child + 1 < count)
        {
            var right = Unsafe.Add(ref entries, child + 1).Key < Unsafe.Add(ref entries, child).Key ? 1 : 0;
            child += right;
            Unsafe.Add(ref entries, hole) = Unsafe.Add(ref entries, child);
            hole = child;
            child = (2 * hole) + 1;
        }

        if (child < count)
        {
            Unsafe.Add(ref entries, hole) = Unsafe.Add(ref entries, child);
            hole = child;
        }

        SiftUp(ref entries, hole, last);
    }

    private static void SiftUp(ref Entry entries, int hole, Entry entry)
    {
        while (hole > 0)
        {
            var parent = (hole - 1) >> 1;
            ref var above = ref Unsafe.Add(ref entries, parent);
            if (!(entry.Key < above.Key))
            {
                break;
            }

            Unsafe.Add(ref entries, hole) = above;
            hole = parent;
        }

        Unsafe.Add(ref entries, hole) = entry;
    }

    /// <summary>A distance (negated in a max-heap) and its node.</summary>
    private readonly record struct Entry(float Key, int Node);
}
