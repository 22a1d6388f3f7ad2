using System.Runtime.CompilerServices;

namespace VelesDb.Core.Distance;

/// <summary>
/// Hamming distance over binarised vectors: the number of positions <c>i</c> where
/// <c>(a[i] &gt; 0.5) != (b[i] &gt; 0.5)</c>, as a float. Lower is better; the ranking key is
/// the count itself.
/// </summary>
public readonly struct HammingDistance : IDistance
{
    /// <inheritdoc />
    public static bool HigherIsBetter => false;

    /// <inheritdoc />
    public static DistanceMetric Metric => DistanceMetric.Hamming;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => VectorKernels.HammingBinarized(a, b);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToScore(float distance) => distance;

    /// <summary>The number of differing binarised positions of <paramref name="a"/> and <paramref name="b"/>.</summary>
    /// <exception cref="Errors.VelesDbException">VELES-004 when the lengths differ.</exception>
    public static float Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => ToScore(Distance(a, b));
}
