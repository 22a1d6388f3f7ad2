using VelesDb.Core.Distance;
using VelesDb.Core.Quantization;

namespace VelesDb.Core.Tests.Quantization;

/// <summary>The SQ8 and bit kernels (AVX-512 / AVX2 / scalar, whichever this CPU takes) against plain loops.</summary>
public unsafe class CodeKernelTests
{
    public static TheoryData<int> Lengths => [0, 1, 7, 8, 15, 16, 17, 31, 33, 64, 127, 128, 129, 768, 1536];

    private static (float[] A, float[] B, byte[] C, byte[] D) Data(int n, int seed)
    {
        var rng = new Random(seed);
        var a = Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 4) - 2)).ToArray();
        var b = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 0.02)).ToArray();
        var c = Enumerable.Range(0, n).Select(_ => (byte)rng.Next(256)).ToArray();
        var d = Enumerable.Range(0, n).Select(_ => (byte)rng.Next(256)).ToArray();
        return (a, b, c, d);
    }

    private static void Close(double expected, float actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Sq8Kernels_MatchScalarLoops(int n)
    {
        var (qm, step, c, d) = Data(n, n);
        var min = qm.Select(x => x / 3).ToArray();
        double l2 = 0, dot = 0, codeL2 = 0, codeDot = 0;
        for (var i = 0; i < n; i++)
        {
            l2 += Math.Pow(qm[i] - ((double)step[i] * c[i]), 2);
            dot += (double)qm[i] * c[i];
            codeL2 += Math.Pow((double)step[i] * (c[i] - d[i]), 2);
            codeDot += (min[i] + ((double)step[i] * c[i])) * (min[i] + ((double)step[i] * d[i]));
        }

        fixed (float* pq = qm, ps = step, pm = min)
        fixed (byte* pc = c, pd = d)
        {
            Close(l2, Sq8Kernels.L2(pq, ps, pc, n));
            Close(dot, Sq8Kernels.Dot(pq, pc, n));
            Close(codeL2, Sq8Kernels.CodeL2(pc, pd, ps, n));
            Close(codeDot, Sq8Kernels.CodeDot(pc, pd, pm, ps, n));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void BitKernels_MatchScalarLoops(int n)
    {
        var (weights, _, _, _) = Data(n, n + 1);
        var rng = new Random(n);
        var words = Math.Max(1, (n + 63) / 64);
        var a = Enumerable.Range(0, words).Select(_ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40)).ToArray();
        var b = Enumerable.Range(0, words).Select(_ => (ulong)rng.NextInt64()).ToArray();
        double sum = 0;
        var differing = 0;
        for (var i = 0; i < n; i++)
        {
            var bitA = (a[i >> 6] >> (i & 63)) & 1;
            var bitB = (b[i >> 6] >> (i & 63)) & 1;
            sum += bitA == 1 ? weights[i] : 0;
            differing += bitA != bitB ? 1 : 0;
        }

        // Bits past n in the last word must not count for the weighted sum (codes keep them 0, but the kernel must not read weights there).
        fixed (float* w = weights)
        fixed (ulong* pa = a, pb = b)
        {
            Close(sum, BitKernels.WeightedSum(pa, w, n));
            if (n % 64 == 0)
            {
                Assert.Equal(differing, BitKernels.HammingDistance(pa, pb, n / 64));
            }
        }
    }

    [Fact]
    public void Sq8Quantizer_EncodeDecode_ErrorWithinHalfAStep()
    {
        var rng = new Random(3);
        const int dim = 24;
        var samples = Enumerable.Range(0, 500 * dim).Select(_ => (float)((rng.NextDouble() * 10) - 5)).ToArray();
        var q = Sq8Quantizer.Train(samples, 500, dim);
        var code = new byte[dim];
        var decoded = new float[dim];
        for (var row = 0; row < 500; row++)
        {
            var v = samples.AsSpan(row * dim, dim);
            q.Encode(v, code);
            q.Decode(code, decoded);
            for (var i = 0; i < dim; i++)
            {
                Assert.True(Math.Abs(v[i] - decoded[i]) <= (q.Step[i] / 2) + 1e-5, $"dim {i}: {v[i]} vs {decoded[i]}");
            }
        }
    }

    [Fact]
    public void QuantizerFiles_RoundTrip_AndRejectDamage()
    {
        var sq8 = new Sq8Quantizer([1f, -2f, 3f], [0.1f, 0f, 0.5f]);
        var read = Sq8Quantizer.TryRead(sq8.Bytes, out var problem);
        Assert.Null(problem);
        Assert.Equal(sq8.Min, read!.Min);
        Assert.Equal(sq8.Step, read.Step);
        Assert.Equal(sq8.Checksum, read.Checksum);

        var binary = BinaryQuantizer.Train([0f, 1f, 2f, 3f, 4f, 5f], 3, 2);
        Assert.Equal(binary.Bytes, BinaryQuantizer.TryRead(binary.Bytes, out _)!.Bytes);

        var flipped = (byte[])sq8.Bytes.Clone();
        flipped[14] ^= 1;
        Assert.Null(Sq8Quantizer.TryRead(flipped, out problem));
        Assert.Contains("checksum", problem);
        Assert.Null(Sq8Quantizer.TryRead(sq8.Bytes.AsSpan(0, sq8.Bytes.Length - 3), out problem));
        Assert.Null(Sq8Quantizer.TryRead(binary.Bytes, out problem));
        Assert.Contains("magic", problem);

        // A header declaring a huge dimension is refused from the length, before allocating.
        var huge = (byte[])sq8.Bytes.Clone();
        huge[8] = 0xFF;
        huge[9] = 0xFF;
        huge[10] = 0xFF;
        huge[11] = 0x7F;
        Assert.Null(Sq8Quantizer.TryRead(huge, out problem));
        Assert.Contains("dimension", problem);
    }
}
