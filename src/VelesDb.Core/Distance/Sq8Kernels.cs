using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VelesDb.Core.Distance;

/// <summary>
/// Distance kernels on 8-bit codes: codes are widened to float32 in registers (AVX-512, then
/// AVX2 + FMA, then scalar) so a hop reads a quarter of the bytes of a float32 vector.
/// </summary>
internal static unsafe class Sq8Kernels
{
    /// <summary>Σ (qm_i − step_i·c_i)², where qm = query − min: the squared L2 distance to the decoded code.</summary>
    public static float L2(float* qm, float* step, byte* code, int n)
    {
        // SAFETY: the caller passes n readable elements behind every pointer; loads stay below n.
        var i = 0;
        var sum = 0f;
        if (Avx512F.IsSupported && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var c = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(code + i)));
                var d = Avx512F.FusedMultiplyAddNegated(Vector512.Load(step + i), c, Vector512.Load(qm + i));
                acc = Avx512F.FusedMultiplyAdd(d, d, acc);
            }

            sum = Vector512.Sum(acc);
        }
        else if (Avx2.IsSupported && Fma.IsSupported && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var c = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(code + i));
                var d = Fma.MultiplyAddNegated(Vector256.Load(step + i), c, Vector256.Load(qm + i));
                acc = Fma.MultiplyAdd(d, d, acc);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            var d = qm[i] - (step[i] * code[i]);
            sum += d * d;
        }

        return sum;
    }

    /// <summary>Σ qs_i·c_i, where qs = query ⊙ step: with Σ query_i·min_i added, the dot product with the decoded code.</summary>
    public static float Dot(float* qs, byte* code, int n)
    {
        // SAFETY: the caller passes n readable elements behind every pointer; loads stay below n.
        var i = 0;
        var sum = 0f;
        if (Avx512F.IsSupported && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var c = Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(code + i)));
                acc = Avx512F.FusedMultiplyAdd(Vector512.Load(qs + i), c, acc);
            }

            sum = Vector512.Sum(acc);
        }
        else if (Avx2.IsSupported && Fma.IsSupported && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var c = Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(code + i));
                acc = Fma.MultiplyAdd(Vector256.Load(qs + i), c, acc);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            sum += qs[i] * code[i];
        }

        return sum;
    }

    /// <summary>Σ (step_i·(a_i − b_i))²: the squared L2 distance between two decoded codes.</summary>
    public static float CodeL2(byte* a, byte* b, float* step, int n)
    {
        // SAFETY: the caller passes n readable elements behind every pointer; loads stay below n.
        var i = 0;
        var sum = 0f;
        if (Avx512F.IsSupported && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var diff = Avx512F.Subtract(Avx512F.ConvertToVector512Int32(Vector128.Load(a + i)), Avx512F.ConvertToVector512Int32(Vector128.Load(b + i)));
                var d = Avx512F.Multiply(Avx512F.ConvertToVector512Single(diff), Vector512.Load(step + i));
                acc = Avx512F.FusedMultiplyAdd(d, d, acc);
            }

            sum = Vector512.Sum(acc);
        }
        else if (Avx2.IsSupported && Fma.IsSupported && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var diff = Avx2.Subtract(Avx2.ConvertToVector256Int32(a + i), Avx2.ConvertToVector256Int32(b + i));
                var d = Avx.Multiply(Avx.ConvertToVector256Single(diff), Vector256.Load(step + i));
                acc = Fma.MultiplyAdd(d, d, acc);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            var d = step[i] * (a[i] - b[i]);
            sum += d * d;
        }

        return sum;
    }

    /// <summary>Σ (min_i + step_i·a_i)(min_i + step_i·b_i): the dot product of two decoded codes.</summary>
    public static float CodeDot(byte* a, byte* b, float* min, float* step, int n)
    {
        // SAFETY: the caller passes n readable elements behind every pointer; loads stay below n.
        var i = 0;
        var sum = 0f;
        if (Avx512F.IsSupported && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var s = Vector512.Load(step + i);
                var m = Vector512.Load(min + i);
                var fa = Avx512F.FusedMultiplyAdd(s, Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(a + i))), m);
                var fb = Avx512F.FusedMultiplyAdd(s, Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(b + i))), m);
                acc = Avx512F.FusedMultiplyAdd(fa, fb, acc);
            }

            sum = Vector512.Sum(acc);
        }
        else if (Avx2.IsSupported && Fma.IsSupported && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var s = Vector256.Load(step + i);
                var m = Vector256.Load(min + i);
                var fa = Fma.MultiplyAdd(s, Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(a + i)), m);
                var fb = Fma.MultiplyAdd(s, Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(b + i)), m);
                acc = Fma.MultiplyAdd(fa, fb, acc);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            sum += (min[i] + (step[i] * a[i])) * (min[i] + (step[i] * b[i]));
        }

        return sum;
    }
}
