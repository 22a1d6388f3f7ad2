using System.Runtime.InteropServices;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Fusion;

/// <summary>
/// The default fusion of hybrid dense + text (BM25) search (engine spec §4.4): weighted
/// reciprocal rank fusion with 0-based ranks.
/// </summary>
public static class HybridFusion
{
    /// <summary>The default vector weight (0.5).</summary>
    public const float DefaultVectorWeight = 0.5f;

    /// <summary>
    /// Fuses vector and text hits: <c>score = w / (k + rank_vec) + (1 − w) / (k + rank_text)</c>
    /// with 0-based ranks, where a branch missing the id contributes 0 and only an id's first
    /// occurrence in a branch counts. Results keep both terms.
    /// </summary>
    /// <param name="vectorHits">Dense hits, best first.</param>
    /// <param name="textHits">Text hits, best first.</param>
    /// <param name="vectorWeight">The vector weight w, clamped to [0, 1] (default 0.5); NaN is rejected.</param>
    /// <param name="k">The rank constant, at least 1 (default 60).</param>
    /// <param name="limit">When set, at most this many results are returned; must be at least 0.</param>
    /// <returns>The fused hits sorted by score descending, ties by ascending id.</returns>
    /// <exception cref="VelesDbException">
    /// With <see cref="VelesDbErrorCode.Config"/> when <paramref name="vectorWeight"/> is NaN,
    /// <paramref name="k"/> is below 1, <paramref name="limit"/> is negative, or a score is NaN or infinite.
    /// </exception>
    public static IReadOnlyList<HybridHit> WeightedRrf(
        IReadOnlyList<ScoredId> vectorHits,
        IReadOnlyList<ScoredId> textHits,
        float vectorWeight = DefaultVectorWeight,
        int k = FusionStrategy.DefaultK,
        int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(vectorHits);
        ArgumentNullException.ThrowIfNull(textHits);
        if (float.IsNaN(vectorWeight))
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, "hybrid fusion vector_weight must be a number in [0, 1], got NaN.");
        }

        FusionValidation.CheckK(k, "hybrid RRF");
        FusionValidation.CheckLimit(limit);
        FusionValidation.CheckScores(vectorHits, 0);
        FusionValidation.CheckScores(textHits, 1);

        double w = Math.Clamp(vectorWeight, 0f, 1f);
        var terms = new Dictionary<ulong, (double Vector, double Text)>();
        var seen = new HashSet<ulong>();
        for (var i = 0; i < vectorHits.Count; i++)
        {
            var id = vectorHits[i].Id;
            if (seen.Add(id))
            {
                CollectionsMarshal.GetValueRefOrAddDefault(terms, id, out _).Vector = w / (k + i);
            }
        }

        seen.Clear();
        for (var i = 0; i < textHits.Count; i++)
        {
            var id = textHits[i].Id;
            if (seen.Add(id))
            {
                CollectionsMarshal.GetValueRefOrAddDefault(terms, id, out _).Text = (1.0 - w) / (k + i);
            }
        }

        var results = new HybridHit[terms.Count];
        var n = 0;
        foreach (var (id, (vector, text)) in terms)
        {
            results[n++] = new HybridHit(id, (float)(vector + text), (float)vector, (float)text);
        }

        Array.Sort(results, static (a, b) =>
        {
            var byScore = b.Score.CompareTo(a.Score);
            return byScore != 0 ? byScore : a.Id.CompareTo(b.Id);
        });
        if (limit is { } max && max < results.Length)
        {
            Array.Resize(ref results, max);
        }

        return results;
    }
}
