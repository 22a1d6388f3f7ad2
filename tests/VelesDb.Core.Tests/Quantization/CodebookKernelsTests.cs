using VelesDb.Core.Quantization;

namespace VelesDb.Core.Tests.Quantization;

public class CodebookKernelsTests
{
    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (var k in new[] { 1, 2, 7, 8, 9, 16, 31, 33, 256 })
        {
            foreach (var dim in new[] { 1, 3, 8, 17 })
            {
                data.Add(k, dim);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OneToMany_EveryShape_MatchesScalarPerCentroid(int k, int dim)
    {
        var rows = QuantizationTestData.Uniform(k, dim, seed: k + dim);
        var x = QuantizationTestData.Uniform(1, dim, seed: 99);
        var transposed = new float[k * dim];
        CodebookKernels.Transpose(rows, k, dim, transposed);
        var distances = new float[k];
        var dots = new float[k];

        CodebookKernels.SquaredDistances(transposed, k, x, distances);
        CodebookKernels.Dots(transposed, k, x, dots);

        for (var c = 0; c < k; c++)
        {
            // The kernels promise the scalar float order exactly, so compare bit for bit.
            float l2 = 0, dot = 0;
            for (var d = 0; d < dim; d++)
            {
                var e = x[d] - rows[(c * dim) + d];
                l2 += e * e;
                dot += x[d] * rows[(c * dim) + d];
            }

            Assert.Equal(l2, distances[c]);
            Assert.Equal(dot, dots[c]);
        }
    }

    [Theory]
    [InlineData(0, 40)]
    [InlineData(3, 17)]
    [InlineData(9, 31)]
    [InlineData(39, 1)]
    public void SquaredDistances_ColumnRangeWithStride_MatchesWholeMatrix(int first, int columns)
    {
        const int K = 40;
        const int Dim = 5;
        var rows = QuantizationTestData.Uniform(K, Dim, seed: 3);
        var x = QuantizationTestData.Uniform(1, Dim, seed: 4);
        var transposed = new float[K * Dim];
        CodebookKernels.Transpose(rows, K, Dim, transposed);
        var all = new float[K];
        var part = new float[columns];

        CodebookKernels.SquaredDistances(transposed, K, x, all);
        CodebookKernels.SquaredDistances(transposed.AsSpan(first), K, columns, x, part);

        Assert.Equal(all.AsSpan(first, columns).ToArray(), part);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(127)]
    [InlineData(768)]
    [InlineData(1536)]
    public void PairKernels_EveryLength_MatchDoubleReferenceAndIgnoreAddress(int length)
    {
        var a = QuantizationTestData.Uniform(1, length, seed: length);
        var b = QuantizationTestData.Uniform(1, length, seed: length + 1);
        var l2 = CodebookKernels.SquaredL2(a, b);
        var dot = CodebookKernels.Dot(a, b);

        Assert.Equal(QuantizationTestData.SquaredDistance(a, b), l2, 1e-4 * Math.Max(1, length));
        Assert.Equal(QuantizationTestData.Dot(a, b), dot, 1e-4 * Math.Max(1, length));
        for (var offset = 1; offset < 16; offset++)
        {
            // The same values elsewhere in memory must give the same bits.
            var shiftedA = new float[length + offset];
            var shiftedB = new float[length + 16];
            a.CopyTo(shiftedA, offset);
            b.CopyTo(shiftedB, 16 - offset);
            Assert.Equal(l2, CodebookKernels.SquaredL2(shiftedA.AsSpan(offset, length), shiftedB.AsSpan(16 - offset, length)));
            Assert.Equal(dot, CodebookKernels.Dot(shiftedA.AsSpan(offset, length), shiftedB.AsSpan(16 - offset, length)));
        }
    }

    [Fact]
    public void MultiplyAdd_AddsScaledVector()
    {
        var x = QuantizationTestData.Uniform(1, 37, seed: 1);
        var y = QuantizationTestData.Uniform(1, 37, seed: 2);
        var expected = y.Select((v, i) => v + (0.5f * x[i])).ToArray();

        CodebookKernels.MultiplyAdd(0.5f, x, y);

        Assert.Equal(expected, y);
    }

    [Fact]
    public void ArgMin_Tie_ReturnsLowestIndex()
    {
        Assert.Equal(1, CodebookKernels.ArgMin([3f, 1f, 2f, 1f]));
        Assert.Equal(0, CodebookKernels.ArgMin([5f]));
    }

    [Fact]
    public void ArgMin_WithNaN_Terminates()
    {
        var values = Enumerable.Range(0, 40).Select(i => (float)(40 - i)).ToArray();
        values[3] = float.NaN;

        Assert.InRange(CodebookKernels.ArgMin(values), 0, 39);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(256)]
    public void ArgMin_EveryPositionAndLength_FindsFirstMinimum(int length)
    {
        var values = QuantizationTestData.Uniform(1, length, seed: length).Select(v => v + 2).ToArray();
        for (var position = 0; position < length; position++)
        {
            var copy = (float[])values.Clone();
            copy[position] = 0.5f;
            Assert.Equal(position, CodebookKernels.ArgMin(copy));

            // A later equal value must not win, nor one in the overlapping last vector.
            copy[length - 1] = 0.5f;
            Assert.Equal(position, CodebookKernels.ArgMin(copy));
        }
    }
}
