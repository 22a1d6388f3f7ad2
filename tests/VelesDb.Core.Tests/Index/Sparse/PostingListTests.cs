using VelesDb.Core.Index;

namespace VelesDb.Core.Tests.Index.Sparse;

public class PostingListTests
{
    private static List<(int Row, float Value)> Live(PostingList list)
    {
        var live = new List<(int, float)>();
        for (var i = 0; i < list.PhysicalCount; i++)
        {
            if (!float.IsNaN(list.Values[i]))
            {
                live.Add((list.Rows[i], list.Values[i]));
            }
        }

        return live;
    }

    [Fact]
    public void AddRemove_Randomized_MatchesASortedDictionary()
    {
        var rng = new Random(3);
        var list = new PostingList();
        var reference = new SortedDictionary<int, float>();
        for (var step = 0; step < 20_000; step++)
        {
            var row = rng.Next(500);
            if (rng.Next(3) == 0)
            {
                Assert.Equal(reference.Remove(row), list.Remove(row));
            }
            else if (!reference.ContainsKey(row))
            {
                var value = (float)(rng.NextDouble() * 4) - 2;
                list.Add(row, value);
                reference[row] = value;
            }

            Assert.Equal(reference.Count, list.LiveCount);
        }

        Assert.Equal(reference.Select(p => (p.Key, p.Value)), Live(list));
        var rows = list.Rows.ToArray();
        Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First < p.Second), "rows are strictly ascending");
        Assert.True(reference.Values.All(v => v <= list.MaxValue && v >= list.MinValue));
    }

    [Fact]
    public void Remove_HalfTheEntries_CompactsAndTightensBounds()
    {
        var list = new PostingList();
        for (var row = 0; row < 10; row++)
        {
            list.Add(row, row + 1);
        }

        Assert.Equal(10f, list.MaxValue);
        for (var row = 5; row < 10; row++)
        {
            list.Remove(row);
        }

        Assert.Equal(10, list.PhysicalCount); // 5 of 10 dead: not yet more than half
        Assert.Equal(10f, list.MaxValue); // a stale but valid bound
        list.Remove(4);
        Assert.Equal(4, list.PhysicalCount);
        Assert.Equal(4f, list.MaxValue);
        Assert.Equal(1f, list.MinValue);
    }

    [Fact]
    public void Add_RowWithTombstone_RevivesInPlace()
    {
        var list = new PostingList();
        list.Add(1, 1f);
        list.Add(3, 3f);
        list.Add(5, 5f);
        list.Remove(3);
        list.Add(3, -7f);
        list.Add(2, 2f);

        Assert.Equal([(1, 1f), (2, 2f), (3, -7f), (5, 5f)], Live(list));
        Assert.Equal(-7f, list.MinValue);
    }
}

public class ScoredTopKTests
{
    [Fact]
    public void Offer_Randomized_KeepsTheBestByScoreThenRow()
    {
        var rng = new Random(9);
        for (var trial = 0; trial < 200; trial++)
        {
            var k = rng.Next(1, 20);
            var candidates = Enumerable.Range(0, rng.Next(0, 60))
                .Select(i => (Row: rng.Next(1000), Score: (float)rng.Next(-5, 6)))
                .DistinctBy(c => c.Row)
                .ToArray();
            var heap = new ScoredTopK(k);
            foreach (var (row, score) in candidates)
            {
                heap.Offer(score, row);
            }

            var expected = candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Row).Take(k).ToArray();
            Assert.Equal(expected, heap.DrainSorted());
        }
    }
}
