using VelesDb.Core.Errors;

namespace VelesDb.Core.Distance;

/// <summary>
/// The distance metric of a vector collection, fixed at creation.
/// </summary>
/// <remarks>
/// The numeric values are persisted in collection metadata: they are never renumbered, only
/// appended to.
/// </remarks>
public enum DistanceMetric
{
    /// <summary>Cosine similarity in [-1, 1]; higher is better.</summary>
    Cosine = 0,

    /// <summary>Euclidean (L2) distance; lower is better.</summary>
    Euclidean = 1,

    /// <summary>Raw inner product; higher is better.</summary>
    DotProduct = 2,

    /// <summary>Number of differing positions after binarising each component with <c>x &gt; 0.5</c>; lower is better.</summary>
    Hamming = 3,

    /// <summary>Weighted Jaccard similarity Σmin/Σmax in [0, 1] for non-negative vectors; higher is better.</summary>
    Jaccard = 4,
}

/// <summary>
/// Names, direction and scoring of <see cref="DistanceMetric"/> values.
/// </summary>
public static class DistanceMetrics
{
    /// <summary>
    /// Parses a metric name, case-insensitively: <c>cosine</c>; <c>euclidean</c> or <c>l2</c>;
    /// <c>dot</c>, <c>dotproduct</c>, <c>inner</c> or <c>ip</c>; <c>hamming</c>; <c>jaccard</c>.
    /// </summary>
    /// <returns><see langword="true"/> when <paramref name="s"/> names a metric.</returns>
    public static bool TryParse(string? s, out DistanceMetric metric)
    {
        if (Is(s, "cosine"))
        {
            metric = DistanceMetric.Cosine;
            return true;
        }

        if (Is(s, "euclidean") || Is(s, "l2"))
        {
            metric = DistanceMetric.Euclidean;
            return true;
        }

        if (Is(s, "dot") || Is(s, "dotproduct") || Is(s, "inner") || Is(s, "ip"))
        {
            metric = DistanceMetric.DotProduct;
            return true;
        }

        if (Is(s, "hamming"))
        {
            metric = DistanceMetric.Hamming;
            return true;
        }

        if (Is(s, "jaccard"))
        {
            metric = DistanceMetric.Jaccard;
            return true;
        }

        metric = default;
        return false;
    }

    /// <summary>Parses a metric name as <see cref="TryParse"/> does.</summary>
    /// <exception cref="VelesDbException">VELES-009 (Config) when the name is unknown.</exception>
    public static DistanceMetric Parse(string s)
    {
        if (!TryParse(s, out var metric))
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.Config,
                $"Unknown metric '{s}'. Expected one of: cosine, euclidean, dot, hamming, jaccard.");
        }

        return metric;
    }

    /// <summary>
    /// The canonical name of a metric: <c>cosine</c>, <c>euclidean</c>, <c>dot</c>, <c>hamming</c>
    /// or <c>jaccard</c>.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-009 (Config) for an undefined enum value.</exception>
    public static string ToCanonicalName(this DistanceMetric metric) => metric switch
    {
        DistanceMetric.Cosine => "cosine",
        DistanceMetric.Euclidean => "euclidean",
        DistanceMetric.DotProduct => "dot",
        DistanceMetric.Hamming => "hamming",
        DistanceMetric.Jaccard => "jaccard",
        _ => ThrowUndefined<string>(metric),
    };

    /// <summary>
    /// Whether a higher score is better: <see langword="true"/> for cosine, dot and jaccard
    /// (similarities), <see langword="false"/> for euclidean and hamming (distances). Every merge,
    /// top-k, fusion input and similarity threshold follows this flag.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-009 (Config) for an undefined enum value.</exception>
    public static bool HigherIsBetter(this DistanceMetric metric) => metric switch
    {
        DistanceMetric.Cosine => CosineDistance.HigherIsBetter,
        DistanceMetric.Euclidean => EuclideanDistance.HigherIsBetter,
        DistanceMetric.DotProduct => DotProductDistance.HigherIsBetter,
        DistanceMetric.Hamming => HammingDistance.HigherIsBetter,
        DistanceMetric.Jaccard => JaccardDistance.HigherIsBetter,
        _ => ThrowUndefined<bool>(metric),
    };

    /// <summary>
    /// The user-visible score of <paramref name="a"/> against <paramref name="b"/> under
    /// <paramref name="metric"/> (see the metric structs for the exact formulas).
    /// </summary>
    /// <exception cref="VelesDbException">VELES-004 when the lengths differ; VELES-009 for an
    /// undefined enum value.</exception>
    public static float Score(DistanceMetric metric, ReadOnlySpan<float> a, ReadOnlySpan<float> b) => metric switch
    {
        DistanceMetric.Cosine => CosineDistance.Score(a, b),
        DistanceMetric.Euclidean => EuclideanDistance.Score(a, b),
        DistanceMetric.DotProduct => DotProductDistance.Score(a, b),
        DistanceMetric.Hamming => HammingDistance.Score(a, b),
        DistanceMetric.Jaccard => JaccardDistance.Score(a, b),
        _ => ThrowUndefined<float>(metric),
    };

    private static bool Is(string? s, string name) => string.Equals(s, name, StringComparison.OrdinalIgnoreCase);

    private static T ThrowUndefined<T>(DistanceMetric metric) =>
        ThrowHelper.Throw<T>(VelesDbErrorCode.Config, $"Undefined distance metric value {(int)metric}.");
}
