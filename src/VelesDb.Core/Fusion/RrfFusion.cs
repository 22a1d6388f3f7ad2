namespace VelesDb.Core.Fusion;

/// <summary>
/// Reciprocal rank fusion (RRF): an id scores Σ over lists of <c>1 / (k + rank)</c>, where
/// rank is its 1-based position in the list. Only the first occurrence of an id in a list
/// counts. Scores are ignored except for the finiteness check.
/// </summary>
public sealed record RrfFusion : FusionStrategy
{
    /// <summary>Creates the strategy; see <see cref="FusionStrategy.Rrf"/>.</summary>
    /// <param name="k">The rank constant, at least 1.</param>
    internal RrfFusion(int k)
    {
        FusionValidation.CheckK(k, "RRF");
        K = k;
    }

    /// <summary>The rank constant k (at least 1).</summary>
    public int K { get; }

    /// <inheritdoc />
    private protected override Dictionary<ulong, double> Compute(IReadOnlyList<IReadOnlyList<ScoredId>> lists)
    {
        var scores = new Dictionary<ulong, double>();
        var seen = new HashSet<ulong>();
        foreach (var list in lists)
        {
            seen.Clear();
            for (var i = 0; i < list.Count; i++)
            {
                var id = list[i].Id;
                if (seen.Add(id))
                {
                    AddTo(scores, id, 1.0 / (K + i + 1));
                }
            }
        }

        return scores;
    }
}
