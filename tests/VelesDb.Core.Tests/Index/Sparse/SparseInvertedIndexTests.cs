using VelesDb.Core.Errors;
using VelesDb.Core.Index.Sparse;
using VelesDb.Core.Tests.Index.Text;

namespace VelesDb.Core.Tests.Index.Sparse;

public class SparseInvertedIndexTests
{
    private static readonly SparseSearchPath[] AllPaths =
        [SparseSearchPath.Auto, SparseSearchPath.MaxScore, SparseSearchPath.Linear];

    private static SparseVector V(params (uint Index, float Value)[] pairs) =>
        SparseVector.Create(pairs.Select(p => p.Index).ToArray(), pairs.Select(p => p.Value).ToArray());

    private static SparseInvertedIndex Small()
    {
        var index = new SparseInvertedIndex();
        index.Add(0, V((1, 1f), (2, 2f)));
        index.Add(1, V((2, 3f), (5, 1f)));
        index.Add(2, V((5, 4f)));
        index.Add(3, V((1, -2f), (9, 1f)));
        return index;
    }

    /// <summary>Every row sharing a dimension with the query, scored with <see cref="SparseVector.Dot"/>, sorted.</summary>
    private static (int Row, float Score)[] BruteForce(
        Dictionary<int, SparseVector> rows, SparseVector query, int k, Func<int, bool>? accept)
    {
        if (k <= 0)
        {
            return [];
        }

        var queryDims = query.Indices.ToHashSet();
        return rows
            .Where(r => r.Value.Indices.Any(queryDims.Contains) && (accept is null || accept(r.Key)))
            .Select(r => (Row: r.Key, Score: query.Dot(r.Value)))
            .OrderByDescending(r => r.Score)
            .ThenBy(r => r.Row)
            .Take(k)
            .ToArray();
    }

    [Fact]
    public void Search_Small_MatchesHandComputedScoresOnEveryPath()
    {
        var index = Small();
        var query = V((2, 1f), (5, 0.5f), (1, 1f));
        foreach (var path in AllPaths)
        {
            // row 0: 1·1 + 2·1 = 3; row 1: 3·1 + 1·0.5 = 3.5; row 2: 4·0.5 = 2; row 3: −2·1 = −2.
            Assert.Equal([(1, 3.5f), (0, 3f), (2, 2f), (3, -2f)], index.Search(query, 10, null, path));
            Assert.Equal([(1, 3.5f), (0, 3f)], index.Search(query, 2, null, path));
        }
    }

    [Fact]
    public void Search_NegativeAndZeroScores_ReturnedWhenADimensionIsShared()
    {
        var index = new SparseInvertedIndex();
        index.Add(0, V((1, -2f)));
        index.Add(1, V((2, 5f)));
        index.Add(2, V((1, 1f), (3, 1f)));
        var query = V((1, 1f), (3, -1f));
        foreach (var path in AllPaths)
        {
            // row 2: 1 − 1 = 0 (returned: it shares dimensions); row 0: −2; row 1 shares nothing.
            Assert.Equal([(2, 0f), (0, -2f)], index.Search(query, 10, null, path));
        }
    }

    [Fact]
    public void Search_NegativeQueryWeights_RankByInnerProduct()
    {
        var index = new SparseInvertedIndex();
        index.Add(0, V((1, 3f)));
        index.Add(1, V((1, -1f)));
        index.Add(2, V((1, 0.5f), (2, 10f)));
        foreach (var path in AllPaths)
        {
            // Query −1 on dim 1: row 1 → 1, row 2 → −0.5, row 0 → −3.
            Assert.Equal([(1, 1f), (2, -0.5f)], index.Search(V((1, -1f)), 2, null, path));
        }
    }

    [Fact]
    public void Search_EqualScores_AscendingRow()
    {
        var index = new SparseInvertedIndex();
        foreach (var row in new[] { 7, 3, 5, 11 })
        {
            index.Add(row, V((4, 2f), (8, 1f)));
        }

        index.Add(1, V((4, 1f)));
        foreach (var path in AllPaths)
        {
            Assert.Equal([3, 5], index.Search(V((4, 1f)), 2, null, path).Select(r => r.Row));
            Assert.Equal([3, 5, 7, 11, 1], index.Search(V((4, 1f)), 10, null, path).Select(r => r.Row));
        }
    }

