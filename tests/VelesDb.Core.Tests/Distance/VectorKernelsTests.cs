using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using static VelesDb.Core.Tests.Distance.KernelTestData;

namespace VelesDb.Core.Tests.Distance;

/// <summary>Each SIMD path of each primitive against the scalar reference.</summary>
public class VectorKernelsTests
{
    [Theory]
    [MemberData(nameof(WidthLengthSeed), MemberType = typeof(KernelTestData))]
    public void Dot_EachWidth_MatchesScalarReference(int width, int length, int seed)
    {
        var random = new Random(seed);
        var a = Signed(length + OffsetPadding, random);
        var b = Signed(length + OffsetPadding, random);
        foreach (var (offA, offB) in Offsets)
        {
            var x = a.AsSpan(offA, length);
            var y = b.AsSpan(offB, length);

            var actual = VectorKernels.Dot(x, y, (KernelWidth)width);

            AssertClose(ScalarKernels.Dot(x, y), actual, SumAbsProducts(x, y), $"dot at offsets {offA}/{offB}");
        }
    }

    [Theory]
    [MemberData(nameof(WidthLengthSeed), MemberType = typeof(KernelTestData))]
    public void SquaredL2_EachWidth_MatchesScalarReference(int width, int length, int seed)
    {
        var random = new Random(seed);
        var a = Signed(length + OffsetPadding, random);
        var b = Signed(length + OffsetPadding, random);
        foreach (var (offA, offB) in Offsets)
        {
            var x = a.AsSpan(offA, length);
            var y = b.AsSpan(offB, length);

            var actual = VectorKernels.SquaredL2(x, y, (KernelWidth)width);

            var expected = ScalarKernels.SquaredL2(x, y);
            AssertClose(expected, actual, expected, $"squared L2 at offsets {offA}/{offB}");
        }
    }

    [Theory]
    [MemberData(nameof(WidthLengthSeed), MemberType = typeof(KernelTestData))]
    public void DotAndNorms_EachWidth_MatchesScalarReference(int width, int length, int seed)
    {
        var random = new Random(seed);
        var a = Signed(length + OffsetPadding, random);
        var b = Signed(length + OffsetPadding, random);
        foreach (var (offA, offB) in Offsets)
        {
            var x = a.AsSpan(offA, length);
            var y = b.AsSpan(offB, length);

            var (dot, normA, normB) = VectorKernels.DotAndNorms(x, y, (KernelWidth)width);

            var expected = ScalarKernels.DotAndNorms(x, y);
            AssertClose(expected.Dot, dot, SumAbsProducts(x, y), $"dot at offsets {offA}/{offB}");
            AssertClose(expected.NormA, normA, expected.NormA, $"norm a at offsets {offA}/{offB}");
            AssertClose(expected.NormB, normB, expected.NormB, $"norm b at offsets {offA}/{offB}");
        }
    }

    [Theory]
    [MemberData(nameof(WidthLengthSeed), MemberType = typeof(KernelTestData))]
    public void HammingBinarized_EachWidth_MatchesScalarReferenceExactly(int width, int length, int seed)
    {
        var (a, b) = HammingPair(length + OffsetPadding, new Random(seed));
        foreach (var (offA, offB) in Offsets)
        {
            var x = a.AsSpan(offA, length);
            var y = b.AsSpan(offB, length);

            var actual = VectorKernels.HammingBinarized(x, y, (KernelWidth)width);

            Assert.Equal(ScalarKernels.HammingBinarized(x, y), actual);
        }
    }

    [Theory]
    [MemberData(nameof(WidthLengthSeed), MemberType = typeof(KernelTestData))]
    public void MinMaxSums_EachWidth_MatchesScalarReference(int width, int length, int seed)
    {
        var random = new Random(seed);
        var a = Signed(length + OffsetPadding, random);
        var b = Signed(length + OffsetPadding, random);
        foreach (var (offA, offB) in Offsets)
        {
            var x = a.AsSpan(offA, length);
            var y = b.AsSpan(offB, length);

            var (sumMin, sumMax) = VectorKernels.MinMaxSums(x, y, (KernelWidth)width);

            var expected = ScalarKernels.MinMaxSums(x, y);
            var (absMin, absMax) = SumAbsMinMax(x, y);
            AssertClose(expected.SumMin, sumMin, absMin, $"sum of minima at offsets {offA}/{offB}");
            AssertClose(expected.SumMax, sumMax, absMax, $"sum of maxima at offsets {offA}/{offB}");
        }
    }

    [Theory]
    [MemberData(nameof(WidthLengthSeed), MemberType = typeof(KernelTestData))]
    public void MinMaxSums_NonNegativeInputEachWidth_MatchesScalarReference(int width, int length, int seed)
    {
        var random = new Random(seed);
        var a = NonNegative(length + OffsetPadding, random);
        var b = NonNegative(length + OffsetPadding, random);
        foreach (var (offA, offB) in Offsets)
        {
            var x = a.AsSpan(offA, length);
            var y = b.AsSpan(offB, length);

            var (sumMin, sumMax) = VectorKernels.MinMaxSums(x, y, (KernelWidth)width);

            var expected = ScalarKernels.MinMaxSums(x, y);
            AssertClose(expected.SumMin, sumMin, expected.SumMin, $"sum of minima at offsets {offA}/{offB}");
            AssertClose(expected.SumMax, sumMax, expected.SumMax, $"sum of maxima at offsets {offA}/{offB}");
        }
    }

