using System.Runtime.InteropServices;

namespace VelesDb.Core.Fusion;

/// <summary>
/// Average fusion: an id scores the mean of its best score in each list, over the lists where
/// it appears (lists without it do not pull the mean down).
/// </summary>
public sealed record AverageFusion : FusionStrategy
{
    /// <summary>The single instance.</summary>
    internal static readonly AverageFusion Instance = new();

    private AverageFusion()
    {
    }

    /// <inheritdoc />
    private protected override Dictionary<ulong, double> Compute(IReadOnlyList<IReadOnlyList<ScoredId>> lists)
    {
        var sums = new Dictionary<ulong, (double Sum, int Hits)>();
        var best = new Dictionary<ulong, float>();
        foreach (var list in lists)
        {
            BestPerId(list, best);
            foreach (var (id, score) in best)
            {
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(sums, id, out _);
                slot.Sum += score;
                slot.Hits++;
            }
        }

        var scores = new Dictionary<ulong, double>(sums.Count);
        foreach (var (id, (sum, hits)) in sums)
        {
            scores[id] = sum / hits;
        }

        return scores;
    }
}
