using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VelesDb.Core.Distance;

// The Vector512 kernels. VectorKernels.Vector256.cs and VectorKernels.Vector128.cs are this file
// with the width substituted; keep the three identical apart from that.
//
// Every kernel reads through MemoryMarshal.GetReference + LoadUnsafe, which skips bounds checks.
// SAFETY (applies to every LoadUnsafe / Unsafe.Add below): both spans have the same length
// (checked by the public entry points, asserted here), and every read of element i or of the
// vector [i, i + width) happens under a loop condition that guarantees i + width <= length, or
// i < length for the scalar tail, so no read leaves either span.
public static partial class VectorKernels
{
    internal static float DotVector512(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var width = (nuint)Vector512<float>.Count;
        var acc0 = Vector512<float>.Zero;
        var acc1 = Vector512<float>.Zero;
        var acc2 = Vector512<float>.Zero;
        var acc3 = Vector512<float>.Zero;
        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            acc0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref pa, i), Vector512.LoadUnsafe(ref pb, i), acc0);
            acc1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref pa, i + width), Vector512.LoadUnsafe(ref pb, i + width), acc1);
            acc2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref pa, i + (2 * width)), Vector512.LoadUnsafe(ref pb, i + (2 * width)), acc2);
            acc3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref pa, i + (3 * width)), Vector512.LoadUnsafe(ref pb, i + (3 * width)), acc3);
        }

        for (; i + width <= length; i += width)
        {
            acc0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref pa, i), Vector512.LoadUnsafe(ref pb, i), acc0);
        }

        var sum = Vector512.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i);
        }

        return sum;
    }

    internal static float SquaredL2Vector512(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var width = (nuint)Vector512<float>.Count;
        var acc0 = Vector512<float>.Zero;
        var acc1 = Vector512<float>.Zero;
        var acc2 = Vector512<float>.Zero;
        var acc3 = Vector512<float>.Zero;
        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            var d0 = Vector512.LoadUnsafe(ref pa, i) - Vector512.LoadUnsafe(ref pb, i);
            var d1 = Vector512.LoadUnsafe(ref pa, i + width) - Vector512.LoadUnsafe(ref pb, i + width);
            var d2 = Vector512.LoadUnsafe(ref pa, i + (2 * width)) - Vector512.LoadUnsafe(ref pb, i + (2 * width));
            var d3 = Vector512.LoadUnsafe(ref pa, i + (3 * width)) - Vector512.LoadUnsafe(ref pb, i + (3 * width));
            acc0 = Vector512.MultiplyAddEstimate(d0, d0, acc0);
            acc1 = Vector512.MultiplyAddEstimate(d1, d1, acc1);
            acc2 = Vector512.MultiplyAddEstimate(d2, d2, acc2);
            acc3 = Vector512.MultiplyAddEstimate(d3, d3, acc3);
        }

        for (; i + width <= length; i += width)
        {
            var d = Vector512.LoadUnsafe(ref pa, i) - Vector512.LoadUnsafe(ref pb, i);
            acc0 = Vector512.MultiplyAddEstimate(d, d, acc0);
        }

        var sum = Vector512.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < length; i++)
        {
            var d = Unsafe.Add(ref pa, i) - Unsafe.Add(ref pb, i);
            sum += d * d;
        }

        return sum;
    }

    internal static (float Dot, float NormA, float NormB) DotAndNormsVector512(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var width = (nuint)Vector512<float>.Count;

        // Three sums per step already give three independent chains; unrolling twice makes six,
        // which still fits the 16 registers of AVX2 without spilling.
        var dot0 = Vector512<float>.Zero;
        var dot1 = Vector512<float>.Zero;
        var normA0 = Vector512<float>.Zero;
        var normA1 = Vector512<float>.Zero;
        var normB0 = Vector512<float>.Zero;
        var normB1 = Vector512<float>.Zero;
        nuint i = 0;
        for (; i + (2 * width) <= length; i += 2 * width)
        {
            var x0 = Vector512.LoadUnsafe(ref pa, i);
            var y0 = Vector512.LoadUnsafe(ref pb, i);
            var x1 = Vector512.LoadUnsafe(ref pa, i + width);
            var y1 = Vector512.LoadUnsafe(ref pb, i + width);
            dot0 = Vector512.MultiplyAddEstimate(x0, y0, dot0);
            normA0 = Vector512.MultiplyAddEstimate(x0, x0, normA0);
            normB0 = Vector512.MultiplyAddEstimate(y0, y0, normB0);
            dot1 = Vector512.MultiplyAddEstimate(x1, y1, dot1);
            normA1 = Vector512.MultiplyAddEstimate(x1, x1, normA1);
            normB1 = Vector512.MultiplyAddEstimate(y1, y1, normB1);
        }

        for (; i + width <= length; i += width)
        {
            var x = Vector512.LoadUnsafe(ref pa, i);
            var y = Vector512.LoadUnsafe(ref pb, i);
            dot0 = Vector512.MultiplyAddEstimate(x, y, dot0);
            normA0 = Vector512.MultiplyAddEstimate(x, x, normA0);
            normB0 = Vector512.MultiplyAddEstimate(y, y, normB0);
        }

        var dot = Vector512.Sum(dot0 + dot1);
        var normA = Vector512.Sum(normA0 + normA1);
        var normB = Vector512.Sum(normB0 + normB1);
        for (; i < length; i++)
        {
            var x = Unsafe.Add(ref pa, i);
            var y = Unsafe.Add(ref pb, i);
            dot += x * y;
            normA += x * x;
            normB += y * y;
        }

        return (dot, normA, normB);
    }

    internal static int HammingBinarizedVector512(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var width = (nuint)Vector512<float>.Count;
        var threshold = Vector512.Create(BinarizeThreshold);

        // A comparison yields all-ones (-1 as int) per true lane, so subtracting the XOR of the two
        // comparisons counts differing lanes per lane; lanes cannot overflow below 2^31 elements.
        var acc0 = Vector512<int>.Zero;
        var acc1 = Vector512<int>.Zero;
        var acc2 = Vector512<int>.Zero;
        var acc3 = Vector512<int>.Zero;
        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            acc0 -= Vector512.Xor(
                Vector512.GreaterThan(Vector512.LoadUnsafe(ref pa, i), threshold),
                Vector512.GreaterThan(Vector512.LoadUnsafe(ref pb, i), threshold)).AsInt32();
            acc1 -= Vector512.Xor(
                Vector512.GreaterThan(Vector512.LoadUnsafe(ref pa, i + width), threshold),
                Vector512.GreaterThan(Vector512.LoadUnsafe(ref pb, i + width), threshold)).AsInt32();
            acc2 -= Vector512.Xor(
                Vector512.GreaterThan(Vector512.LoadUnsafe(ref pa, i + (2 * width)), threshold),
                Vector512.GreaterThan(Vector512.LoadUnsafe(ref pb, i + (2 * width)), threshold)).AsInt32();
            acc3 -= Vector512.Xor(
                Vector512.GreaterThan(Vector512.LoadUnsafe(ref pa, i + (3 * width)), threshold),
                Vector512.GreaterThan(Vector512.LoadUnsafe(ref pb, i + (3 * width)), threshold)).AsInt32();
        }

        for (; i + width <= length; i += width)
        {
            acc0 -= Vector512.Xor(
                Vector512.GreaterThan(Vector512.LoadUnsafe(ref pa, i), threshold),
                Vector512.GreaterThan(Vector512.LoadUnsafe(ref pb, i), threshold)).AsInt32();
        }

        var count = Vector512.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < length; i++)
        {
            if (Unsafe.Add(ref pa, i) > BinarizeThreshold != Unsafe.Add(ref pb, i) > BinarizeThreshold)
            {
                count++;
            }
        }

        return count;
    }

    internal static (float SumMin, float SumMax) MinMaxSumsVector512(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var width = (nuint)Vector512<float>.Count;

        // MinNative/MaxNative map to single instructions; they differ from MathF.Min/Max only for
        // NaN and for the sign of a zero result, neither of which changes a finite sum.
        var min0 = Vector512<float>.Zero;
        var min1 = Vector512<float>.Zero;
        var max0 = Vector512<float>.Zero;
        var max1 = Vector512<float>.Zero;
        nuint i = 0;
        for (; i + (2 * width) <= length; i += 2 * width)
        {
            var x0 = Vector512.LoadUnsafe(ref pa, i);
            var y0 = Vector512.LoadUnsafe(ref pb, i);
            var x1 = Vector512.LoadUnsafe(ref pa, i + width);
            var y1 = Vector512.LoadUnsafe(ref pb, i + width);
            min0 += Vector512.MinNative(x0, y0);
            max0 += Vector512.MaxNative(x0, y0);
            min1 += Vector512.MinNative(x1, y1);
            max1 += Vector512.MaxNative(x1, y1);
        }

        for (; i + width <= length; i += width)
        {
            var x = Vector512.LoadUnsafe(ref pa, i);
            var y = Vector512.LoadUnsafe(ref pb, i);
            min0 += Vector512.MinNative(x, y);
            max0 += Vector512.MaxNative(x, y);
        }

        var sumMin = Vector512.Sum(min0 + min1);
        var sumMax = Vector512.Sum(max0 + max1);
        for (; i < length; i++)
        {
            var x = Unsafe.Add(ref pa, i);
            var y = Unsafe.Add(ref pb, i);
            sumMin += MathF.Min(x, y);
            sumMax += MathF.Max(x, y);
        }

        return (sumMin, sumMax);
    }

    internal static float SquaredNormVector512(ReadOnlySpan<float> a)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        var length = (nuint)a.Length;
        var width = (nuint)Vector512<float>.Count;
        var acc0 = Vector512<float>.Zero;
        var acc1 = Vector512<float>.Zero;
        var acc2 = Vector512<float>.Zero;
        var acc3 = Vector512<float>.Zero;
        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            var x0 = Vector512.LoadUnsafe(ref pa, i);
            var x1 = Vector512.LoadUnsafe(ref pa, i + width);
            var x2 = Vector512.LoadUnsafe(ref pa, i + (2 * width));
            var x3 = Vector512.LoadUnsafe(ref pa, i + (3 * width));
            acc0 = Vector512.MultiplyAddEstimate(x0, x0, acc0);
            acc1 = Vector512.MultiplyAddEstimate(x1, x1, acc1);
            acc2 = Vector512.MultiplyAddEstimate(x2, x2, acc2);
            acc3 = Vector512.MultiplyAddEstimate(x3, x3, acc3);
        }

        for (; i + width <= length; i += width)
        {
            var x = Vector512.LoadUnsafe(ref pa, i);
            acc0 = Vector512.MultiplyAddEstimate(x, x, acc0);
        }

        var sum = Vector512.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < length; i++)
        {
            var x = Unsafe.Add(ref pa, i);
            sum += x * x;
        }

        return sum;
    }
}
