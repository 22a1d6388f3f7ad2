using VelesDb.Core.Errors;

namespace VelesDb.Core.Fusion;

/// <summary>
/// Weighted reciprocal rank fusion: an id scores Σ over lists of <c>weightᵢ / (k + rankᵢ)</c>,
/// where rankᵢ is its <b>0-based</b> position in list i. Only the first occurrence of an id in a
/// list counts. Exactly one weight per input list is required; an id found only in lists of
/// weight 0 is still returned, with score 0.
/// </summary>
public sealed record WeightedRrfFusion : FusionStrategy
{
    private readonly float[] _weights;

    /// <summary>Creates the strategy; see <see cref="FusionStrategy.WeightedRrf"/>.</summary>
    /// <param name="weights">One weight per list, finite and at least 0.</param>
    /// <param name="k">The rank constant, at least 1.</param>
    internal WeightedRrfFusion(IReadOnlyList<float> weights, int k)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var copy = new float[weights.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = weights[i];
            FusionValidation.CheckWeight(copy[i], $"weights[{i}]");
        }

        FusionValidation.CheckK(k, "weighted RRF");
        _weights = copy;
        K = k;
    }

    /// <summary>The weight of each input list, in list order.</summary>
    public IReadOnlyList<float> Weights => _weights;

    /// <summary>The rank constant k (at least 1).</summary>
    public int K { get; }

    /// <summary>Equal when k and every weight are equal.</summary>
    /// <param name="other">The other strategy.</param>
    /// <returns>True when equal.</returns>
    public bool Equals(WeightedRrfFusion? other) =>
        other is not null && K == other.K && _weights.AsSpan().SequenceEqual(other._weights);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.Add(K);
        foreach (var weight in _weights)
        {
            hash.Add(weight);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    private protected override Dictionary<ulong, double> Compute(IReadOnlyList<IReadOnlyList<ScoredId>> lists)
    {
        if (lists.Count != _weights.Length)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.Config,
                $"weighted RRF needs exactly one weight per list: got {_weights.Length} weights for {lists.Count} lists.");
        }

        var scores = new Dictionary<ulong, double>();
        var seen = new HashSet<ulong>();
        for (var l = 0; l < lists.Count; l++)
        {
            var list = lists[l];
            double weight = _weights[l];
            seen.Clear();
            for (var i = 0; i < list.Count; i++)
            {
                var id = list[i].Id;
                if (seen.Add(id))
                {
                    AddTo(scores, id, weight / (K + i));
                }
            }
        }

        return scores;
    }
}
