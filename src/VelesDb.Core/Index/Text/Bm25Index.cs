using System.Buffers;

namespace VelesDb.Core.Index.Text;

/// <summary>
/// An in-memory BM25 full-text index over documents keyed by the collection's row number.
/// </summary>
/// <remarks>
/// <para>
/// score(d, q) = Σ over the distinct query terms t present in d of
/// IDF(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl)), with k1 = 1.2, b = 0.75,
/// IDF(t) = ln((N − df(t) + 0.5)/(df(t) + 0.5) + 1), N the live documents, |d| the token count of d
/// and avgdl the mean token count over the live documents (documents without tokens included).
/// </para>
/// <para>
/// Layout: a term dictionary (string → term id, ordinal), per term a <see cref="PostingList"/> of
/// (row, tf) sorted by row, and per row its token count and distinct term ids so that removing
/// a row touches only its own terms. A search walks the postings of the query terms only,
/// accumulating into a dense array (many postings) or a hash map (few), then keeps the top k in a
/// heap. Terms whose last posting is removed are dropped and their ids reused.
/// </para>
/// Not thread-safe: writes need exclusive access; concurrent searches are fine without a writer.
/// </remarks>
internal sealed partial class Bm25Index
{
    /// <summary>The term-frequency saturation parameter.</summary>
    public const double K1 = 1.2;

    /// <summary>The length-normalisation parameter.</summary>
    public const double B = 0.75;

    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly List<string?> _terms = [];
    private readonly List<PostingList?> _postings = [];
    private readonly Stack<int> _freeTermIds = new();
    private readonly Dictionary<int, int> _frequencies = [];
    private int[]?[] _rowTerms = [];
    private int[] _rowLengths = [];
    private int _count;
    private long _totalLength;

    /// <summary>Live documents (N).</summary>
    public int Count => _count;

    /// <summary>Distinct terms with at least one live posting.</summary>
    public int TermCount => _termIds.Count;

    /// <summary>The mean token count of the live documents (0 when there are none).</summary>
    public double AverageLength => _count == 0 ? 0 : (double)_totalLength / _count;

    /// <summary>Whether <paramref name="row"/> holds a document.</summary>
    public bool Contains(int row) => row >= 0 && row < _rowTerms.Length && _rowTerms[row] is not null;

    /// <summary>The number of live documents containing <paramref name="term"/> (taken as is, not tokenized).</summary>
    public int DocumentFrequency(string term) =>
        _termIds.TryGetValue(term, out var id) ? _postings[id]!.LiveCount : 0;

    /// <summary>Indexes <paramref name="text"/> as the document of <paramref name="row"/>, replacing its previous text.</summary>
    public void Add(int row, string text)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentNullException.ThrowIfNull(text);
        Remove(row);
        EnsureRow(row);

