using System.Runtime.InteropServices;

namespace VelesDb.Core.Fusion;

/// <summary>Maximum fusion: an id scores its highest score over all lists.</summary>
public sealed record MaximumFusion : FusionStrategy
{
    /// <summary>The single instance.</summary>
    internal static readonly MaximumFusion Instance = new();

    private MaximumFusion()
    {
    }

    /// <inheritdoc />
    private protected override Dictionary<ulong, double> Compute(IReadOnlyList<IReadOnlyList<ScoredId>> lists)
    {
        var scores = new Dictionary<ulong, double>();
        foreach (var list in lists)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var hit = list[i];
                ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(scores, hit.Id, out var exists);
                if (!exists || hit.Score > slot)
                {
                    slot = hit.Score;
                }
            }
        }

        return scores;
    }
}
