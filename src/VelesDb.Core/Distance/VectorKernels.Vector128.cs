using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VelesDb.Core.Distance;

// The Vector128 kernels: the code of VectorKernels.Vector512.cs with the width substituted; keep
// the three files identical apart from that (the shape and SAFETY notes there hold here).
//
// Shape of every kernel, for inputs of at least one vector (shorter ones go to ScalarKernels):
//   head  one masked vector at 0 covering the elements before `a` reaches vector alignment, so the
//         body's loads from `a` never straddle a cache line (about 2x on split-load-sensitive
//         cores at 768-d); `b` is aligned too when both spans share an offset, as slots of the
//         vector file do;
//   body  several vectors per step into independent accumulators (four, or two where each vector
//         already feeds two or three sums), so consecutive fused multiply-adds do not wait on
//         each other, then one vector per step;
//   tail  one masked vector ending exactly at the end, covering what the body left.
// Masked lanes load as zero, which adds nothing to any sum and binarises to 0 on both sides.
//
// SAFETY (applies to every LoadUnsafe below): both spans have the same length (checked by the
// public entry points, asserted here) of at least one vector, and every vector read starts at an
// offset i with i + width <= length (the head at 0, the body under its loop conditions, the tail at
// length - width), so no read leaves either span.
public static partial class VectorKernels
{
    internal static float DotVector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;
        if (length < width)
        {
            return ScalarKernels.Dot(a, b);
        }

        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var acc0 = Vector128<float>.Zero;
        var acc1 = Vector128<float>.Zero;
        var acc2 = Vector128<float>.Zero;
        var acc3 = Vector128<float>.Zero;
        var i = ElementsToAlignment128(ref pa);
        if (i != 0)
        {
            var mask = HeadMask128(i);
            acc0 = (Vector128.LoadUnsafe(ref pa) & mask) * (Vector128.LoadUnsafe(ref pb) & mask);
        }

