using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Distance;

/// <summary>
/// SIMD primitives behind the distance metrics. Each one picks the widest accelerated vector
/// width that the input fills (Vector512, then Vector256, then Vector128) and falls back to
/// scalar code for inputs shorter than one 128-bit vector. Inside a width, a masked head vector
/// brings the first operand to vector alignment, the body runs several independent accumulators so
/// consecutive fused multiply-adds do not wait on each other, and a masked tail vector finishes
/// (see VectorKernels.Vector512.cs). None of them allocates.
/// </summary>
/// <remarks>
/// Float accumulation order differs between widths and with the alignment of the input, so
/// results may differ in the last bits between machines and calls;
/// <see cref="HammingBinarized(ReadOnlySpan{float}, ReadOnlySpan{float})"/> is exact everywhere.
/// Loads are fastest when both inputs start on a 64-byte boundary, or at least share their
/// offset from one (the head peel then aligns both).
/// </remarks>
public static partial class VectorKernels
{
    /// <summary>Components strictly greater than this are 1 when binarised for hamming.</summary>
    internal const float BinarizeThreshold = 0.5f;

    /// <summary>The inner product Σ aᵢ·bᵢ.</summary>
    /// <exception cref="VelesDbException">VELES-004 when the lengths differ.</exception>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        if (Vector512.IsHardwareAccelerated && a.Length >= Vector512<float>.Count)
        {
            return DotVector512(a, b);
        }

        if (Vector256.IsHardwareAccelerated && a.Length >= Vector256<float>.Count)
        {
            return DotVector256(a, b);
        }

        if (Vector128.IsHardwareAccelerated && a.Length >= Vector128<float>.Count)
        {
            return DotVector128(a, b);
        }

        return ScalarKernels.Dot(a, b);
    }

    /// <summary>The squared euclidean distance Σ (aᵢ − bᵢ)².</summary>
    /// <exception cref="VelesDbException">VELES-004 when the lengths differ.</exception>
    public static float SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        if (Vector512.IsHardwareAccelerated && a.Length >= Vector512<float>.Count)
        {
            return SquaredL2Vector512(a, b);
        }

        if (Vector256.IsHardwareAccelerated && a.Length >= Vector256<float>.Count)
        {
            return SquaredL2Vector256(a, b);
        }

        if (Vector128.IsHardwareAccelerated && a.Length >= Vector128<float>.Count)
        {
            return SquaredL2Vector128(a, b);
        }

        return ScalarKernels.SquaredL2(a, b);
    }

    /// <summary>
    /// The inner product and both squared norms (Σ aᵢ·bᵢ, Σ aᵢ², Σ bᵢ²) in one pass, for cosine.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-004 when the lengths differ.</exception>
    public static (float Dot, float NormA, float NormB) DotAndNorms(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        if (Vector512.IsHardwareAccelerated && a.Length >= Vector512<float>.Count)
        {
            return DotAndNormsVector512(a, b);
        }

        if (Vector256.IsHardwareAccelerated && a.Length >= Vector256<float>.Count)
        {
            return DotAndNormsVector256(a, b);
        }

        if (Vector128.IsHardwareAccelerated && a.Length >= Vector128<float>.Count)
        {
            return DotAndNormsVector128(a, b);
        }

        return ScalarKernels.DotAndNorms(a, b);
    }

    /// <summary>
    /// The number of positions where exactly one of aᵢ, bᵢ is greater than 0.5 (NaN counts as
    /// not greater).
    /// </summary>
    /// <exception cref="VelesDbException">VELES-004 when the lengths differ.</exception>
    public static int HammingBinarized(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        if (Vector512.IsHardwareAccelerated && a.Length >= Vector512<float>.Count)
        {
            return HammingBinarizedVector512(a, b);
        }

        if (Vector256.IsHardwareAccelerated && a.Length >= Vector256<float>.Count)
        {
            return HammingBinarizedVector256(a, b);
        }

        if (Vector128.IsHardwareAccelerated && a.Length >= Vector128<float>.Count)
        {
            return HammingBinarizedVector128(a, b);
        }

        return ScalarKernels.HammingBinarized(a, b);
    }

    /// <summary>Σ min(aᵢ, bᵢ) and Σ max(aᵢ, bᵢ) in one pass, for jaccard.</summary>
    /// <remarks>Inputs are assumed finite (NaN handling of the vector min/max is platform-specific).</remarks>
    /// <exception cref="VelesDbException">VELES-004 when the lengths differ.</exception>
    public static (float SumMin, float SumMax) MinMaxSums(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a, b);
        if (Vector512.IsHardwareAccelerated && a.Length >= Vector512<float>.Count)
        {
            return MinMaxSumsVector512(a, b);
        }

        if (Vector256.IsHardwareAccelerated && a.Length >= Vector256<float>.Count)
        {
            return MinMaxSumsVector256(a, b);
        }

        if (Vector128.IsHardwareAccelerated && a.Length >= Vector128<float>.Count)
        {
            return MinMaxSumsVector128(a, b);
        }

        return ScalarKernels.MinMaxSums(a, b);
    }

    /// <summary>The squared norm Σ aᵢ².</summary>
    public static float SquaredNorm(ReadOnlySpan<float> a)
    {
        if (Vector512.IsHardwareAccelerated && a.Length >= Vector512<float>.Count)
        {
            return SquaredNormVector512(a);
        }

        if (Vector256.IsHardwareAccelerated && a.Length >= Vector256<float>.Count)
        {
            return SquaredNormVector256(a);
        }

        if (Vector128.IsHardwareAccelerated && a.Length >= Vector128<float>.Count)
        {
            return SquaredNormVector128(a);
        }

        return ScalarKernels.SquaredNorm(a);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            ThrowHelper.DimensionMismatch(a.Length, b.Length);
        }
    }
}
