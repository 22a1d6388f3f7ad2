using System.Runtime.InteropServices;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Fusion;

/// <summary>
/// A way to merge several ranked result lists into one (engine spec §4.5). Create one with the
/// factory methods (<see cref="Rrf"/>, <see cref="Average"/>, <see cref="Maximum"/>,
/// <see cref="Weighted"/>, <see cref="RelativeScore"/> / <see cref="Rsf"/>,
/// <see cref="WeightedRrf"/>) and call <see cref="Fuse"/>.
/// </summary>
/// <remarks>
/// Every input list is a sequence of <see cref="ScoredId"/> sorted best first (higher score is
/// better); the position in the list is the rank. The output holds every id of the lists the
/// strategy reads, each once, sorted by fused score descending with ties broken by ascending id,
/// so the result is deterministic. Parameters are validated when the strategy is created;
/// invalid ones throw <see cref="VelesDbException"/> with <see cref="VelesDbErrorCode.Config"/>.
/// Instances are immutable and thread-safe.
/// </remarks>
public abstract record FusionStrategy
{
    /// <summary>The default RRF constant k (60).</summary>
    public const int DefaultK = 60;

    private protected FusionStrategy()
    {
    }

    /// <summary>Reciprocal rank fusion: Σ over lists of <c>1 / (k + rank)</c> with 1-based ranks.</summary>
    /// <param name="k">The rank constant, at least 1 (default 60).</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="VelesDbException">With <see cref="VelesDbErrorCode.Config"/> when <paramref name="k"/> is below 1.</exception>
    public static RrfFusion Rrf(int k = DefaultK) => new(k);

    /// <summary>Mean of an id's best score per list, over the lists where it appears.</summary>
    /// <returns>The strategy.</returns>
    public static AverageFusion Average() => AverageFusion.Instance;

    /// <summary>Maximum score of an id over all lists.</summary>
    /// <returns>The strategy.</returns>
    public static MaximumFusion Maximum() => MaximumFusion.Instance;

    /// <summary>
    /// <c>avg·avgWeight + max·maxWeight + (listsContaining / totalLists)·hitWeight</c>.
    /// </summary>
    /// <param name="avgWeight">Weight of the average score (default 0.6).</param>
    /// <param name="maxWeight">Weight of the maximum score (default 0.3).</param>
    /// <param name="hitWeight">Weight of the hit ratio (default 0.1).</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="VelesDbException">With <see cref="VelesDbErrorCode.Config"/> when a weight is negative or not finite, or the weights do not sum to 1 (±0.001).</exception>
    public static WeightedFusion Weighted(float avgWeight = 0.6f, float maxWeight = 0.3f, float hitWeight = 0.1f) =>
        new(avgWeight, maxWeight, hitWeight);

    /// <summary>
    /// Relative score fusion: min-max normalise the first two lists and combine them as
    /// <c>denseWeight·nd + sparseWeight·ns</c>; further lists are ignored.
    /// </summary>
    /// <param name="denseWeight">Weight of the first list (default 0.5).</param>
    /// <param name="sparseWeight">Weight of the second list (default 0.5).</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="VelesDbException">With <see cref="VelesDbErrorCode.Config"/> when a weight is negative or not finite, or the weights do not sum to 1 (±0.001).</exception>
    public static RelativeScoreFusion RelativeScore(float denseWeight = 0.5f, float sparseWeight = 0.5f) =>
        new(denseWeight, sparseWeight);

    /// <summary>Alias of <see cref="RelativeScore"/> (RSF).</summary>
    /// <param name="denseWeight">Weight of the first list (default 0.5).</param>
    /// <param name="sparseWeight">Weight of the second list (default 0.5).</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="VelesDbException">With <see cref="VelesDbErrorCode.Config"/> when a weight is negative or not finite, or the weights do not sum to 1 (±0.001).</exception>
    public static RelativeScoreFusion Rsf(float denseWeight = 0.5f, float sparseWeight = 0.5f) =>
        new(denseWeight, sparseWeight);

    /// <summary>Weighted reciprocal rank fusion: Σ <c>weightᵢ / (k + rankᵢ)</c> with 0-based ranks.</summary>
    /// <param name="weights">One weight per input list, each finite and at least 0. The values are copied.</param>
    /// <param name="k">The rank constant, at least 1 (default 60).</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="VelesDbException">With <see cref="VelesDbErrorCode.Config"/> when a weight is negative or not finite, or <paramref name="k"/> is below 1.</exception>
    public static WeightedRrfFusion WeightedRrf(IReadOnlyList<float> weights, int k = DefaultK) => new(weights, k);

    /// <summary>Fuses ranked lists into one.</summary>
    /// <param name="lists">The input lists, each sorted best first. Empty lists are allowed.</param>
    /// <param name="limit">When set, at most this many results are returned (the best ones); must be at least 0.</param>
    /// <returns>The fused list, sorted by fused score descending, ties by ascending id.</returns>
    /// <exception cref="VelesDbException">
    /// With <see cref="VelesDbErrorCode.Config"/> when a score is NaN or infinite, <paramref name="limit"/>
    /// is negative, or the input does not fit the strategy (e.g. a weight count mismatch).
    /// </exception>
    public IReadOnlyList<ScoredId> Fuse(IReadOnlyList<IReadOnlyList<ScoredId>> lists, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        FusionValidation.CheckLimit(limit);
        for (var i = 0; i < lists.Count; i++)
        {
            var list = lists[i];
            if (list is null)
            {
                throw new ArgumentNullException(nameof(lists), $"fusion input list {i} is null.");
            }

            FusionValidation.CheckScores(list, i);
        }

        var scores = Compute(lists);
        return FusionValidation.SortAndTruncate(scores, limit);
    }

    /// <summary>Computes the fused score of every id; the inputs are already validated.</summary>
    /// <param name="lists">The validated input lists.</param>
    /// <returns>Fused score per id.</returns>
    private protected abstract Dictionary<ulong, double> Compute(IReadOnlyList<IReadOnlyList<ScoredId>> lists);

    /// <summary>Adds <paramref name="amount"/> to the score of <paramref name="id"/>, creating it at 0.</summary>
    /// <param name="scores">The accumulator.</param>
    /// <param name="id">The id.</param>
    /// <param name="amount">The amount to add.</param>
    private protected static void AddTo(Dictionary<ulong, double> scores, ulong id, double amount)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(scores, id, out _);
        slot += amount;
    }

    /// <summary>
    /// Fills <paramref name="best"/> with each id's best (highest) score in <paramref name="list"/>.
    /// </summary>
    /// <param name="list">One input list.</param>
    /// <param name="best">Cleared, then filled.</param>
    private protected static void BestPerId(IReadOnlyList<ScoredId> list, Dictionary<ulong, float> best)
    {
        best.Clear();
        for (var i = 0; i < list.Count; i++)
        {
            var hit = list[i];
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(best, hit.Id, out var exists);
            if (!exists || hit.Score > slot)
            {
                slot = hit.Score;
            }
        }
    }
}
