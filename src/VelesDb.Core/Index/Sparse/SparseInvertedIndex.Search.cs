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

        // Raw arrays per term: the list is not modified during a search, so they stay valid.
        var rowsOf = new int[terms][];
        var valuesOf = new float[terms][];
        var lengths = new int[terms];
        var w = new float[terms];
        var positions = new int[terms];
        var bounds = new double[terms];
        var order = new int[terms];
        var magnitude = 0.0;
        for (var t = 0; t < terms; t++)
        {
            rowsOf[t] = lists[t].RowArray;
            valuesOf[t] = lists[t].ValueArray;
            lengths[t] = lists[t].PhysicalCount;
            w[t] = weights[t];

            // Weights may be negative, so the bound of w·v over the list is w·max or w·min.
            var high = (double)w[t] * lists[t].MaxValue;
            var low = (double)w[t] * lists[t].MinValue;
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
            // The next candidate: the lowest live row under an essential cursor.
            var row = int.MaxValue;
            for (var j = firstEssential; j < terms; j++)
            {
                var t = order[j];
                var p = SkipDead(valuesOf[t], lengths[t], positions[t]);
                positions[t] = p;
                if (p < lengths[t] && rowsOf[t][p] < row)
                {
                    row = rowsOf[t][p];
                }
            }

            if (row == int.MaxValue)
            {
                break;
            }

            var partial = 0.0;
            for (var j = firstEssential; j < terms; j++)
            {
                var t = order[j];
                var p = positions[t];
                if (p < lengths[t] && rowsOf[t][p] == row)
                {
                    partial += (double)w[t] * valuesOf[t][p];
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
                var p = Seek(rowsOf[t], valuesOf[t], lengths[t], positions[t], row);
                positions[t] = p;
                if (p < lengths[t] && rowsOf[t][p] == row)
                {
                    partial += (double)w[t] * valuesOf[t][p];
                }
            }

            if (!pruned && partial + slack >= threshold && (accept is null || accept(row)))
            {
                // Every cursor now rests on the first live entry at `row` or beyond: sum the exact
                // score in query order, as SparseVector.Dot and the linear scan do.
                var score = 0f;
                for (var t = 0; t < terms; t++)
                {
                    var p = positions[t];
                    if (p < lengths[t] && rowsOf[t][p] == row)
                    {
                        score += w[t] * valuesOf[t][p];
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
                var p = positions[t];
                if (p < lengths[t] && rowsOf[t][p] == row)
                {
                    positions[t] = p + 1;
                }
            }
        }

        return heap.DrainSorted();
    }

    // The first position at or after `position` that is not a tombstone (or `length`).
    private static int SkipDead(float[] values, int length, int position)
    {
        while (position < length && float.IsNaN(values[position]))
        {
            position++;
        }

        return position;
    }

    // The first live position at or after `position` whose row is ≥ target (or `length`).
    private static int Seek(int[] rows, float[] values, int length, int position, int target)
    {
        if (position < length && rows[position] < target)
        {
            // Gallop to bracket the target, then binary search inside the bracket: cheap for
            // short hops, logarithmic for long ones.
            var step = 1;
            var low = position;
            var high = position + 1;
            while (high < length && rows[high] < target)
            {
                low = high;
                step <<= 1;
                high = (int)Math.Min((long)position + step, length);
            }

            var found = rows.AsSpan(low, Math.Min(high + 1, length) - low).BinarySearch(target);
            position = low + (found >= 0 ? found : ~found);
        }

        return SkipDead(values, length, position);
    }
}
