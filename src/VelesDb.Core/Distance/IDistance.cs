namespace VelesDb.Core.Distance;

/// <summary>
/// A distance metric as a type, so searches written as
/// <c>Search&lt;TDistance&gt;() where TDistance : struct, IDistance</c> are specialised by the JIT
/// per metric, with the kernel call inlined and no virtual dispatch in the inner loop.
/// </summary>
/// <remarks>
/// Searches rank on <see cref="Distance"/> (lower is always better, whatever the metric) and
/// convert only the final k to user-visible scores with <see cref="ToScore"/>.
/// </remarks>
public interface IDistance
{
    /// <summary>
    /// The ranking key of <paramref name="a"/> against <paramref name="b"/>: LOWER is always
    /// better. For similarity metrics it is the negated similarity; for euclidean it is the
    /// SQUARED L2 distance; for hamming it is the count itself.
    /// </summary>
    /// <exception cref="Errors.VelesDbException">VELES-004 when the lengths differ.</exception>
    static abstract float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b);

    /// <summary>
    /// Converts a ranking key from <see cref="Distance"/> to the user-visible score: negation back
    /// for similarity metrics, square root for euclidean, identity for hamming.
    /// </summary>
    static abstract float ToScore(float distance);

    /// <summary>Whether a higher user-visible score is better (see <see cref="DistanceMetrics.HigherIsBetter"/>).</summary>
    static abstract bool HigherIsBetter { get; }

    /// <summary>The metric this type implements.</summary>
    static abstract DistanceMetric Metric { get; }
}
