namespace VelesDb.Core.Collections;

/// <summary>
/// The k best (lowest ranking key) rows seen so far, as a binary max-heap on (distance, id) so the
/// worst kept candidate is at the root. Ties on distance are broken by ascending id, which makes
/// results deterministic whatever the scan order or thread split.
/// </summary>
internal struct TopK
{
    private readonly float[] _distances;
    private readonly int[] _rows;
    private readonly ulong[] _ids;
    private int _count;

    public TopK(int capacity)
    {
        _distances = new float[capacity];
        _rows = new int[capacity];
        _ids = new ulong[capacity];
        _count = 0;
    }

    public readonly int Count => _count;

    /// <summary>Offers a candidate; ids are looked up only when the candidate ties the worst kept one.</summary>
    public void Offer(float distance, int row, ulong[] idByRow)
    {
        if (_count < _distances.Length)
        {
            _distances[_count] = distance;
            _rows[_count] = row;
            _ids[_count] = idByRow[row];
            SiftUp(_count++);
            return;
        }

        var worst = _distances[0];
        if (distance > worst || (distance == worst && idByRow[row] >= _ids[0]))
        {
            return;
        }

        _distances[0] = distance;
        _rows[0] = row;
        _ids[0] = idByRow[row];
        SiftDown(0);
    }

    public void MergeFrom(TopK other, ulong[] idByRow)
    {
        for (var i = 0; i < other._count; i++)
        {
            Offer(other._distances[i], other._rows[i], idByRow);
        }
    }

    /// <summary>Returns the kept candidates best first; the heap is consumed.</summary>
    public (float Distance, int Row)[] DrainSorted()
    {
        var result = new (float, int)[_count];
        for (var i = _count - 1; i >= 0; i--)
        {
            result[i] = (_distances[0], _rows[0]);
            _count--;
            if (_count > 0)
            {
                _distances[0] = _distances[_count];
                _rows[0] = _rows[_count];
                _ids[0] = _ids[_count];
                SiftDown(0);
            }
        }

        return result;
    }

    private readonly bool Worse(int a, int b) =>
        _distances[a] > _distances[b] || (_distances[a] == _distances[b] && _ids[a] > _ids[b]);

    private readonly void Swap(int a, int b)
    {
        (_distances[a], _distances[b]) = (_distances[b], _distances[a]);
        (_rows[a], _rows[b]) = (_rows[b], _rows[a]);
        (_ids[a], _ids[b]) = (_ids[b], _ids[a]);
    }

    private readonly void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Worse(i, parent))
            {
                return;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private readonly void SiftDown(int i)
    {
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= _count)
            {
                return;
            }

            var worst = left;
            var right = left + 1;
            if (right < _count && Worse(right, left))
            {
                worst = right;
            }

            if (!Worse(worst, i))
            {
                return;
            }

            Swap(worst, i);
            i = worst;
        }
    }
}
