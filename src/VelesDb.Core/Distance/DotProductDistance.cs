using System.Runtime.CompilerServices;

namespace VelesDb.Core.Distance;

/// <summary>
/// Raw inner product (higher is better). The ranking key is the negated inner product.
/// </summary>
public readonly struct DotProductDistance : IDistance
{
    /// <inheritdoc />
    public static bool HigherIsBetter => true;

    /// <inheritdoc />
    public static DistanceMetric Metric => DistanceMetric.DotProduct;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => -VectorKernels.Dot(a, b);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToScore(float distance) => -distance;

    /// <summary>The inner product of <paramref name="a"/> and <paramref name="b"/>.</summary>
    /// <exception cref="Errors.VelesDbException">VELES-004 when the lengths differ.</exception>
    public static float Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => ToScore(Distance(a, b));
}
