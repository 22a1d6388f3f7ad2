using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Distance;

/// <summary>A vector width a kernel can be forced to, so tests can run every path.</summary>
internal enum KernelWidth
{
    /// <summary>The scalar reference (<see cref="ScalarKernels"/>).</summary>
    Scalar = 0,

    /// <summary>128-bit vectors.</summary>
    Vector128 = 128,

    /// <summary>256-bit vectors.</summary>
    Vector256 = 256,

    /// <summary>512-bit vectors.</summary>
    Vector512 = 512,
}

// Width-forced entry points. The public methods pick the width themselves; these exist so that
// tests and benchmarks can exercise each path of the cascade on any input length. A width that
// the hardware does not accelerate still computes the right answer (the runtime emulates it), only
// slowly.
public static partial class VectorKernels
{
    /// <summary>Whether <paramref name="width"/> is hardware-accelerated on this machine.</summary>
    internal static bool IsAccelerated(KernelWidth width) => width switch
    {
        KernelWidth.Scalar => true,
        KernelWidth.Vector128 => Vector128.IsHardwareAccelerated,
        KernelWidth.Vector256 => Vector256.IsHardwareAccelerated,
        KernelWidth.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, KernelWidth width)
    {
        CheckLengths(a, b);
        return width switch
        {
            KernelWidth.Vector512 => DotVector512(a, b),
            KernelWidth.Vector256 => DotVector256(a, b),
            KernelWidth.Vector128 => DotVector128(a, b),
            KernelWidth.Scalar => ScalarKernels.Dot(a, b),
            _ => ThrowUnknownWidth<float>(width),
        };
    }

    internal static float SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b, KernelWidth width)
    {
        CheckLengths(a, b);
        return width switch
        {
            KernelWidth.Vector512 => SquaredL2Vector512(a, b),
            KernelWidth.Vector256 => SquaredL2Vector256(a, b),
            KernelWidth.Vector128 => SquaredL2Vector128(a, b),
            KernelWidth.Scalar => ScalarKernels.SquaredL2(a, b),
            _ => ThrowUnknownWidth<float>(width),
        };
    }

    internal static (float Dot, float NormA, float NormB) DotAndNorms(ReadOnlySpan<float> a, ReadOnlySpan<float> b, KernelWidth width)
    {
        CheckLengths(a, b);
        return width switch
        {
            KernelWidth.Vector512 => DotAndNormsVector512(a, b),
            KernelWidth.Vector256 => DotAndNormsVector256(a, b),
            KernelWidth.Vector128 => DotAndNormsVector128(a, b),
            KernelWidth.Scalar => ScalarKernels.DotAndNorms(a, b),
            _ => ThrowUnknownWidth<(float, float, float)>(width),
        };
    }

    internal static int HammingBinarized(ReadOnlySpan<float> a, ReadOnlySpan<float> b, KernelWidth width)
    {
        CheckLengths(a, b);
        return width switch
        {
            KernelWidth.Vector512 => HammingBinarizedVector512(a, b),
            KernelWidth.Vector256 => HammingBinarizedVector256(a, b),
            KernelWidth.Vector128 => HammingBinarizedVector128(a, b),
            KernelWidth.Scalar => ScalarKernels.HammingBinarized(a, b),
            _ => ThrowUnknownWidth<int>(width),
        };
    }

    internal static (float SumMin, float SumMax) MinMaxSums(ReadOnlySpan<float> a, ReadOnlySpan<float> b, KernelWidth width)
    {
        CheckLengths(a, b);
        return width switch
        {
            KernelWidth.Vector512 => MinMaxSumsVector512(a, b),
            KernelWidth.Vector256 => MinMaxSumsVector256(a, b),
            KernelWidth.Vector128 => MinMaxSumsVector128(a, b),
            KernelWidth.Scalar => ScalarKernels.MinMaxSums(a, b),
            _ => ThrowUnknownWidth<(float, float)>(width),
        };
    }

    internal static float SquaredNorm(ReadOnlySpan<float> a, KernelWidth width) => width switch
    {
        KernelWidth.Vector512 => SquaredNormVector512(a),
        KernelWidth.Vector256 => SquaredNormVector256(a),
        KernelWidth.Vector128 => SquaredNormVector128(a),
        KernelWidth.Scalar => ScalarKernels.SquaredNorm(a),
        _ => ThrowUnknownWidth<float>(width),
    };

    // Horizontal sums that halve the width before reducing: Vector512.Sum reduces each 256-bit half
    // fully and separately, which is twice the shuffles.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum512(Vector512<float> v) => Sum256(v.GetLower() + v.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum256(Vector256<float> v) => Sum128(v.GetLower() + v.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum128(Vector128<float> v) => Vector128.Sum(v);

    private static T ThrowUnknownWidth<T>(KernelWidth width) =>
        ThrowHelper.Throw<T>(VelesDbErrorCode.Internal, $"Unknown kernel width {(int)width}.");
}
