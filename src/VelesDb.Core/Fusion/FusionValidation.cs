using VelesDb.Core.Errors;

namespace VelesDb.Core.Fusion;

/// <summary>Parameter and input checks shared by the fusion strategies, and the final ordering.</summary>
internal static class FusionValidation
{
    /// <summary>How far from 1 a weight sum may be.</summary>
    internal const double WeightSumTolerance = 0.001;

    /// <summary>Rejects a rank constant below 1.</summary>
    /// <param name="k">The rank constant.</param>
    /// <param name="what">The strategy name for the message.</param>
    internal static void CheckK(int k, string what)
    {
        if (k < 1)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"{what} k must be at least 1, got {k}.");
        }
    }

    /// <summary>Rejects a negative or non-finite weight.</summary>
    /// <param name="weight">The weight.</param>
    /// <param name="name">The parameter name for the message.</param>
    internal static void CheckWeight(float weight, string name)
    {
        if (!float.IsFinite(weight) || weight < 0f)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"fusion weight {name} must be finite and at least 0, got {weight}.");
        }
    }

    /// <summary>Rejects weights whose sum is not 1 within <see cref="WeightSumTolerance"/>.</summary>
    /// <param name="sum">The sum of the weights.</param>
    internal static void CheckSumIsOne(double sum)
    {
        if (Math.Abs(sum - 1.0) > WeightSumTolerance)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"fusion weights must sum to 1 (±0.001), got {sum:0.######}.");
        }
    }

    /// <summary>Rejects a negative result limit.</summary>
    /// <param name="limit">The limit, or null for none.</param>
    internal static void CheckLimit(int? limit)
    {
        if (limit is < 0)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"fusion limit must be at least 0, got {limit.Value}.");
        }
    }

    /// <summary>Rejects NaN and infinite scores.</summary>
    /// <param name="list">One input list.</param>
    /// <param name="listIndex">Its position, for the message.</param>
    internal static void CheckScores(IReadOnlyList<ScoredId> list, int listIndex)
    {
        for (var i = 0; i < list.Count; i++)
        {
            var score = list[i].Score;
            if (!float.IsFinite(score))
            {
                ThrowHelper.Throw(
                    VelesDbErrorCode.Config,
                    $"fusion input scores must be finite, got {score} for id {list[i].Id} at position {i} of list {listIndex}.");
            }
        }
    }

    /// <summary>Orders fused scores descending (ties by ascending id) and keeps the first <paramref name="limit"/>.</summary>
    /// <param name="scores">Fused score per id.</param>
    /// <param name="limit">The maximum count, or null for all.</param>
    /// <returns>The ordered results.</returns>
    internal static ScoredId[] SortAndTruncate(Dictionary<ulong, double> scores, int? limit)
    {
        var results = new ScoredId[scores.Count];
        var n = 0;
        foreach (var (id, score) in scores)
        {
            results[n++] = new ScoredId(id, (float)score);
        }

        // Sorting on the float that is returned (not the double) keeps the visible order
        // consistent with the tie rule: equal visible scores are always in id order.
        Array.Sort(results, Compare);
        if (limit is { } max && max < results.Length)
        {
            Array.Resize(ref results, max);
        }

        return results;
    }

    /// <summary>Score descending, then id ascending.</summary>
    /// <param name="a">The first entry.</param>
    /// <param name="b">The second entry.</param>
    /// <returns>The comparison result.</returns>
    internal static int Compare(ScoredId a, ScoredId b)
    {
        var byScore = b.Score.CompareTo(a.Score);
        return byScore != 0 ? byScore : a.Id.CompareTo(b.Id);
    }
}
