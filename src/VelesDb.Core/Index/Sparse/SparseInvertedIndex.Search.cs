using System.Buffers;

namespace VelesDb.Core.Index.Sparse;

/// <summary>Top-k inner-product search: MaxScore document-at-a-time, or a linear scan at high coverage.</summary>
internal sealed partial class SparseInvertedIndex
{
    /// <summary>
    /// The <paramref name="k"/> rows with the highest inner product with <paramref name="query"/>,
    /// best first, equal scores by ascending row; only rows sharing a dimension with the query and
    /// accepted by <paramref name="accept"/> (when given) are candidates. <paramref name="path"/>
    /// forces an algorithm (tests); both return identical results.
    /// </summary>
    public (int Row, float Score)[] Search(
        SparseVector query, int k, Func<int, bool>? accept, SparseSearchPath path = SparseSearchPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (k <= 0 || _count == 0)
        {
            return [];
        }

        // The query's dimensions present in the index, in ascending dimension order: the order
        // every score is summed in.
        var lists = new List<PostingList>(query.Count);
        var weights = new List<float>(query.Count);
        long postings = 0;
        for (var i = 0; i < query.Count; i++)
        {
            if (_postings.TryGetValue(query.Indices[i], out var list))
            {
                lists.Add(list);
                weights.Add(query.Values[i]);
                postings += list.PhysicalCount;
            }
        }

        if (lists.Count == 0)
        {
            return [];
        }

        if (path == SparseSearchPath.Auto)
        {
            path = postings > LinearScanCoverage * _count * query.Count ? SparseSearchPath.Linear : SparseSearchPath.MaxScore;
        }

        return path == SparseSearchPath.Linear
            ? SearchLinear(lists, weights, k, accept)
            : SearchMaxScore(lists, weights, k, accept);
    }

    private (int Row, float Score)[] SearchLinear(List<PostingList> lists, List<float> weights, int k, Func<int, bool>? accept)
    {
        var size = _rowIndices.Length;
        var scores = ArrayPool<float>.Shared.Rent(size);
        var seen = ArrayPool<bool>.Shared.Rent(size);
        try
        {
            Array.Clear(scores, 0, size);
            Array.Clear(seen, 0, size);
            var touched = new List<int>();
            for (var t = 0; t < lists.Count; t++)
            {
                var weight = weights[t];
                var rows = lists[t].Rows;
                var values = lists[t].Values;
                for (var i = 0; i < rows.Length; i++)
                {
                    var value = values[i];
                    if (float.IsNaN(value))
                    {
                        continue;
                    }

                    var row = rows[i];
                    if (!seen[row])
                    {
                        seen[row] = true;
                        touched.Add(row);
                    }

                    scores[row] += weight * value;
                }
            }

            var heap = new ScoredTopK(Math.Min(k, touched.Count));
            foreach (var row in touched)
            {
                if (accept is null || accept(row))
                {
                    heap.Offer(scores[row], row);
                }
            }

            return heap.DrainSorted();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<bool>.Shared.Return(seen);
        }
    }

    /// <summary>
    /// MaxScore: the query terms sorted by their score upper bound; once the heap is full, the
    /// longest prefix of terms whose bounds sum below the k-th score is "non-essential" (a row found
    /// only there cannot enter the top k), so candidates come only from the essential terms, and
    /// non-essential terms are probed (by binary search) only while the row's bound still reaches
    /// the k-th score. When every term is non-essential the search stops.
    /// </summary>
    private (int Row, float Score)[] SearchMaxScore(List<PostingList> lists, List<float> weights, int k, Func<int, bool>? accept)
    {
        var terms = lists.Count;
        var positions = new int[terms];
        var bounds = new double[terms];
        var order = new int[terms];
        var magnitude = 0.0;
        for (var t = 0; t < terms; t++)
        {
            // Weights may be negative, so the bound of w·v over the list is w·max or w·min.
            double w = weights[t];
            var high = w * lists[t].MaxValue;
            var low = w * lists[t].MinValue;
            bounds[t] = Math.Max(Math.Max(high, low), 0);
            magnitude += Math.Max(Math.Abs(high), Math.Abs(low));
            order[t] = t;
        }

        Array.Sort((double[])bounds.Clone(), order);
        var prefix = new double[terms];
        var running = 0.0;
        for (var j = 0; j < terms; j++)
        {
            running += bounds[order[j]];
            prefix[j] = running;
        }

        // Bounds are summed in double while scores are float sums: the slack absorbs the float
        // rounding (≤ terms·2⁻²⁴ relative to the magnitudes) so no row is pruned by rounding.
        var slack = (magnitude * (terms + 2) * 1.2e-7) + 1e-30;
        var heap = new ScoredTopK(Math.Min(k, _count));
        var threshold = double.NegativeInfinity;
        var firstEssential = 0;
        while (firstEssential < terms)
        {
            var row = int.MaxValue;
            for (var j = firstEssential; j < terms; j++)
            {
                row = Math.Min(row, Current(lists[order[j]], ref positions[order[j]]));
            }

            if (row == int.MaxValue)
            {
                break;
            }

            var partial = 0.0;
            for (var j = firstEssential; j < terms; j++)
            {
                var t = order[j];
                if (Current(lists[t], ref positions[t]) == row)
                {
                    partial += (double)weights[t] * lists[t].Values[positions[t]];
                }
            }

            var pruned = false;
            for (var j = firstEssential - 1; j >= 0; j--)
            {
                if (partial + prefix[j] + slack < threshold)
                {
                    pruned = true;
                    break;
                }

                var t = order[j];
                if (Seek(lists[t], ref positions[t], row) == row)
                {
                    partial += (double)weights[t] * lists[t].Values[positions[t]];
                }
            }

            if (!pruned && partial + slack >= threshold && (accept is null || accept(row)))
            {
                // Every cursor now rests on `row` or beyond: sum the exact score in query order.
                var score = 0f;
                for (var t = 0; t < terms; t++)
                {
                    var rows = lists[t].Rows;
                    var p = positions[t];
                    if (p < rows.Length && rows[p] == row && !float.IsNaN(lists[t].Values[p]))
                    {
                        score += weights[t] * lists[t].Values[p];
                    }
                }

                heap.Offer(score, row);
                if (heap.IsFull)
                {
                    threshold = heap.WorstScore;
                    while (firstEssential < terms && prefix[firstEssential] + slack < threshold)
                    {
                        firstEssential++;
                    }
                }
            }

            for (var j = firstEssential; j < terms; j++)
            {
                var t = order[j];
                var rows = lists[t].Rows;
                if (positions[t] < rows.Length && rows[positions[t]] == row)
                {
                    positions[t]++;
                }
            }
        }

        return heap.DrainSorted();
    }

    // The row under the cursor after skipping tombstones; int.MaxValue at the end.
    private static int Current(PostingList list, ref int position)
    {
        var values = list.Values;
        while (position < values.Length && float.IsNaN(values[position]))
        {
            position++;
        }

        return position < values.Length ? list.Rows[position] : int.MaxValue;
    }

    // Moves the cursor to the first live entry with a row ≥ target; returns that row or int.MaxValue.
    private static int Seek(PostingList list, ref int position, int target)
    {
        var rows = list.Rows;
        if (position < rows.Length && rows[position] < target)
        {
            var found = rows[position..].BinarySearch(target);
            position += found >= 0 ? found : ~found;
        }

        return Current(list, ref position);
    }
}
