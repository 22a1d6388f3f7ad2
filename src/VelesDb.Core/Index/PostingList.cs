namespace VelesDb.Core.Index;

/// <summary>
/// The postings of one term of an inverted index: (row, value) pairs sorted by ascending row,
/// shared by the BM25 index (value = term frequency) and the sparse index (value = weight).
/// </summary>
/// <remarks>
/// Removal marks the entry with a NaN value (a tombstone; real values are always finite) so that
/// it costs a binary search instead of a shift of the tail; the list compacts itself once half
/// of its entries are tombstones, which keeps removal amortised O(log n). Re-adding a row whose
/// tombstone is still present revives the entry in place. Readers walk <see cref="Rows"/> and
/// <see cref="Values"/> and skip NaN values. <see cref="MaxValue"/> and <see cref="MinValue"/>
/// are bounds, not exact extremes: removals leave them as they were (still valid bounds) until
/// the next compaction recomputes them.
/// Not thread-safe: writers need exclusive access; concurrent readers are fine without a writer.
/// </remarks>
internal sealed class PostingList
{
    private int[] _rows;
    private float[] _values;
    private int _count;
    private int _dead;

    /// <summary>Creates an empty list.</summary>
    public PostingList()
        : this(4)
    {
    }

    /// <summary>Creates an empty list with room for <paramref name="capacity"/> entries.</summary>
    public PostingList(int capacity)
    {
        _rows = new int[Math.Max(capacity, 1)];
        _values = new float[Math.Max(capacity, 1)];
        ResetBounds();
    }

    /// <summary>
    /// Wraps arrays already sorted by strictly ascending row with finite values (a loaded
    /// snapshot); the list takes ownership of them.
    /// </summary>
    public static PostingList FromSorted(int[] rows, float[] values)
    {
        var list = new PostingList(0) { _rows = rows, _values = values, _count = rows.Length };
        foreach (var value in values)
        {
            list.MinValue = Math.Min(list.MinValue, value);
            list.MaxValue = Math.Max(list.MaxValue, value);
        }

        return list;
    }

    /// <summary>Entries that are not tombstones (the document frequency of the term).</summary>
    public int LiveCount => _count - _dead;

    /// <summary>Physical entries, tombstones included.</summary>
    public int PhysicalCount => _count;

    /// <summary>An upper bound of every live value (−∞ when the list has never held one since the last compaction).</summary>
    public float MaxValue { get; private set; }

    /// <summary>A lower bound of every live value (+∞ when the list has never held one since the last compaction).</summary>
    public float MinValue { get; private set; }

    /// <summary>The array behind <see cref="Rows"/>; only its first <see cref="PhysicalCount"/> entries are meaningful.</summary>
    public int[] RowArray => _rows;

    /// <summary>The array behind <see cref="Values"/>; only its first <see cref="PhysicalCount"/> entries are meaningful.</summary>
    public float[] ValueArray => _values;

    /// <summary>Rows of the physical entries, ascending.</summary>
    public ReadOnlySpan<int> Rows => _rows.AsSpan(0, _count);

    /// <summary>Values of the physical entries; NaN marks a tombstone.</summary>
    public ReadOnlySpan<float> Values => _values.AsSpan(0, _count);

    /// <summary>
    /// Adds <paramref name="row"/> with a finite <paramref name="value"/>. The row must not be live
    /// in this list. Appending a row above every present row is O(1) amortised; a lower row is
    /// inserted in place.
    /// </summary>
    public void Add(int row, float value)
    {
        if (value < MinValue)
        {
            MinValue = value;
        }

        if (value > MaxValue)
        {
            MaxValue = value;
        }

        if (_count == 0 || _rows[_count - 1] < row)
        {
            EnsureCapacity(_count + 1);
            _rows[_count] = row;
            _values[_count] = value;
            _count++;
            return;
        }

        var at = _rows.AsSpan(0, _count).BinarySearch(row);
        if (at >= 0)
        {
            // Only a tombstone can be present: callers never add a row that is live here.
            _values[at] = value;
            _dead--;
            return;
        }

        at = ~at;
        EnsureCapacity(_count + 1);
        Array.Copy(_rows, at, _rows, at + 1, _count - at);
        Array.Copy(_values, at, _values, at + 1, _count - at);
        _rows[at] = row;
        _values[at] = value;
        _count++;
    }

    /// <summary>Removes the live entry of <paramref name="row"/>; false when there is none.</summary>
    public bool Remove(int row)
    {
        var at = _rows.AsSpan(0, _count).BinarySearch(row);
        if (at < 0 || float.IsNaN(_values[at]))
        {
            return false;
        }

        _values[at] = float.NaN;
        _dead++;
        if (_dead * 2 > _count)
        {
            Compact();
        }

        return true;
    }

    /// <summary>Drops the tombstones and recomputes the value bounds.</summary>
    public void Compact()
    {
        ResetBounds();
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            var value = _values[i];
            if (float.IsNaN(value))
            {
                continue;
            }

            _rows[kept] = _rows[i];
            _values[kept] = value;
            kept++;
            MinValue = Math.Min(MinValue, value);
            MaxValue = Math.Max(MaxValue, value);
        }

        _count = kept;
        _dead = 0;
        if (_rows.Length > 64 && kept < _rows.Length / 4)
        {
            Array.Resize(ref _rows, Math.Max(kept * 2, 4));
            Array.Resize(ref _values, _rows.Length);
        }
    }

    private void ResetBounds()
    {
        MaxValue = float.NegativeInfinity;
        MinValue = float.PositiveInfinity;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _rows.Length)
        {
            return;
        }

        var size = (int)Math.Min(Math.Max((long)_rows.Length * 2, needed), Array.MaxLength);
        Array.Resize(ref _rows, size);
        Array.Resize(ref _values, size);
    }
}