        var lookup = _termIds.GetAlternateLookup<ReadOnlySpan<char>>();
        var buffer = ArrayPool<char>.Shared.Rent(64);
        var length = 0;
        try
        {
            var position = 0;
            int tokenLength;
            while ((tokenLength = Bm25Tokenizer.Next(text, ref position, ref buffer)) >= 0)
            {
                var token = buffer.AsSpan(0, tokenLength);
                if (!lookup.TryGetValue(token, out var id))
                {
                    id = NewTerm(new string(token));
                }

                _frequencies[id] = _frequencies.GetValueOrDefault(id) + 1;
                length++;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        var terms = new int[_frequencies.Count];
        var i = 0;
        foreach (var (id, tf) in _frequencies)
        {
            terms[i++] = id;
            _postings[id]!.Add(row, tf);
        }

        _frequencies.Clear();
        _rowTerms[row] = terms;
        _rowLengths[row] = length;
        _count++;
        _totalLength += length;
    }

    /// <summary>Removes the document of <paramref name="row"/>; false when there is none.</summary>
    public bool Remove(int row)
    {
        if (!Contains(row))
        {
            return false;
        }

        foreach (var id in _rowTerms[row]!)
        {
            var postings = _postings[id]!;
            postings.Remove(row);
            if (postings.LiveCount == 0)
            {
                _termIds.Remove(_terms[id]!);
                _terms[id] = null;
                _postings[id] = null;
                _freeTermIds.Push(id);
            }
        }

        _rowTerms[row] = null;
        _count--;
        _totalLength -= _rowLengths[row];
        _rowLengths[row] = 0;
        return true;
    }

    /// <summary>
    /// The <paramref name="k"/> best documents for <paramref name="query"/> by BM25 score, best
    /// first, equal scores by ascending row. Only documents sharing a term with the query (score
    /// &gt; 0) and accepted by <paramref name="accept"/> (when given) are returned.
    /// </summary>
    public (int Row, float Score)[] Search(string query, int k, Func<int, bool>? accept)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (k <= 0 || _count == 0)
        {
            return [];
        }

        var queryTerms = QueryTerms(query);
        if (queryTerms.Count == 0)
        {
            return [];
        }

        long totalPostings = 0;
        foreach (var id in queryTerms)
        {
            totalPostings += _postings[id]!.PhysicalCount;
        }

        var n = (double)_count;
        var avgdl = AverageLength;

        // A dense accumulator costs a clear of one slot per row; it pays when the postings to walk
        // are a fair share of the rows. Otherwise a map sized by the postings is cheaper.
        if (totalPostings * 4 >= _rowTerms.Length)
        {
            var scores = ArrayPool<double>.Shared.Rent(_rowTerms.Length);
            var touched = new List<int>();
            try
            {
                Array.Clear(scores, 0, _rowTerms.Length);
                foreach (var id in queryTerms)
                {
                    var postings = _postings[id]!;
                    var idf = Idf(n, postings.LiveCount);
                    var rows = postings.Rows;
                    var tfs = postings.Values;
                    for (var i = 0; i < rows.Length; i++)
                    {
                        var tf = tfs[i];
                        if (float.IsNaN(tf))
                        {
                            continue;
                        }

                        var row = rows[i];
                        if (scores[row] == 0)
                        {
                            touched.Add(row);
                        }

                        scores[row] += Term(idf, tf, _rowLengths[row], avgdl);
                    }
                }

                var heap = new ScoredTopK(Math.Min(k, Math.Max(touched.Count, 1)));
                foreach (var row in touched)
                {
                    Offer(heap, scores[row], row, accept);
                }

                return heap.DrainSorted();
            }
            finally
            {
                ArrayPool<double>.Shared.Return(scores);
            }
        }
        else
        {
            var scores = new Dictionary<int, double>((int)totalPostings);
            foreach (var id in queryTerms)
            {
                var postings = _postings[id]!;
                var idf = Idf(n, postings.LiveCount);
                var rows = postings.Rows;
                var tfs = postings.Values;
                for (var i = 0; i < rows.Length; i++)
                {
                    var tf = tfs[i];
                    if (!float.IsNaN(tf))
                    {
                        var row = rows[i];
                        scores[row] = scores.GetValueOrDefault(row) + Term(idf, tf, _rowLengths[row], avgdl);
                    }
                }
            }

            var heap = new ScoredTopK(Math.Min(k, Math.Max(scores.Count, 1)));
            foreach (var (row, score) in scores)
            {
                Offer(heap, score, row, accept);
            }

            return heap.DrainSorted();
        }
    }

    /// <summary>IDF(t) = ln((N − df + 0.5)/(df + 0.5) + 1).</summary>
    internal static double Idf(double n, int df) => Math.Log(((n - df + 0.5) / (df + 0.5)) + 1);

    private static double Term(double idf, double tf, int length, double avgdl) =>
        idf * tf * (K1 + 1) / (tf + (K1 * (1 - B + (B * length / avgdl))));

    private static void Offer(ScoredTopK heap, double score, int row, Func<int, bool>? accept)
    {
        var value = (float)score;
        if (value > 0 && (accept is null || accept(row)))
        {
            heap.Offer(value, row);
        }
    }

    // The distinct ids of the query's tokens that are in the dictionary, in first-occurrence order.
    private List<int> QueryTerms(string query)
    {
        var ids = new List<int>();
        var seen = new HashSet<int>();
        var lookup = _termIds.GetAlternateLookup<ReadOnlySpan<char>>();
        var buffer = ArrayPool<char>.Shared.Rent(64);
        try
        {
            var position = 0;
            int length;
            while ((length = Bm25Tokenizer.Next(query, ref position, ref buffer)) >= 0)
            {
                if (lookup.TryGetValue(buffer.AsSpan(0, length), out var id) && seen.Add(id))
                {
                    ids.Add(id);
                }
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        return ids;
    }

    private int NewTerm(string term)
    {
        int id;
        if (_freeTermIds.Count > 0)
        {
            id = _freeTermIds.Pop();
            _terms[id] = term;
            _postings[id] = new PostingList();
        }
        else
        {
            id = _terms.Count;
            _terms.Add(term);
            _postings.Add(new PostingList());
        }

        _termIds.Add(term, id);
        return id;
    }

    private void EnsureRow(int row)
    {
        if (row < _rowTerms.Length)
        {
            return;
        }

        var size = (int)Math.Min(Math.Max((long)_rowTerms.Length * 2, (long)row + 1), Array.MaxLength);
        Array.Resize(ref _rowTerms, size);
        Array.Resize(ref _rowLengths, size);
    }
}
