namespace VelesDb.Core.Index.Hnsw;

/// <summary>
/// A binary heap of (distance, node) pairs on reusable arrays. <see cref="IsMax"/> selects the
/// order: a max-heap keeps the current best results with the worst on top, a min-heap the
/// candidates to expand with the closest on top.
/// </summary>
internal sealed class NodeHeap(bool isMax)
{
    private float[] _distances = new float[64];
    private int[] _nodes = new int[64];

    public bool IsMax { get; } = isMax;

    public int Count { get; private set; }

    public float TopDistance => _distances[0];

    public int TopNode => _nodes[0];

    public void Clear() => Count = 0;

    public void Push(float distance, int node)
    {
        if (Count == _distances.Length)
        {
            Array.Resize(ref _distances, Count * 2);
            Array.Resize(ref _nodes, Count * 2);
        }

        var i = Count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Before(distance, _distances[parent]))
            {
                break;
            }

            _distances[i] = _distances[parent];
            _nodes[i] = _nodes[parent];
            i = parent;
        }

        _distances[i] = distance;
        _nodes[i] = node;
    }

    public (float Distance, int Node) Pop()
    {
        var top = (_distances[0], _nodes[0]);
        var count = --Count;
        if (count > 0)
        {
            var distance = _distances[count];
            var node = _nodes[count];
            var i = 0;
            while (true)
            {
                var child = (2 * i) + 1;
                if (child >= count)
                {
                    break;
                }

                if (child + 1 < count && Before(_distances[child + 1], _distances[child]))
                {
                    child++;
                }

                if (!Before(_distances[child], distance))
                {
                    break;
                }

                _distances[i] = _distances[child];
                _nodes[i] = _nodes[child];
                i = child;
            }

            _distances[i] = distance;
            _nodes[i] = node;
        }

        return top;
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

    private bool Before(float a, float b) => IsMax ? a > b : a < b;
}