    [Fact]
    public void Search_AcceptFilter_SkipsRejectedRows()
    {
        var index = Small();
        var query = V((2, 1f), (5, 0.5f), (1, 1f));
        foreach (var path in AllPaths)
        {
            Assert.Equal([(0, 3f), (3, -2f)], index.Search(query, 10, row => row % 3 == 0, path));
            Assert.Empty(index.Search(query, 10, _ => false, path));
        }
    }

    [Fact]
    public void Search_NothingToFind_ReturnsEmpty()
    {
        var index = Small();
        foreach (var path in AllPaths)
        {
            Assert.Empty(index.Search(V((100, 1f)), 10, null, path));
            Assert.Empty(index.Search(SparseVector.Empty, 10, null, path));
            Assert.Empty(index.Search(V((2, 1f)), 0, null, path));
            Assert.Empty(index.Search(V((2, 1f)), -1, null, path));
            Assert.Empty(new SparseInvertedIndex().Search(V((2, 1f)), 10, null, path));
        }
    }

    [Fact]
    public void Add_ExistingRow_ReplacesItsVector()
    {
        var index = Small();
        index.Add(1, V((9, 2f)));

        Assert.Equal(4, index.Count);
        foreach (var path in AllPaths)
        {
            Assert.Equal([(0, 2f)], index.Search(V((2, 1f)), 10, null, path));
            Assert.Equal([(1, 2f), (3, 1f)], index.Search(V((9, 1f)), 10, null, path));
            Assert.Equal([(2, 4f)], index.Search(V((5, 1f)), 10, null, path));
        }
    }

    [Fact]
    public void Remove_Row_DisappearsAndDropsEmptyDimensions()
    {
        var index = Small();
        Assert.Equal(4, index.TermCount); // 1, 2, 5, 9

        Assert.True(index.Remove(3));
        Assert.False(index.Remove(3));
        Assert.False(index.Remove(99));
        Assert.False(index.Remove(-1));

        Assert.Equal(3, index.Count);
        Assert.Equal(3, index.TermCount); // 9 is gone
        Assert.False(index.Contains(3));
        foreach (var path in AllPaths)
        {
            Assert.Equal([(0, 1f)], index.Search(V((1, 1f), (9, 1f)), 10, null, path));
        }
    }

    [Fact]
    public void Add_EmptyVector_CountsButIsNeverFound()
    {
        var index = Small();
        index.Add(8, SparseVector.Empty);

        Assert.Equal(5, index.Count);
        Assert.True(index.Contains(8));
        Assert.DoesNotContain(index.Search(V((1, 1f), (2, 1f), (5, 1f), (9, 1f)), 100, null), r => r.Row == 8);
        Assert.True(index.Remove(8));
    }

