using System.Runtime.CompilerServices;

namespace VelesDb.Core.Distance;

/// <summary>
/// Weighted Jaccard similarity <c>Σmin(aᵢ,bᵢ) / Σmax(aᵢ,bᵢ)</c>, and 1 when <c>Σmax</c> is 0
/// (two empty or all-zero vectors are identical). Higher is better; the ranking key is the negated
/// similarity.
/// </summary>
public readonly struct JaccardDistance : IDistance
{
    /// <inheritdoc />
    public static bool HigherIsBetter => true;

    /// <inheritdoc />
    public static DistanceMetric Metric => DistanceMetric.Jaccard;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => -Similarity(a, b);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToScore(float distance) => -distance;

    /// <summary>The weighted Jaccard similarity of <paramref name="a"/> and <paramref name="b"/>.</summary>
    /// <exception cref="Errors.VelesDbException">VELES-004 when the lengths differ.</exception>
    public static float Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => ToScore(Distance(a, b));

    private static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var (sumMin, sumMax) = VectorKernels.MinMaxSums(a, b);
        return sumMax == 0f ? 1f : sumMin / sumMax;
    }
}
