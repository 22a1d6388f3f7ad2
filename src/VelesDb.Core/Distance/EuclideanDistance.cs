using System.Runtime.CompilerServices;

namespace VelesDb.Core.Distance;

/// <summary>
/// Euclidean (L2) distance. Searches rank on the squared distance, which orders identically and
/// saves a square root per candidate; the user-visible score is the true (square-rooted) distance.
/// </summary>
public readonly struct EuclideanDistance : IDistance
{
    /// <inheritdoc />
    public static bool HigherIsBetter => false;

    /// <inheritdoc />
    public static DistanceMetric Metric => DistanceMetric.Euclidean;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => VectorKernels.SquaredL2(a, b);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToScore(float distance) => MathF.Sqrt(distance);

    /// <summary>The L2 distance between <paramref name="a"/> and <paramref name="b"/>.</summary>
    /// <exception cref="Errors.VelesDbException">VELES-004 when the lengths differ.</exception>
    public static float Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => ToScore(Distance(a, b));
}
