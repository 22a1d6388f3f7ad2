namespace VelesDb.Core.Fusion;

/// <summary>
/// Relative score fusion (RSF): the <b>first two</b> lists (dense, then sparse) are min-max
/// normalised to [0, 1] and an id scores <c>DenseWeight·nd + SparseWeight·ns</c>; a side
/// where the id is missing counts 0.
/// </summary>
/// <remarks>
/// Each list is normalised over all its scores (min and max of the whole list) and an id that
/// occurs more than once in a list takes its best normalised score; when a list's max − min is
/// below <see cref="Epsilon"/> every score in it normalises to 0.5. Lists after the second are
/// <b>ignored</b> (their ids are not returned); with one list only the dense side exists.
/// </remarks>
public sealed record RelativeScoreFusion : FusionStrategy
{
    /// <summary>Score ranges narrower than this normalise to 0.5.</summary>
    public const double Epsilon = 1e-6;

    /// <summary>Creates the strategy; see <see cref="FusionStrategy.RelativeScore"/>.</summary>
    /// <param name="denseWeight">Weight of the first list.</param>
    /// <param name="sparseWeight">Weight of the second list.</param>
    internal RelativeScoreFusion(float denseWeight, float sparseWeight)
    {
        FusionValidation.CheckWeight(denseWeight, "dense_weight");
        FusionValidation.CheckWeight(sparseWeight, "sparse_weight");
        FusionValidation.CheckSumIsOne((double)denseWeight + sparseWeight);
        DenseWeight = denseWeight;
        SparseWeight = sparseWeight;
    }

    /// <summary>Weight of the first (dense) list.</summary>
    public float DenseWeight { get; }

    /// <summary>Weight of the second (sparse) list.</summary>
    public float SparseWeight { get; }

    /// <inheritdoc />
    private protected override Dictionary<ulong, double> Compute(IReadOnlyList<IReadOnlyList<ScoredId>> lists)
    {
        var scores = new Dictionary<ulong, double>();
        var best = new Dictionary<ulong, float>();
        var sides = Math.Min(lists.Count, 2);
        for (var side = 0; side < sides; side++)
        {
            var list = lists[side];
            if (list.Count == 0)
            {
                continue;
            }

            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (var i = 0; i < list.Count; i++)
            {
                min = Math.Min(min, list[i].Score);
                max = Math.Max(max, list[i].Score);
            }

            BestPerId(list, best);

            double weight = side == 0 ? DenseWeight : SparseWeight;
            var range = max - min;
            foreach (var (id, score) in best)
            {
                var normalised = range < Epsilon ? 0.5 : (score - min) / range;
                AddTo(scores, id, weight * normalised);
            }
        }

        return scores;
    }
}