    [Theory]
    [MemberData(nameof(WidthLengthSeed), MemberType = typeof(KernelTestData))]
    public void SquaredNorm_EachWidth_MatchesScalarReference(int width, int length, int seed)
    {
        var a = Signed(length + OffsetPadding, new Random(seed));
        foreach (var (offA, _) in Offsets)
        {
            var x = a.AsSpan(offA, length);

            var actual = VectorKernels.SquaredNorm(x, (KernelWidth)width);

            var expected = ScalarKernels.SquaredNorm(x);
            AssertClose(expected, actual, expected, $"squared norm at offset {offA}");
        }
    }

    [Theory]
    [MemberData(nameof(LengthSeed), MemberType = typeof(KernelTestData))]
    public void PublicEntryPoints_AutoSelectedWidth_MatchScalarReference(int length, int seed)
    {
        var random = new Random(seed);
        var a = Signed(length, random);
        var b = Signed(length, random);
        var (ha, hb) = HammingPair(length, random);
        var reference = ScalarKernels.DotAndNorms(a, b);
        var (absMin, absMax) = SumAbsMinMax(a, b);
        var sumAbs = SumAbsProducts(a, b);

        AssertClose(reference.Dot, VectorKernels.Dot(a, b), sumAbs, "dot");
        var squaredL2 = ScalarKernels.SquaredL2(a, b);
        AssertClose(squaredL2, VectorKernels.SquaredL2(a, b), squaredL2, "squared L2");
        var (dot, normA, normB) = VectorKernels.DotAndNorms(a, b);
        AssertClose(reference.Dot, dot, sumAbs, "dot");
        AssertClose(reference.NormA, normA, reference.NormA, "norm a");
        AssertClose(reference.NormB, normB, reference.NormB, "norm b");
        AssertClose(reference.NormA, VectorKernels.SquaredNorm(a), reference.NormA, "squared norm");
        Assert.Equal(ScalarKernels.HammingBinarized(ha, hb), VectorKernels.HammingBinarized(ha, hb));
        var minMax = ScalarKernels.MinMaxSums(a, b);
        var (sumMin, sumMax) = VectorKernels.MinMaxSums(a, b);
        AssertClose(minMax.SumMin, sumMin, absMin, "sum of minima");
        AssertClose(minMax.SumMax, sumMax, absMax, "sum of maxima");
    }

    [Fact]
    public void HammingBinarized_ExactlyHalf_IsNotAboveThreshold()
    {
        // 0.5 binarises to 0 and the next float up to 1, on every path.
        var a = Enumerable.Repeat(0.5f, 37).ToArray();
        var b = Enumerable.Repeat(MathF.BitIncrement(0.5f), 37).ToArray();
        var c = Enumerable.Repeat(0f, 37).ToArray();

        foreach (var width in Widths)
        {
            Assert.Equal(37, VectorKernels.HammingBinarized(a, b, width));
            Assert.Equal(0, VectorKernels.HammingBinarized(a, c, width));
        }
    }

    [Fact]
    public void IsAccelerated_Scalar_IsTrue()
    {
        Assert.True(VectorKernels.IsAccelerated(KernelWidth.Scalar));
    }

    [Fact]
    public void Primitives_LengthMismatch_ThrowDimensionMismatch()
    {
        var a = new float[17];
        var b = new float[16];

        AssertDimensionMismatch(() => VectorKernels.Dot(a, b));
        AssertDimensionMismatch(() => VectorKernels.SquaredL2(a, b));
        AssertDimensionMismatch(() => VectorKernels.DotAndNorms(a, b));
        AssertDimensionMismatch(() => VectorKernels.HammingBinarized(a, b));
        AssertDimensionMismatch(() => VectorKernels.MinMaxSums(a, b));
        foreach (var width in Widths)
        {
            AssertDimensionMismatch(() => VectorKernels.Dot(a, b, width));
            AssertDimensionMismatch(() => VectorKernels.SquaredL2(a, b, width));
            AssertDimensionMismatch(() => VectorKernels.DotAndNorms(a, b, width));
            AssertDimensionMismatch(() => VectorKernels.HammingBinarized(a, b, width));
            AssertDimensionMismatch(() => VectorKernels.MinMaxSums(a, b, width));
        }
    }

    private static void AssertDimensionMismatch(Func<object> call)
    {
        var ex = Assert.Throws<VelesDbException>(call);
        Assert.Equal(VelesDbErrorCode.DimensionMismatch, ex.Code);
        Assert.Equal("VELES-004", ex.CodeString);
    }

    private static double SumAbsProducts(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs((double)a[i] * b[i]);
        }

        return sum;
    }

    private static (double Min, double Max) SumAbsMinMax(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double min = 0d, max = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            min += Math.Abs(Math.Min(a[i], b[i]));
            max += Math.Abs(Math.Max(a[i], b[i]));
        }

        return (min, max);
    }
}
