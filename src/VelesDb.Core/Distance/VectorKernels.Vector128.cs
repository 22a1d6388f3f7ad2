using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VelesDb.Core.Distance;

// The Vector128 kernels: the code of VectorKernels.Vector512.cs with the width substituted; keep
// the three files identical apart from that.
//
// Every kernel reads through MemoryMarshal.GetReference + LoadUnsafe, which skips bounds checks.
// SAFETY (applies to every LoadUnsafe / Unsafe.Add below): both spans have the same length
// (checked by the public entry points, asserted here), and every read of element i or of the
// vector [i, i + width) happens under a loop condition that guarantees i + width <= length, or
// i < length for the scalar tail, so no read leaves either span.
public static partial class VectorKernels
{
    internal static float DotVector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;
        var acc0 = Vector128<float>.Zero;
        var acc1 = Vector128<float>.Zero;
        var acc2 = Vector128<float>.Zero;
        var acc3 = Vector128<float>.Zero;
        nuint i = 0;
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

        var sum = Vector128.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref pa, i) * Unsafe.Add(ref pb, i);
        }

        return sum;
    }

    internal static float SquaredL2Vector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;
        var acc0 = Vector128<float>.Zero;
        var acc1 = Vector128<float>.Zero;
        var acc2 = Vector128<float>.Zero;
        var acc3 = Vector128<float>.Zero;
        nuint i = 0;
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

        var sum = Vector128.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < length; i++)
        {
            var d = Unsafe.Add(ref pa, i) - Unsafe.Add(ref pb, i);
            sum += d * d;
        }

        return sum;
    }

    internal static (float Dot, float NormA, float NormB) DotAndNormsVector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;

        // Three sums per step already give three independent chains; unrolling twice makes six,
        // which still fits the 16 registers of AVX2 without spilling.
        var dot0 = Vector128<float>.Zero;
        var dot1 = Vector128<float>.Zero;
        var normA0 = Vector128<float>.Zero;
        var normA1 = Vector128<float>.Zero;
        var normB0 = Vector128<float>.Zero;
        var normB1 = Vector128<float>.Zero;
        nuint i = 0;
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

        var dot = Vector128.Sum(dot0 + dot1);
        var normA = Vector128.Sum(normA0 + normA1);
        var normB = Vector128.Sum(normB0 + normB1);
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

    internal static int HammingBinarizedVector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;
        var threshold = Vector128.Create(BinarizeThreshold);

        // A comparison yields all-ones (-1 as int) per true lane, so subtracting the XOR of the two
        // comparisons counts differing lanes per lane; lanes cannot overflow below 2^31 elements.
        var acc0 = Vector128<int>.Zero;
        var acc1 = Vector128<int>.Zero;
        var acc2 = Vector128<int>.Zero;
        var acc3 = Vector128<int>.Zero;
        nuint i = 0;
        for (; i + (4 * width) <= length; i += 4 * width)
        {
            acc0 -= Vector128.Xor(
                Vector128.GreaterThan(Vector128.LoadUnsafe(ref pa, i), threshold),
                Vector128.GreaterThan(Vector128.LoadUnsafe(ref pb, i), threshold)).AsInt32();
            acc1 -= Vector128.Xor(
                Vector128.GreaterThan(Vector128.LoadUnsafe(ref pa, i + width), threshold),
                Vector128.GreaterThan(Vector128.LoadUnsafe(ref pb, i + width), threshold)).AsInt32();
            acc2 -= Vector128.Xor(
                Vector128.GreaterThan(Vector128.LoadUnsafe(ref pa, i + (2 * width)), threshold),
                Vector128.GreaterThan(Vector128.LoadUnsafe(ref pb, i + (2 * width)), threshold)).AsInt32();
            acc3 -= Vector128.Xor(
                Vector128.GreaterThan(Vector128.LoadUnsafe(ref pa, i + (3 * width)), threshold),
                Vector128.GreaterThan(Vector128.LoadUnsafe(ref pb, i + (3 * width)), threshold)).AsInt32();
        }

        for (; i + width <= length; i += width)
        {
            acc0 -= Vector128.Xor(
                Vector128.GreaterThan(Vector128.LoadUnsafe(ref pa, i), threshold),
                Vector128.GreaterThan(Vector128.LoadUnsafe(ref pb, i), threshold)).AsInt32();
        }

        var count = Vector128.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < length; i++)
        {
            if (Unsafe.Add(ref pa, i) > BinarizeThreshold != Unsafe.Add(ref pb, i) > BinarizeThreshold)
            {
                count++;
            }
        }

        return count;
    }

    internal static (float SumMin, float SumMax) MinMaxSumsVector128(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;

        // MinNative/MaxNative map to single instructions; they differ from MathF.Min/Max only for
        // NaN and for the sign of a zero result, neither of which changes a finite sum.
        var min0 = Vector128<float>.Zero;
        var min1 = Vector128<float>.Zero;
        var max0 = Vector128<float>.Zero;
        var max1 = Vector128<float>.Zero;
        nuint i = 0;
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

        var sumMin = Vector128.Sum(min0 + min1);
        var sumMax = Vector128.Sum(max0 + max1);
        for (; i < length; i++)
        {
            var x = Unsafe.Add(ref pa, i);
            var y = Unsafe.Add(ref pb, i);
            sumMin += MathF.Min(x, y);
            sumMax += MathF.Max(x, y);
        }

        return (sumMin, sumMax);
    }

    internal static float SquaredNormVector128(ReadOnlySpan<float> a)
    {
        ref var pa = ref MemoryMarshal.GetReference(a);
        var length = (nuint)a.Length;
        var width = (nuint)Vector128<float>.Count;
        var acc0 = Vector128<float>.Zero;
        var acc1 = Vector128<float>.Zero;
        var acc2 = Vector128<float>.Zero;
        var acc3 = Vector128<float>.Zero;
        nuint i = 0;
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

        var sum = Vector128.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < length; i++)
        {
            var x = Unsafe.Add(ref pa, i);
            sum += x * x;
        }

        return sum;
    }
}
