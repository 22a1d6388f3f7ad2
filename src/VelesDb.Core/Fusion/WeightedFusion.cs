using System.Runtime.InteropServices;

namespace VelesDb.Core.Fusion;

/// <summary>
/// Weighted fusion: an id scores
/// <c>AvgWeight·avg + MaxWeight·max + HitWeight·(listsContaining / totalLists)</c>, where avg is
/// the mean of its best score per list over the lists containing it, max its highest score, and
/// totalLists counts every input list, empty ones included.
/// </summary>
public sealed record WeightedFusion : FusionStrategy
{
    /// <summary>Creates the strategy; see <see cref="FusionStrategy.Weighted"/>.</summary>
    /// <param name="avgWeight">Weight of the average.</param>
    /// <param name="maxWeight">Weight of the maximum.</param>
    /// <param name="hitWeight">Weight of the hit ratio.</param>
    internal WeightedFusion(float avgWeight, float maxWeight, float hitWeight)
    {
        FusionValidation.CheckWeight(avgWeight, "avg_weight");
        FusionValidation.CheckWeight(maxWeight, "max_weight");
        FusionValidation.CheckWeight(hitWeight, "hit_weight");
        FusionValidation.CheckSumIsOne((double)avgWeight + maxWeight + hitWeight);
        AvgWeight = avgWeight;
        MaxWeight = maxWeight;
        HitWeight = hitWeight;
    }

    /// <summary>Weight of the average score.</summary>
    public float AvgWeight { get; }

    /// <summary>Weight of the maximum score.</summary>
    public float MaxWeight { get; }

    /// <summary>Weight of the fraction of lists that contain the id.</summary>
    public float HitWeight { get; }

    /// <inheritdoc />
    private protected override Dictionary<ulong, double> Compute(IReadOnlyList<IReadOnlyList<ScoredId>> lists)
    {
        var stats = new Dictionary<ulong, (double Sum, double Max, int Hits)>();
        var best = new Dictionary<ulong, float>();
        foreach (var list in lists)
        {
            BestPerId(list, best);
            foreach (var (id, score) in best)
            {
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(stats, id, out var exists);
                slot.Max = exists ? Math.Max(slot.Max, score) : score;
                slot.Sum += score;
                slot.Hits++;
            }
        }

        double total = lists.Count;
        var scores = new Dictionary<ulong, double>(stats.Count);
        foreach (var (id, (sum, max, hits)) in stats)
        {
            scores[id] = (AvgWeight * (sum / hits)) + (MaxWeight * max) + (HitWeight * (hits / total));
        }

        return scores;
    }
}
