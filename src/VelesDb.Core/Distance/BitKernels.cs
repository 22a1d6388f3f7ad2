using System.Numerics;
using System.Runtime.Intrinsics;

namespace VelesDb.Core.Distance;

/// <summary>Kernels on bit codes: weighted sums over set bits, with 16 or 8 bits expanded to a lane mask per step.</summary>
internal static unsafe class BitKernels
{
    /// <summary>Σ weights[i] over the set bits i of <paramref name="bits"/> (the first <paramref name="n"/> bits).</summary>
    public static float WeightedSum(ulong* bits, float* weights, int n)
    {
        // SAFETY: the caller passes ceil(n / 64) (or words) readable ulongs and n weights; reads stay inside.
        var i = 0;
        var sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var lanes = Vector512.Create(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768);
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                var chunk = (int)((bits[i >> 6] >> (i & 63)) & 0xFFFF);
                var mask = Vector512.Equals(Vector512.Create(chunk) & lanes, lanes).AsSingle();
                acc += Vector512.Load(weights + i) & mask;
            }

            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var lanes = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
            {
                var chunk = (int)((bits[i >> 6] >> (i & 63)) & 0xFF);
                var mask = Vector256.Equals(Vector256.Create(chunk) & lanes, lanes).AsSingle();
                acc += Vector256.Load(weights + i) & mask;
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            if (((bits[i >> 6] >> (i & 63)) & 1) != 0)
            {
                sum += weights[i];
            }
        }

        return sum;
    }

    /// <summary>Number of differing bits.</summary>
    public static int HammingDistance(ulong* a, ulong* b, int words)
    {
        // SAFETY: the caller passes ceil(n / 64) (or words) readable ulongs and n weights; reads stay inside.
        var differing = 0;
        for (var i = 0; i < words; i++)
        {
            differing += BitOperations.PopCount(a[i] ^ b[i]);
        }

        return differing;
    }
}
