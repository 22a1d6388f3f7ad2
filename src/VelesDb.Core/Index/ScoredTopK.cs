namespace VelesDb.Core.Index;

/// <summary>
/// The k best (highest score) rows offered so far, as a binary heap with the worst kept entry at
/// the root. Equal scores are ordered by ascending row, so the result does not depend on the order
/// in which candidates are offered.
/// </summary>
internal sealed class ScoredTopK
{
    private readonly float[] _scores;
    private readonly int[] _rows;
    private int _count;

    /// <summary>Creates a heap keeping at most <paramref name="capacity"/> (≥ 1) entries.</summary>
    public ScoredTopK(int capacity)
    {
        _scores = new float[capacity];
        _rows = new int[capacity];
    }

    /// <summary>Entries kept.</summary>
    public int Count => _count;

    /// <summary>Whether <see cref="Count"/> has reached the capacity.</summary>
    public bool IsFull => _count == _scores.Length;

    /// <summary>The score of the worst kept entry; meaningful only when <see cref="IsFull"/>.</summary>
    public float WorstScore => _scores[0];

    /// <summary>Offers a candidate; it is kept when the heap has room or it beats the worst kept entry.</summary>
    public void Offer(float score, int row)
    {
        if (_count < _scores.Length)
        {
            _scores[_count] = score;
            _rows[_count] = row;
            SiftUp(_count++);
            return;
        }

        if (!Better(score, row, _scores[0], _rows[0]))
        {
            return;
        }

        _scores[0] = score;
        _rows[0] = row;
        SiftDown(0);
    }

    /// <summary>Returns the kept entries best first; the heap is consumed.</summary>
    public (int Row, float Score)[] DrainSorted()
    {
        var result = new (int Row, float Score)[_count];
        for (var i = _count - 1; i >= 0; i--)
        {
            result[i] = (_rows[0], _scores[0]);
            _count--;
            if (_count > 0)
            {
                _scores[0] = _scores[_count];
                _rows[0] = _rows[_count];
                SiftDown(0);
            }
        }

        return result;
    }

    private static bool Better(float score, int row, float otherScore, int otherRow) =>
        score > otherScore || (score == otherScore && row < otherRow);

    // Heap order: a parent is never better than its children, so the root is the worst entry.
    private bool Worse(int a, int b) => Better(_scores[b], _rows[b], _scores[a], _rows[a]);

    private void Swap(int a, int b)
    {
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
        (_rows[a], _rows[b]) = (_rows[b], _rows[a]);
    }

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Worse(i, parent))
            {
                return;
            }

            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
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

            Swap(i, worst);
            i = worst;
        }
    }
}
