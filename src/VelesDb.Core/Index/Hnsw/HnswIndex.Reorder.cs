using System.Runtime.InteropServices;

namespace VelesDb.Core.Index.Hnsw;

internal sealed unsafe partial class HnswIndex<TSpace>
{
    /// <inheritdoc />
    public int ReorderForLocality()
    {
        if (_count < 2 || _entryPoint < 0)
        {
            return 0;
        }

        var order = BreadthFirstOrder(out var newOf);
        var moved = 0;
        for (var node = 0; node < _count; node++)
        {
            moved += newOf[node] != node ? 1 : 0;
        }

        if (moved == 0)
        {
            return 0;
        }

        var bytes = (nuint)(_capacity * _stride);
        var block = (byte*)NativeMemory.AlignedAlloc(bytes, 64);
        var levels = new int[_capacity];
        var upper = new int[]?[_capacity];
        var labels = new int[_capacity];
        var deleted = new bool[_capacity];
        for (var to = 0; to < _count; to++)
        {
            var from = order[to];

            // SAFETY: from and to are below _count <= _capacity; each copy is one whole block.
            Buffer.MemoryCopy(_level0 + (from * _stride), block + (to * _stride), _stride, _stride);
            Renumber(new Span<int>(block + (to * _stride) + _codeBytes, 1 + _m0), newOf);
            levels[to] = _levels[from];
            labels[to] = _labels[from];
            deleted[to] = _deleted[from];
            if (_upper[from] is { } links)
            {
                var copy = (int[])links.Clone();
                for (var level = 0; level < levels[to]; level++)
                {
                    Renumber(copy.AsSpan(level * (_m + 1), _m + 1), newOf);
                }

                upper[to] = copy;
            }
        }

        for (var label = 0; label < _nodeByLabel.Length; label++)
        {
            if (_nodeByLabel[label] >= 0)
            {
                _nodeByLabel[label] = newOf[_nodeByLabel[label]];
            }
        }

        NativeMemory.AlignedFree(_level0);
        _level0 = block;
        _levels = levels;
        _upper = upper;
        _labels = labels;
        _deleted = deleted;
        _entryPoint = newOf[_entryPoint];
        IsDirty = true;
        return moved;
    }

    /// <summary>
    /// Nodes in breadth-first order over layer 0 from the entry point; nodes the walk cannot reach
    /// (possible after deletes) follow in their old order, each starting a new walk.
    /// </summary>
    private int[] BreadthFirstOrder(out int[] newOf)
    {
        var order = new int[_count];
        newOf = new int[_count];
        Array.Fill(newOf, -1);
        var placed = 0;
        var head = 0;
        var nextUnplaced = 0;
        var start = _entryPoint;
        while (true)
        {
            newOf[start] = placed;
            order[placed++] = start;
            while (head < placed)
            {
                foreach (var neighbour in Links(order[head++], 0))
                {
                    if (newOf[neighbour] < 0)
                    {
                        newOf[neighbour] = placed;
                        order[placed++] = neighbour;
                    }
                }
            }

            while (nextUnplaced < _count && newOf[nextUnplaced] >= 0)
            {
                nextUnplaced++;
            }

            if (nextUnplaced == _count)
            {
                return order;
            }

            start = nextUnplaced;
        }
    }

    /// <summary>Rewrites a link list (count, then ids) with the new node numbers.</summary>
    private static void Renumber(Span<int> storage, int[] newOf)
    {
        for (var i = 1; i <= storage[0]; i++)
        {
            storage[i] = newOf[storage[i]];
        }
    }
}
