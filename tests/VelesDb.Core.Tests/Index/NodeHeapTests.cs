using VelesDb.Core.Index.Hnsw;

namespace VelesDb.Core.Tests.Index;

public class NodeHeapTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 7)]
    [InlineData(true, 7)]
    [InlineData(false, 300)]
    [InlineData(true, 300)]
    public void PushesAndPops_InHeapOrder_AgainstASortedList(bool isMax, int seed)
    {
        var rng = new Random(seed);
        var heap = new NodeHeap(isMax);
        var model = new List<(float Distance, int Node)>();
        for (var step = 0; step < 5_000; step++)
        {
            // Pushes outnumber pops, so the heap grows past its initial 64 entries and shrinks again.
            if (model.Count == 0 || rng.Next(5) < 3)
            {
                // Few distinct distances, so ties and negative values (and zero) are exercised.
                var distance = rng.Next(-20, 40) / 4f;
                heap.Push(distance, step);
                model.Add((distance, step));
            }
            else
            {
                var expected = isMax ? model.Max(e => e.Distance) : model.Min(e => e.Distance);
                Assert.Equal(expected, heap.TopDistance);
                var (distance, node) = heap.Pop();
                Assert.Equal(expected, distance);
                Assert.True(model.Remove((distance, node)), $"popped ({distance}, {node}), which was never pushed or was popped already");
            }

            Assert.Equal(model.Count, heap.Count);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DrainAscending_ReturnsEveryEntrySortedAndEmptiesTheHeap(bool isMax)
    {
        var rng = new Random(11);
        var heap = new NodeHeap(isMax);
        var pushed = new List<(float, int)>();
        for (var i = 0; i < 200; i++)
        {
            var distance = (float)rng.NextDouble();
            heap.Push(distance, i);
            pushed.Add((distance, i));
        }

        var distances = new float[200];
        var nodes = new int[200];
        Assert.Equal(200, heap.DrainAscending(distances, nodes));
        Assert.Equal(0, heap.Count);
        Assert.Equal(pushed.OrderBy(p => p.Item1).Select(p => p.Item1), distances);
        Assert.Equal(pushed.OrderBy(p => p.Item1).Select(p => p.Item2), nodes);
    }
}
