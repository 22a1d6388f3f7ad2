using System.Runtime.CompilerServices;

namespace VelesDb.Core.Distance;

/// <summary>
/// Cosine similarity: <c>dot / sqrt(‖a‖²·‖b‖²)</c>, clamped to [-1, 1], and 0 when either
/// vector has zero norm. The ranking key is the negated similarity.
/// </summary>
public readonly struct CosineDistance : IDistance
{
    /// <inheritdoc />
    public static bool HigherIsBetter => true;

    /// <inheritdoc />
    public static DistanceMetric Metric => DistanceMetric.Cosine;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => -Similarity(a, b);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToScore(float distance) => -distance;

    /// <summary>The cosine similarity of <paramref name="a"/> and <paramref name="b"/>, in [-1, 1].</summary>
    /// <exception cref="Errors.VelesDbException">VELES-004 when the lengths differ.</exception>
    public static float Score(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => ToScore(Distance(a, b));

    private static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var (dot, normA, normB) = VectorKernels.DotAndNorms(a, b);
        if (normA == 0f || normB == 0f || !float.IsFinite(normA) || !float.IsFinite(normB) || !float.IsFinite(dot))
        {
            // Zero, or float sums that overflowed (components near 1e19) or underflowed (near
            // 1e-23): decide in double, where neither happens for any finite float input.
            return SimilarityInDouble(a, b);
        }

        // The product of two squared norms can overflow float for large components; double cannot.
        var similarity = (float)(dot / Math.Sqrt((double)normA * normB));
        return Math.Clamp(similarity, -1f, 1f);
    }

    private static float SimilarityInDouble(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }

        return normA == 0 || normB == 0 ? 0f : Math.Clamp((float)(dot / Math.Sqrt(normA * normB)), -1f, 1f);
    }
}