        for (; i + (4 * width) <= length; i += 4 * width)
        {
            acc0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, i), Vector128.LoadUnsafe(ref pb, i), acc0);
            acc1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, i + width), Vector128.LoadUnsafe(ref pb, i + width), acc1);
            acc2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, i + (2 * width)), Vector128.LoadUnsafe(ref pb, i + (2 * width)), acc2);
            acc3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, i + (3 * width)), Vector128.LoadUnsafe(ref pb, i + (3 * width)), acc3);
        }

        for (; i + width <= length; i += width)
        {
            acc0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, i), Vector128.LoadUnsafe(ref pb, i), acc0);
        }

        if (i < length)
        {
            var start = length - width;
            var mask = TailMask128(i - start);
            acc1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref pa, start) & mask, Vector128.LoadUnsafe(ref pb, start) & mask, acc1);
        }

        return Sum128((acc0 + acc1) + (acc2 + acc3));
    }

    internal static float SquaredL2Vector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;
        if (length < width)
        {
            return ScalarKernels.SquaredL2(a, b);
        }

        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var acc0 = Vector128<float>.Zero;
        var acc1 = Vector128<float>.Zero;
        var acc2 = Vector128<float>.Zero;
        var acc3 = Vector128<float>.Zero;
        var i = ElementsToAlignment128(ref pa);
        if (i != 0)
        {
            var mask = HeadMask128(i);
            var d = (Vector128.LoadUnsafe(ref pa) - Vector128.LoadUnsafe(ref pb)) & mask;
            acc0 = d * d;
        }

        for (; i + (4 * width) <= length; i += 4 * width)
        {
            var d0 = Vector128.LoadUnsafe(ref pa, i) - Vector128.LoadUnsafe(ref pb, i);
            var d1 = Vector128.LoadUnsafe(ref pa, i + width) - Vector128.LoadUnsafe(ref pb, i + width);
            var d2 = Vector128.LoadUnsafe(ref pa, i + (2 * width)) - Vector128.LoadUnsafe(ref pb, i + (2 * width));
            var d3 = Vector128.LoadUnsafe(ref pa, i + (3 * width)) - Vector128.LoadUnsafe(ref pb, i + (3 * width));
            acc0 = Vector128.MultiplyAddEstimate(d0, d0, acc0);
            acc1 = Vector128.MultiplyAddEstimate(d1, d1, acc1);
            acc2 = Vector128.MultiplyAddEstimate(d2, d2, acc2);
            acc3 = Vector128.MultiplyAddEstimate(d3, d3, acc3);
        }

        for (; i + width <= length; i += width)
        {
            var d = Vector128.LoadUnsafe(ref pa, i) - Vector128.LoadUnsafe(ref pb, i);
            acc0 = Vector128.MultiplyAddEstimate(d, d, acc0);
        }

        if (i < length)
        {
            var start = length - width;
            var mask = TailMask128(i - start);
            var d = (Vector128.LoadUnsafe(ref pa, start) - Vector128.LoadUnsafe(ref pb, start)) & mask;
            acc1 = Vector128.MultiplyAddEstimate(d, d, acc1);
        }

        return Sum128((acc0 + acc1) + (acc2 + acc3));
    }

    internal static (float Dot, float NormA, float NormB) DotAndNormsVector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;
        if (length < width)
        {
            return ScalarKernels.DotAndNorms(a, b);
        }

        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);

        // Three sums per step already give three independent chains; unrolling twice makes six,
        // which still fits the 16 registers of AVX2 without spilling.
        var dot0 = Vector128<float>.Zero;
        var dot1 = Vector128<float>.Zero;
        var normA0 = Vector128<float>.Zero;
        var normA1 = Vector128<float>.Zero;
        var normB0 = Vector128<float>.Zero;
        var normB1 = Vector128<float>.Zero;
        var i = ElementsToAlignment128(ref pa);
        if (i != 0)
        {
            var mask = HeadMask128(i);
            var x = Vector128.LoadUnsafe(ref pa) & mask;
            var y = Vector128.LoadUnsafe(ref pb) & mask;
            dot0 = x * y;
            normA0 = x * x;
            normB0 = y * y;
        }

        for (; i + (2 * width) <= length; i += 2 * width)
        {
            var x0 = Vector128.LoadUnsafe(ref pa, i);
            var y0 = Vector128.LoadUnsafe(ref pb, i);
            var x1 = Vector128.LoadUnsafe(ref pa, i + width);
            var y1 = Vector128.LoadUnsafe(ref pb, i + width);
            dot0 = Vector128.MultiplyAddEstimate(x0, y0, dot0);
            normA0 = Vector128.MultiplyAddEstimate(x0, x0, normA0);
            normB0 = Vector128.MultiplyAddEstimate(y0, y0, normB0);
            dot1 = Vector128.MultiplyAddEstimate(x1, y1, dot1);
            normA1 = Vector128.MultiplyAddEstimate(x1, x1, normA1);
            normB1 = Vector128.MultiplyAddEstimate(y1, y1, normB1);
        }

        for (; i + width <= length; i += width)
        {
            var x = Vector128.LoadUnsafe(ref pa, i);
            var y = Vector128.LoadUnsafe(ref pb, i);
            dot0 = Vector128.MultiplyAddEstimate(x, y, dot0);
            normA0 = Vector128.MultiplyAddEstimate(x, x, normA0);
            normB0 = Vector128.MultiplyAddEstimate(y, y, normB0);
        }

        if (i < length)
        {
            var start = length - width;
            var mask = TailMask128(i - start);
            var x = Vector128.LoadUnsafe(ref pa, start) & mask;
            var y = Vector128.LoadUnsafe(ref pb, start) & mask;
            dot1 = Vector128.MultiplyAddEstimate(x, y, dot1);
            normA1 = Vector128.MultiplyAddEstimate(x, x, normA1);
            normB1 = Vector128.MultiplyAddEstimate(y, y, normB1);
        }

        return (Sum128(dot0 + dot1), Sum128(normA0 + normA1), Sum128(normB0 + normB1));
    }

    internal static int HammingBinarizedVector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;
        if (length < width)
        {
            return ScalarKernels.HammingBinarized(a, b);
        }

        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var threshold = Vector128.Create(BinarizeThreshold);

        // A comparison yields all-ones (-1 as int) per true lane, so subtracting the XOR of the two
        // comparisons counts differing positions per lane; no lane can reach 2^31.
        var acc0 = Vector128<int>.Zero;
        var acc1 = Vector128<int>.Zero;
        var acc2 = Vector128<int>.Zero;
        var acc3 = Vector128<int>.Zero;
        var i = ElementsToAlignment128(ref pa);
        if (i != 0)
        {
            var mask = HeadMask128(i);
            acc0 = -Differ128(Vector128.LoadUnsafe(ref pa) & mask, Vector128.LoadUnsafe(ref pb) & mask, threshold);
        }

        for (; i + (4 * width) <= length; i += 4 * width)
        {
            acc0 -= Differ128(Vector128.LoadUnsafe(ref pa, i), Vector128.LoadUnsafe(ref pb, i), threshold);
            acc1 -= Differ128(Vector128.LoadUnsafe(ref pa, i + width), Vector128.LoadUnsafe(ref pb, i + width), threshold);
            acc2 -= Differ128(Vector128.LoadUnsafe(ref pa, i + (2 * width)), Vector128.LoadUnsafe(ref pb, i + (2 * width)), threshold);
            acc3 -= Differ128(Vector128.LoadUnsafe(ref pa, i + (3 * width)), Vector128.LoadUnsafe(ref pb, i + (3 * width)), threshold);
        }

        for (; i + width <= length; i += width)
        {
            acc0 -= Differ128(Vector128.LoadUnsafe(ref pa, i), Vector128.LoadUnsafe(ref pb, i), threshold);
        }

        if (i < length)
        {
            var start = length - width;
            var mask = TailMask128(i - start);
            acc1 -= Differ128(Vector128.LoadUnsafe(ref pa, start) & mask, Vector128.LoadUnsafe(ref pb, start) & mask, threshold);
        }

        return Vector128.Sum((acc0 + acc1) + (acc2 + acc3));
    }

    internal static (float SumMin, float SumMax) MinMaxSumsVector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;
        if (length < width)
        {
            return ScalarKernels.MinMaxSums(a, b);
        }

        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);

        // MinNative/MaxNative map to single instructions; they differ from MathF.Min/Max only for
        // NaN and for the sign of a zero result, neither of which changes a finite sum.
        var min0 = Vector128<float>.Zero;
        var min1 = Vector128<float>.Zero;
        var max0 = Vector128<float>.Zero;
        var max1 = Vector128<float>.Zero;
        var i = ElementsToAlignment128(ref pa);
        if (i != 0)
        {
            var mask = HeadMask128(i);
            var x = Vector128.LoadUnsafe(ref pa) & mask;
            var y = Vector128.LoadUnsafe(ref pb) & mask;
            min0 = Vector128.MinNative(x, y);
            max0 = Vector128.MaxNative(x, y);
        }

        for (; i + (2 * width) <= length; i += 2 * width)
        {
            var x0 = Vector128.LoadUnsafe(ref pa, i);
            var y0 = Vector128.LoadUnsafe(ref pb, i);
            var x1 = Vector128.LoadUnsafe(ref pa, i + width);
            var y1 = Vector128.LoadUnsafe(ref pb, i + width);
            min0 += Vector128.MinNative(x0, y0);
            max0 += Vector128.MaxNative(x0, y0);
            min1 += Vector128.MinNative(x1, y1);
            max1 += Vector128.MaxNative(x1, y1);
        }

        for (; i + width <= length; i += width)
        {
            var x = Vector128.LoadUnsafe(ref pa, i);
            var y = Vector128.LoadUnsafe(ref pb, i);
            min0 += Vector128.MinNative(x, y);
            max0 += Vector128.MaxNative(x, y);
        }

        if (i < length)
        {
            var start = length - width;
            var mask = TailMask128(i - start);
            var x = Vector128.LoadUnsafe(ref pa, start) & mask;
            var y = Vector128.LoadUnsafe(ref pb, start) & mask;
            min1 += Vector128.MinNative(x, y);
            max1 += Vector128.MaxNative(x, y);
        }

        return (Sum128(min0 + min1), Sum128(max0 + max1));
    }

    internal static float SquaredNormVector128(ReadOnlySpan<float> a)
    {
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;
        if (length < width)
        {
            return ScalarKernels.SquaredNorm(a);
        }

        ref var pa = ref MemoryMarshal.GetReference(a);
        var acc0 = Vector128<float>.Zero;
        var acc1 = Vector128<float>.Zero;
        var acc2 = Vector128<float>.Zero;
        var acc3 = Vector128<float>.Zero;
        var i = ElementsToAlignment128(ref pa);
        if (i != 0)
        {
            var x = Vector128.LoadUnsafe(ref pa) & HeadMask128(i);
            acc0 = x * x;
        }

        for (; i + (4 * width) <= length; i += 4 * width)
        {
            var x0 = Vector128.LoadUnsafe(ref pa, i);
            var x1 = Vector128.LoadUnsafe(ref pa, i + width);
            var x2 = Vector128.LoadUnsafe(ref pa, i + (2 * width));
            var x3 = Vector128.LoadUnsafe(ref pa, i + (3 * width));
            acc0 = Vector128.MultiplyAddEstimate(x0, x0, acc0);
            acc1 = Vector128.MultiplyAddEstimate(x1, x1, acc1);
            acc2 = Vector128.MultiplyAddEstimate(x2, x2, acc2);
            acc3 = Vector128.MultiplyAddEstimate(x3, x3, acc3);
        }

        for (; i + width <= length; i += width)
        {
            var x = Vector128.LoadUnsafe(ref pa, i);
            acc0 = Vector128.MultiplyAddEstimate(x, x, acc0);
        }

        if (i < length)
        {
            var start = length - width;
            var x = Vector128.LoadUnsafe(ref pa, start) & TailMask128(i - start);
            acc1 = Vector128.MultiplyAddEstimate(x, x, acc1);
        }

        return Sum128((acc0 + acc1) + (acc2 + acc3));
    }

    /// <summary>
    /// How many elements from <paramref name="p"/> to the next vector-aligned address (0 when
    /// already aligned). Alignment is only a speed matter: if the GC moves the array mid-call, or
    /// the floats are not 4-byte aligned, the kernels stay correct.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe nuint ElementsToAlignment128(ref float p)
    {
        var bytes = (nuint)Vector128<byte>.Count;

        // SAFETY: the address is only inspected, never dereferenced.
        var misalignment = (nuint)Unsafe.AsPointer(ref p) & (bytes - 1);
        return ((bytes - misalignment) & (bytes - 1)) / sizeof(float);
    }

    /// <summary>All-ones in lanes [0, count), zero elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> HeadMask128(nuint count) =>
        Vector128.LessThan(Vector128<int>.Indices, Vector128.Create((int)count)).AsSingle();

    /// <summary>All-ones in lanes [first, width), zero elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> TailMask128(nuint first) =>
        Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create((int)first)).AsSingle();

    /// <summary>-1 in lanes where exactly one of x, y is above the threshold, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Differ128(Vector128<float> x, Vector128<float> y, Vector128<float> threshold) =>
        Vector128.Xor(Vector128.GreaterThan(x, threshold), Vector128.GreaterThan(y, threshold)).AsInt32();
}