    [Fact]
    public void Add_BadArguments_Throw()
    {
        var index = new SparseInvertedIndex();
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(-1, V((1, 1f))));
        Assert.Throws<ArgumentNullException>(() => index.Add(0, null!));
        Assert.Throws<ArgumentNullException>(() => index.Search(null!, 1, null));
    }

    [Fact]
    public void Add_VectorArraysMutatedLater_RemoveStillUsesTheIndexedDimensions()
    {
        var index = new SparseInvertedIndex();
        var v = V((1, 1f), (2, 1f));
        index.Add(0, v);
        v.Indices[0] = 50; // misuse: the arrays belong to the vector
        Assert.True(index.Remove(0));
        Assert.Equal(0, index.TermCount);
    }

    [Theory]
    [InlineData(1, 40, 0.5)] // few dimensions: heavy overlap, the linear scan's territory
    [InlineData(2, 400, 0.3)]
    [InlineData(3, 5000, 0.2)] // many dimensions: sparse overlap, MaxScore's territory
    [InlineData(4, 400, 0.0)] // non-negative weights only
    public void Search_Randomized_EveryPathMatchesBruteForce(int seed, int dimensions, double negativeShare)
    {
        var rng = new Random(seed);
        var rows = new Dictionary<int, SparseVector>();
        var index = new SparseInvertedIndex();
        for (var round = 0; round < 1500; round++)
        {
            var row = rng.Next(700);
            if (rows.Count > 0 && rng.Next(5) == 0)
            {
                Assert.Equal(rows.Remove(row), index.Remove(row));
                continue;
            }

            var v = RandomVector(rng, dimensions, rng.Next(0, 25), negativeShare);
            index.Add(row, v);
            rows[row] = v;
        }

        Assert.Equal(rows.Count, index.Count);
        for (var q = 0; q < 80; q++)
        {
            var query = RandomVector(rng, dimensions, rng.Next(1, 12), negativeShare);
            var k = q % 10 == 0 ? 1000 : rng.Next(1, 30);
            Func<int, bool>? accept = q % 4 == 0 ? row => row % 3 != 0 : null;
            var expected = BruteForce(rows, query, k, accept);
            foreach (var path in AllPaths)
            {
                Assert.Equal(expected, index.Search(query, k, accept, path));
            }
        }
    }

    [Fact]
    public void Search_SkewedWeights_MaxScoreMatchesBruteForce()
    {
        // One heavy dimension and many light ones: the bound ordering makes the light terms
        // non-essential quickly, exercising pruning and the probing of non-essential lists.
        var rng = new Random(11);
        var rows = new Dictionary<int, SparseVector>();
        var index = new SparseInvertedIndex();
        for (var row = 0; row < 3000; row++)
        {
            var pairs = new List<(uint, float)>();
            if (rng.Next(50) == 0)
            {
                pairs.Add((0, (float)(10 + rng.NextDouble())));
            }

            for (var i = 0; i < 6; i++)
            {
                pairs.Add(((uint)rng.Next(1, 60), (float)rng.NextDouble()));
            }

            var v = V([.. pairs]);
            index.Add(row, v);
            rows[row] = v;
        }

        for (var q = 0; q < 30; q++)
        {
            var query = RandomVector(rng, 60, 8, 0);
            query = SparseVector.Create([0u, .. query.Indices], [5f, .. query.Values]);
            var k = rng.Next(1, 20);
            var expected = BruteForce(rows, query, k, null);
            Assert.Equal(expected, index.Search(query, k, null, SparseSearchPath.MaxScore));
            Assert.Equal(expected, index.Search(query, k, null, SparseSearchPath.Linear));
        }
    }

    [Fact]
    public void SaveLoad_RoundTrip_SearchesEqual()
    {
        var rng = new Random(5);
        var index = new SparseInvertedIndex();
        for (var i = 0; i < 500; i++)
        {
            index.Add(rng.Next(300), RandomVector(rng, 200, rng.Next(0, 15), 0.3));
            if (rng.Next(4) == 0)
            {
                index.Remove(rng.Next(300));
            }
        }

        var copy = RoundTrip(index);
        Assert.Equal(index.Count, copy.Count);
        Assert.Equal(index.TermCount, copy.TermCount);
        for (var q = 0; q < 40; q++)
        {
            var query = RandomVector(rng, 200, rng.Next(1, 10), 0.3);
            foreach (var path in AllPaths)
            {
                Assert.Equal(index.Search(query, 15, null, path), copy.Search(query, 15, null, path));
            }
        }

        // The loaded index keeps working and its bytes are the same as the original's.
        Assert.Equal(Save(index), Save(copy));
        var row = Enumerable.Range(0, 300).First(copy.Contains);
        Assert.True(copy.Remove(row));
        Assert.True(index.Remove(row));
        Assert.Equal(Save(index), Save(copy));
    }

    [Fact]
    public void SaveLoad_EmptyIndexAndEmptyVectors_RoundTrip()
    {
        Assert.Equal(0, RoundTrip(new SparseInvertedIndex()).Count);

        var index = new SparseInvertedIndex();
        index.Add(3, SparseVector.Empty);
        index.Add(4, V((7, 1f)));
        var copy = RoundTrip(index);
        Assert.Equal(2, copy.Count);
        Assert.True(copy.Contains(3));
        Assert.Equal([(4, 2f)], copy.Search(V((7, 2f)), 5, null));
    }

    [Fact]
    public void Load_AnyFlippedByte_ThrowsIndexCorrupted()
    {
        var bytes = Save(Small());
        for (var i = 0; i < bytes.Length; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x04;
            var ex = Assert.Throws<VelesDbException>(() => SparseInvertedIndex.Load(new MemoryStream(damaged)));
            Assert.Equal(VelesDbErrorCode.IndexCorrupted, ex.Code);
        }
    }

    [Fact]
    public void Load_TruncatedOrExtended_ThrowsIndexCorrupted()
    {
        var bytes = Save(Small());
        for (var length = 0; length < bytes.Length; length++)
        {
            var ex = Assert.Throws<VelesDbException>(() => SparseInvertedIndex.Load(new MemoryStream(bytes, 0, length)));
            Assert.Equal(VelesDbErrorCode.IndexCorrupted, ex.Code);
        }

        var longer = new byte[bytes.Length + 4];
        bytes.CopyTo(longer, 0);
        Assert.Equal(
            VelesDbErrorCode.IndexCorrupted,
            Assert.Throws<VelesDbException>(() => SparseInvertedIndex.Load(new MemoryStream(longer))).Code);
    }

    [Fact]
    public void Load_NonSeekableStream_Works()
    {
        var index = Small();
        var copy = SparseInvertedIndex.Load(new ForwardOnlyStream(Save(index)));
        Assert.Equal(index.Search(V((2, 1f)), 10, null), copy.Search(V((2, 1f)), 10, null));
    }

    [Fact]
    public void Save_Layout_IsTheDocumentedOne()
    {
        var index = new SparseInvertedIndex();
        index.Add(2, V((7, 1.5f)));
        var bytes = Save(index);

        // header 24 + one row 8 + one dimension (8 + one posting 8) + CRC 4.
        Assert.Equal(24 + 8 + 16 + 4, bytes.Length);
        Assert.Equal("VSPX"u8.ToArray(), bytes[..4]);
        Assert.Equal(1, BitConverter.ToUInt16(bytes, 4));
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 8)); // rows
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 12)); // dimensions
        Assert.Equal(1ul, BitConverter.ToUInt64(bytes, 16)); // postings
        Assert.Equal(2, BitConverter.ToInt32(bytes, 24)); // row
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 28)); // nnz
        Assert.Equal(7u, BitConverter.ToUInt32(bytes, 32)); // dimension
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 36)); // postings of the dimension
        Assert.Equal(2, BitConverter.ToInt32(bytes, 40)); // row
        Assert.Equal(1.5f, BitConverter.ToSingle(bytes, 44)); // weight
        Assert.Equal(VelesDb.Core.Storage.Crc32C.Compute(bytes.AsSpan(0, 48)), BitConverter.ToUInt32(bytes, 48));
    }

    internal static SparseVector RandomVector(Random rng, int dimensions, int nnz, double negativeShare)
    {
        var indices = new uint[nnz];
        var values = new float[nnz];
        for (var i = 0; i < nnz; i++)
        {
            // Skewed dimensions so that some are common; a few weights repeat exactly to create ties.
            indices[i] = (uint)(dimensions * Math.Pow(rng.NextDouble(), 1.5));
            values[i] = rng.Next(8) == 0 ? 1f : (float)(rng.NextDouble() * 2);
            if (rng.NextDouble() < negativeShare)
            {
                values[i] = -values[i];
            }
        }

        return SparseVector.Create(indices, values);
    }

    private static byte[] Save(SparseInvertedIndex index)
    {
        using var stream = new MemoryStream();
        index.Save(stream);
        return stream.ToArray();
    }

    private static SparseInvertedIndex RoundTrip(SparseInvertedIndex index) =>
        SparseInvertedIndex.Load(new MemoryStream(Save(index)));
}
