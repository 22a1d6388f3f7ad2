namespace VelesDb.Core.Index.Sparse;

/// <summary>
/// The inverted index of one named sparse vector: per dimension a <see cref="PostingList"/> of
/// (row, weight) sorted by row, and per row its dimensions so that removing a row touches only
/// its own postings.
/// </summary>
/// <remarks>
/// <para>
/// Search ranks rows by the inner product with the query, highest first, equal scores by
/// ascending row. A row is a candidate when it shares at least one dimension with the query; such
/// rows are returned even when their score is zero or negative (negative weights are allowed), so
/// a query never returns rows with nothing in common with it.
/// </para>
/// <para>
/// Scores are summed in float in ascending query-dimension order, exactly as
/// <see cref="SparseVector.Dot"/> does, so both search algorithms and a brute-force scan produce
/// bit-identical scores and therefore identical rankings.
/// </para>
/// Not thread-safe: writes need exclusive access; concurrent searches are fine without a writer.
/// </remarks>
internal sealed partial class SparseInvertedIndex
{
    /// <summary>The coverage above which a search scans linearly: postings &gt; this × documents × query non-zeros.</summary>
    public const double LinearScanCoverage = 0.3;

    private readonly Dictionary<uint, PostingList> _postings = [];
    private uint[]?[] _rowIndices = [];
    private int _count;

    /// <summary>Rows holding a vector (an empty vector counts).</summary>
    public int Count => _count;

    /// <summary>Dimensions with at least one live posting.</summary>
    public int TermCount => _postings.Count;

    /// <summary>Whether <paramref name="row"/> holds a vector.</summary>
    public bool Contains(int row) => row >= 0 && row < _rowIndices.Length && _rowIndices[row] is not null;

    /// <summary>Indexes <paramref name="vector"/> as the vector of <paramref name="row"/>, replacing its previous one.</summary>
    public void Add(int row, SparseVector vector)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentNullException.ThrowIfNull(vector);
        Remove(row);
        EnsureRow(row);
        var indices = vector.Indices;
        var values = vector.Values;
        for (var i = 0; i < indices.Length; i++)
        {
            if (!_postings.TryGetValue(indices[i], out var list))
            {
                list = new PostingList();
                _postings.Add(indices[i], list);
            }

            list.Add(row, values[i]);
        }

        // A private copy: the vector's arrays are reachable by its owner.
        _rowIndices[row] = (uint[])indices.Clone();
        _count++;
    }

    /// <summary>Removes the vector of <paramref name="row"/>; false when there is none.</summary>
    public bool Remove(int row)
    {
        if (!Contains(row))
        {
            return false;
        }

        foreach (var index in _rowIndices[row]!)
        {
            var list = _postings[index];
            list.Remove(row);
            if (list.LiveCount == 0)
            {
                _postings.Remove(index);
            }
        }

        _rowIndices[row] = null;
        _count--;
        return true;
    }

    private void EnsureRow(int row)
    {
        if (row < _rowIndices.Length)
        {
            return;
        }

        var size = (int)Math.Min(Math.Max((long)_rowIndices.Length * 2, (long)row + 1), Array.MaxLength);
        Array.Resize(ref _rowIndices, size);
    }
}
