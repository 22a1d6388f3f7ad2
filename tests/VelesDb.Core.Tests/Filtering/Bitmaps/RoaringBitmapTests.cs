using VelesDb.Core.Filtering.Bitmaps;

namespace VelesDb.Core.Tests.Filtering.Bitmaps;

public class RoaringBitmapTests
{
    private const int Chunk = 65536;

    private static void AssertSame(SortedSet<int> expected, RoaringBitmap actual)
    {
        Assert.Null(actual.Validate());
        Assert.Equal(expected.Count, actual.Cardinality);
        Assert.Equal(expected.Count == 0, actual.IsEmpty);
        Assert.Equal(expected, actual.ToArray());
        var enumerated = new List<int>();
        foreach (var value in actual)
        {
            enumerated.Add(value);
        }

        Assert.Equal(expected, enumerated);
        Assert.Equal(expected, ((IEnumerable<int>)actual).ToList());
    }

    /// <summary>Values drawn from one of several shapes so every container kind and boundary is hit.</summary>
    private static int NextValue(Random random, int shape) => shape switch
    {
        // sparse over the whole non-negative range
        0 => random.Next(0, int.MaxValue) + random.Next(0, 2),
        // dense within two chunks (bitmap containers once > 4096 per chunk)
        1 => random.Next(0, 2 * Chunk),
        // around the 16-bit boundaries and the top of the range
        2 => random.Next(4) switch
        {
            0 => Chunk - 8 + random.Next(16),
            1 => (2 * Chunk) - 8 + random.Next(16),
            2 => int.MaxValue - random.Next(16),
            _ => random.Next(16),
        },
        // mid-density in one chunk: hovers around the 4096 threshold
        _ => (5 * Chunk) + random.Next(0, 8200),
    };

