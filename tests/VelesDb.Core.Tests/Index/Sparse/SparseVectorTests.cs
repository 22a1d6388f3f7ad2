using VelesDb.Core.Errors;
using VelesDb.Core.Index.Sparse;

namespace VelesDb.Core.Tests.Index.Sparse;

public class SparseVectorTests
{
    private static VelesDbErrorCode CodeOf(Action action) => Assert.Throws<VelesDbException>(action).Code;

    [Fact]
    public void Create_Unsorted_SortsPairsByIndex()
    {
        var v = SparseVector.Create([30u, 2u, 7u], [0.3f, 0.02f, 0.7f]);

        Assert.Equal([2u, 7u, 30u], v.Indices);
        Assert.Equal([0.02f, 0.7f, 0.3f], v.Values);
        Assert.Equal(3, v.Count);
    }

    [Fact]
    public void Create_DuplicateIndices_AreSummed()
    {
        var v = SparseVector.Create([3u, 1u, 3u, 3u], [1f, 2f, 4f, 0.5f]);

        Assert.Equal([1u, 3u], v.Indices);
        Assert.Equal([2f, 5.5f], v.Values);
    }

    [Fact]
    public void Create_ZeroWeights_AreDroppedIncludingSumsToZero()
    {
        var v = SparseVector.Create([5u, 2u, 4u, 9u, 4u], [0f, 1f, 2.5f, -0f, -2.5f]);

        Assert.Equal([2u], v.Indices);
        Assert.Equal([1f], v.Values);
        Assert.Equal(0, SparseVector.Create([1u], [0f]).Count);
    }

    [Fact]
    public void Create_SortedInput_IsCopied()
    {
        uint[] indices = [1, 2, 3];
        float[] values = [1, 2, 3];
        var v = SparseVector.Create(indices, values);
        indices[0] = 99;
        values[0] = 99;

        Assert.Equal([1u, 2u, 3u], v.Indices);
        Assert.Equal([1f, 2f, 3f], v.Values);
    }

    [Fact]
    public void Create_Empty_IsEmpty()
    {
        var v = SparseVector.Create([], []);
        Assert.Empty(v.Indices);
        Assert.Empty(v.Values);
        Assert.Equal(0, SparseVector.Empty.Count);
    }

    [Fact]
    public void Create_MaxUInt32Index_IsKept()
    {
        var v = SparseVector.Create([uint.MaxValue, 0u], [1f, 2f]);
        Assert.Equal([0u, uint.MaxValue], v.Indices);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Create_NonFiniteWeight_ThrowsInvalidVector(float bad)
    {
        Assert.Equal(VelesDbErrorCode.InvalidVector, CodeOf(() => SparseVector.Create([1u, 2u], [1f, bad])));
        Assert.Equal(VelesDbErrorCode.InvalidVector, CodeOf(() => SparseVector.Create([2u, 1u], [bad, 1f])));
    }

    [Fact]
    public void Create_DuplicatesSummingToInfinity_ThrowsInvalidVector()
    {
        Assert.Equal(
            VelesDbErrorCode.InvalidVector,
            CodeOf(() => SparseVector.Create([4u, 4u], [float.MaxValue, float.MaxValue])));
    }

    [Fact]
    public void Create_LengthMismatch_ThrowsInvalidVector()
    {
        Assert.Equal(VelesDbErrorCode.InvalidVector, CodeOf(() => SparseVector.Create([1u, 2u], [1f])));
        Assert.Equal(VelesDbErrorCode.InvalidVector, CodeOf(() => SparseVector.Create([], [1f])));
    }

    [Fact]
    public void Create_MoreThanMaxNonZeros_ThrowsGuardRail()
    {
        var indices = new uint[SparseVector.MaxNonZeros + 1];
        var values = new float[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = (uint)i;
            values[i] = 1;
        }

        Assert.Equal(VelesDbErrorCode.GuardRail, CodeOf(() => SparseVector.Create(indices, values)));
        Assert.Equal(
            VelesDbErrorCode.GuardRail,
            CodeOf(() => SparseVector.Create(Enumerable.Reverse(indices).ToArray(), values)));

        // The cap applies after normalisation: exactly the limit is fine, and so is an input
        // over the limit whose duplicates collapse under it.
        Assert.Equal(SparseVector.MaxNonZeros, SparseVector.Create(indices.AsSpan(1), values.AsSpan(1)).Count);
        indices[0] = 1;
        Assert.Equal(SparseVector.MaxNonZeros, SparseVector.Create(indices, values).Count);
    }

    [Fact]
    public void FromDictionary_NormalisesLikeCreate()
    {
        var v = SparseVector.FromDictionary(new Dictionary<uint, float> { [42] = 0.5f, [7] = 0f, [3] = -1.5f });

        Assert.Equal([3u, 42u], v.Indices);
        Assert.Equal([-1.5f, 0.5f], v.Values);
        Assert.Equal(
            VelesDbErrorCode.InvalidVector,
            CodeOf(() => SparseVector.FromDictionary(new Dictionary<uint, float> { [1] = float.NaN })));
    }

    [Fact]
    public void Dot_SharedIndices_InnerProduct()
    {
        var a = SparseVector.Create([1u, 4u, 9u, 12u], [1f, 2f, 3f, -4f]);
        var b = SparseVector.Create([0u, 4u, 9u, 10u, 12u], [5f, 0.5f, -2f, 7f, 0.25f]);

        // Shared 4, 9, 12: 2·0.5 + 3·(−2) + (−4)·0.25 = 1 − 6 − 1 = −6.
        Assert.Equal(-6f, a.Dot(b));
        Assert.Equal(-6f, b.Dot(a));
        Assert.Equal(1f + 4f + 9f + 16f, a.Dot(a));
    }

    [Fact]
    public void Dot_DisjointOrEmpty_IsZero()
    {
        var a = SparseVector.Create([1u, 3u], [1f, 1f]);
        Assert.Equal(0f, a.Dot(SparseVector.Create([2u, 4u], [1f, 1f])));
        Assert.Equal(0f, a.Dot(SparseVector.Empty));
        Assert.Equal(0f, SparseVector.Empty.Dot(a));
    }
}