    private static (RoaringBitmap Bitmap, SortedSet<int> Set) RandomPair(Random random, int shape, int count)
    {
        var bitmap = new RoaringBitmap();
        var set = new SortedSet<int>();
        for (var i = 0; i < count; i++)
        {
            var value = NextValue(random, shape);
            Assert.Equal(set.Add(value), bitmap.Add(value));
        }

        return (bitmap, set);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AddRemoveContains_RandomOperations_MatchSortedSet(int shape)
    {
        var random = new Random(100 + shape);
        var bitmap = new RoaringBitmap();
        var set = new SortedSet<int>();
        for (var step = 0; step < 40_000; step++)
        {
            var value = NextValue(random, shape);
            switch (random.Next(10))
            {
                case < 6:
                    Assert.Equal(set.Add(value), bitmap.Add(value));
                    break;
                case < 9:
                    Assert.Equal(set.Remove(value), bitmap.Remove(value));
                    break;
                default:
                    Assert.Equal(set.Contains(value), bitmap.Contains(value));
                    break;
            }

            if (step % 5000 == 0)
            {
                AssertSame(set, bitmap);
            }
        }

        AssertSame(set, bitmap);
        foreach (var value in set)
        {
            Assert.True(bitmap.Contains(value));
        }

        for (var i = 0; i < 2000; i++)
        {
            var probe = NextValue(random, shape);
            Assert.Equal(set.Contains(probe), bitmap.Contains(probe));
        }

        // Drain everything: containers disappear as they empty.
        foreach (var value in set.ToArray())
        {
            Assert.True(bitmap.Remove(value));
        }

        Assert.True(bitmap.IsEmpty);
        Assert.Equal(0, bitmap.ContainerCount);
        Assert.Null(bitmap.Validate());
    }

    [Fact]
    public void Add_Past4096InChunk_ConvertsToBitmapAndBackOnRemove()
    {
        var bitmap = new RoaringBitmap();
        var key = 3;
        var baseValue = key * Chunk;
        for (var i = 0; i < RoaringBitmap.ArrayMaxCardinality; i++)
        {
            Assert.True(bitmap.Add(baseValue + (i * 16)));
        }

        Assert.False(bitmap.IsBitmapContainer(key));
        Assert.False(bitmap.Add(baseValue)); // a repeat at the threshold does not convert
        Assert.False(bitmap.IsBitmapContainer(key));
        Assert.True(bitmap.Add(baseValue + 1));
        Assert.True(bitmap.IsBitmapContainer(key));
        Assert.Equal(4097, bitmap.Cardinality);
        Assert.True(bitmap.Contains(baseValue + 1));
        Assert.True(bitmap.Contains(baseValue + (4095 * 16)));
        Assert.False(bitmap.Contains(baseValue + 2));
        Assert.Null(bitmap.Validate());

        Assert.False(bitmap.Remove(baseValue + 2));
        Assert.True(bitmap.IsBitmapContainer(key));
        Assert.True(bitmap.Remove(baseValue + 16));
        Assert.False(bitmap.IsBitmapContainer(key));
        Assert.Equal(4096, bitmap.Cardinality);
        Assert.False(bitmap.Contains(baseValue + 16));
        Assert.True(bitmap.Contains(baseValue + 1));
        Assert.Null(bitmap.Validate());
        Assert.Null(bitmap.IsBitmapContainer(key + 1));

        var expected = new SortedSet<int>(Enumerable.Range(0, 4096).Select(i => baseValue + (i * 16))) { baseValue + 1 };
        expected.Remove(baseValue + 16);
        AssertSame(expected, bitmap);
    }

    [Fact]
    public void FullChunk_AllValuesPresentAndEnumerated()
    {
        var bitmap = new RoaringBitmap();
        for (var v = Chunk; v < 2 * Chunk; v++)
        {
            bitmap.Add(v);
        }

        Assert.True(bitmap.IsBitmapContainer(1));
        Assert.Equal(Chunk, bitmap.Cardinality);
        Assert.False(bitmap.Contains(Chunk - 1));
        Assert.False(bitmap.Contains(2 * Chunk));
        AssertSame(new SortedSet<int>(Enumerable.Range(Chunk, Chunk)), bitmap);
    }

    [Fact]
    public void Boundaries_ValuesAroundChunkEdgesAndIntMax()
    {
        int[] values = [0, 1, 63, 64, 65535, 65536, 65537, 131071, 131072, int.MaxValue - 65536, int.MaxValue - 1, int.MaxValue];
        var bitmap = new RoaringBitmap();
        foreach (var value in values.Reverse())
        {
            Assert.True(bitmap.Add(value));
        }

        AssertSame(new SortedSet<int>(values), bitmap);
        Assert.True(bitmap.Contains(int.MaxValue));
        Assert.False(bitmap.Contains(int.MaxValue - 2));
        Assert.False(bitmap.Contains(2));
        Assert.True(bitmap.Remove(int.MaxValue));
        Assert.False(bitmap.Contains(int.MaxValue));
        Assert.True(bitmap.Contains(int.MaxValue - 1));
    }

    [Fact]
    public void NegativeValues_RejectedOnAddAbsentOtherwise()
    {
        var bitmap = new RoaringBitmap();
        Assert.Throws<ArgumentOutOfRangeException>(() => bitmap.Add(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => bitmap.Add(int.MinValue));
        bitmap.Add(0);
        Assert.False(bitmap.Contains(-1));
        Assert.False(bitmap.Contains(int.MinValue));
        Assert.False(bitmap.Remove(-65536));
        Assert.Equal(1, bitmap.Cardinality);
    }

    [Fact]
    public void Enumerator_AscendingAcrossMixedContainersAndResets()
    {
        var random = new Random(7);
        var (bitmap, set) = RandomPair(random, 1, 20_000); // dense chunks 0 and 1
        foreach (var value in new[] { 3 * Chunk, (3 * Chunk) + 5, int.MaxValue })
        {
            bitmap.Add(value);
            set.Add(value);
        }

        Assert.True(bitmap.IsBitmapContainer(0));
        Assert.False(bitmap.IsBitmapContainer(3));
        AssertSame(set, bitmap);

        var enumerator = bitmap.GetEnumerator();
        Assert.True(enumerator.MoveNext());
        var first = enumerator.Current;
        while (enumerator.MoveNext())
        {
        }

        Assert.False(enumerator.MoveNext());
        Assert.Equal(int.MaxValue, enumerator.Current);
        enumerator.Reset();
        Assert.True(enumerator.MoveNext());
        Assert.Equal(first, enumerator.Current);
        Assert.Equal(set.Min, first);

        Assert.Empty(new RoaringBitmap());
    }

    public static TheoryData<int, int, int, int> OperandShapes()
    {
        var data = new TheoryData<int, int, int, int>();
        int[] counts = [50, 3000, 12_000];
        foreach (var shapeA in new[] { 0, 1, 2, 3 })
        {
            foreach (var shapeB in new[] { 1, 2, 3 })
            {
                foreach (var countA in counts)
                {
                    data.Add(shapeA, countA, shapeB, counts[(countA + shapeB) % counts.Length]);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OperandShapes))]
    public void SetAlgebra_RandomMixedContainers_MatchesSortedSet(int shapeA, int countA, int shapeB, int countB)
    {
        var random = new Random((shapeA * 1000) + countA + (shapeB * 7) + countB);
        var (a, setA) = RandomPair(random, shapeA, countA);
        var (b, setB) = RandomPair(random, shapeB, countB);

        var and = new SortedSet<int>(setA);
        and.IntersectWith(setB);
        var or = new SortedSet<int>(setA);
        or.UnionWith(setB);
        var andNotAb = new SortedSet<int>(setA);
        andNotAb.ExceptWith(setB);
        var andNotBa = new SortedSet<int>(setB);
        andNotBa.ExceptWith(setA);

        AssertSame(and, RoaringBitmap.And(a, b));
        AssertSame(and, RoaringBitmap.And(b, a));
        AssertSame(or, RoaringBitmap.Or(a, b));
        AssertSame(or, RoaringBitmap.Or(b, a));
        AssertSame(andNotAb, RoaringBitmap.AndNot(a, b));
        AssertSame(andNotBa, RoaringBitmap.AndNot(b, a));

        // Inputs untouched.
        AssertSame(setA, a);
        AssertSame(setB, b);

        var inPlace = a.Clone();
        inPlace.OrWith(b);
        AssertSame(or, inPlace);
        inPlace = a.Clone();
        inPlace.AndWith(b);
        AssertSame(and, inPlace);
        inPlace = a.Clone();
        inPlace.AndNotWith(b);
        AssertSame(andNotAb, inPlace);
        AssertSame(setA, a);
        AssertSame(setB, b);
    }

    [Fact]
    public void SetAlgebra_ContainerKindsOfResultsAreNormalised()
    {
        // Two 3000-value arrays in one chunk: union > 4096 -> bitmap; intersection small -> array.
        var a = RoaringBitmap.FromSorted(Enumerable.Range(0, 3000).Select(i => i * 2).ToArray());
        var b = RoaringBitmap.FromSorted(Enumerable.Range(0, 3000).Select(i => (i * 2) + 1).ToArray());
        var or = RoaringBitmap.Or(a, b);
        Assert.True(or.IsBitmapContainer(0));
        Assert.Equal(6000, or.Cardinality);
        Assert.Empty(RoaringBitmap.And(a, b));
        Assert.Equal(0, RoaringBitmap.And(a, b).ContainerCount);

        // Overlapping arrays whose sizes add past 4096 but whose union does not -> stays an array.
        var c = RoaringBitmap.FromSorted(Enumerable.Range(0, 3000).ToArray());
        var d = RoaringBitmap.FromSorted(Enumerable.Range(1000, 3000).ToArray());
        var cd = RoaringBitmap.Or(c, d);
        Assert.False(cd.IsBitmapContainer(0));
        Assert.Equal(4000, cd.Cardinality);
        Assert.Null(cd.Validate());

        // bitmap AND bitmap with a small overlap -> array; bitmap ANDNOT bitmap down to nothing -> gone.
        var e = RoaringBitmap.FromSorted(Enumerable.Range(0, 10_000).ToArray());
        var f = RoaringBitmap.FromSorted(Enumerable.Range(9_000, 10_000).ToArray());
        var ef = RoaringBitmap.And(e, f);
        Assert.False(ef.IsBitmapContainer(0));
        Assert.Equal(1000, ef.Cardinality);
        Assert.Equal(0, RoaringBitmap.AndNot(e, e).ContainerCount);
        var eMinusArray = RoaringBitmap.AndNot(e, RoaringBitmap.FromSorted(Enumerable.Range(0, 6000).ToArray()));
        Assert.False(eMinusArray.IsBitmapContainer(0));
        Assert.Equal(4000, eMinusArray.Cardinality);
        Assert.Null(eMinusArray.Validate());
    }

    [Fact]
    public void InPlaceOperations_WithItself()
    {
        var random = new Random(3);
        var (a, set) = RandomPair(random, 1, 10_000);
        a.OrWith(a);
        AssertSame(set, a);
        a.AndWith(a);
        AssertSame(set, a);
        a.AndNotWith(a);
        AssertSame([], a);
    }

    [Fact]
    public void Results_ShareNoStorageWithInputs()
    {
        var random = new Random(11);
        var (a, setA) = RandomPair(random, 3, 9000);
        var (b, setB) = RandomPair(random, 2, 40);
        Assert.True(a.IsBitmapContainer(5));
        var removed = setA.Count / 2;
        var or = RoaringBitmap.Or(a, b);
        var andNot = RoaringBitmap.AndNot(a, b);
        var clone = a.Clone();
        foreach (var value in setA.Take(removed).ToArray())
        {
            or.Remove(value);
            andNot.Remove(value);
            clone.Remove(value);
        }

        or.Add(7 * Chunk);
        clone.Add(9 * Chunk);
        AssertSame(setA, a);
        AssertSame(setB, b);
        Assert.Equal(setA.Count - removed + 1, clone.Cardinality);
        Assert.Equal(setA.Count - removed + setB.Except(setA).Count() + 1, or.Cardinality);
    }

    [Fact]
    public void FromSorted_MatchesAddBuiltAndCollapsesRepeats()
    {
        var random = new Random(5);
        foreach (var shape in new[] { 0, 1, 2, 3 })
        {
            var values = Enumerable.Range(0, 15_000).Select(_ => NextValue(random, shape)).Order().ToArray();
            var set = new SortedSet<int>(values);
            var bitmap = RoaringBitmap.FromSorted(values);
            AssertSame(set, bitmap);
            var withRepeats = values.Concat(values).Order().ToArray();
            AssertSame(set, RoaringBitmap.FromSorted(withRepeats));
        }

        var dense = RoaringBitmap.FromSorted(Enumerable.Range(0, 4097).ToArray());
        Assert.True(dense.IsBitmapContainer(0));
        var exactly4096 = RoaringBitmap.FromSorted(Enumerable.Range(0, 4096).SelectMany(v => new[] { v, v }).ToArray());
        Assert.False(exactly4096.IsBitmapContainer(0));
        Assert.Equal(4096, exactly4096.Cardinality);
        Assert.True(RoaringBitmap.FromSorted([]).IsEmpty);
    }

    [Fact]
    public void FromSorted_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => RoaringBitmap.FromSorted([1, 3, 2]));
        Assert.Throws<ArgumentException>(() => RoaringBitmap.FromSorted([5, Chunk + 1, 7]));
        Assert.Throws<ArgumentException>(() => RoaringBitmap.FromSorted([-1, 2]));
        Assert.Throws<ArgumentException>(() => RoaringBitmap.FromSorted([1, 2, -5]));
        Assert.Throws<ArgumentException>(() => RoaringBitmap.FromSorted([Chunk * 2, Chunk]));
    }

    [Fact]
    public void ClearCloneAndMemoryBytes()
    {
        var sparse = RoaringBitmap.FromSorted([1, 2, 3]);
        var dense = RoaringBitmap.FromSorted(Enumerable.Range(0, 20_000).ToArray());
        Assert.True(dense.MemoryBytes >= 8192);
        Assert.True(sparse.MemoryBytes < 1024);
        Assert.True(sparse.MemoryBytes > 0);

        var copy = dense.Clone();
        dense.Clear();
        Assert.True(dense.IsEmpty);
        Assert.Equal(0, dense.Cardinality);
        Assert.Empty(dense.ToArray());
        Assert.False(dense.Contains(5));
        Assert.Null(dense.Validate());
        Assert.Equal(20_000, copy.Cardinality);
        Assert.True(copy.Contains(19_999));

        dense.Add(42);
        AssertSame([42], dense);
    }
}
