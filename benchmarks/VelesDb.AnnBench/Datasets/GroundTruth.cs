using System.Diagnostics;
using VelesDb.Core.Distance;

namespace VelesDb.AnnBench.Datasets;

/// <summary>
/// Exact k-nearest neighbours by brute force with the engine's own L2 kernel
/// (<see cref="EuclideanDistance.Distance"/>, squared L2), parallel over blocks of queries on all cores.
/// Ties are broken by ascending base index so the result is deterministic.
/// </summary>
internal static class GroundTruth
{
    /// <summary>Queries scanned together, so each base row is read from memory once per block, not once per query.</summary>
    private const int QueryBlock = 16;

    public static int[] Compute(float[] baseVectors, int count, float[] queries, int queryCount, int dimension, int k)
    {
        k = Math.Min(k, count);
        var result = new int[queryCount * k];
        var done = 0;
        var watch = Stopwatch.StartNew();
        var blocks = (queryCount + QueryBlock - 1) / QueryBlock;
        var reportEvery = Math.Max(1, blocks / 10);
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, block =>
        {
            var first = block * QueryBlock;
            var size = Math.Min(QueryBlock, queryCount - first);
            var heaps = new MaxHeap[size];
            for (var j = 0; j < size; j++)
            {
                heaps[j] = new MaxHeap(k);
            }

            for (var i = 0; i < count; i++)
            {
                var row = baseVectors.AsSpan(i * dimension, dimension);
                for (var j = 0; j < size; j++)
                {
                    heaps[j].Offer(EuclideanDistance.Distance(queries.AsSpan((first + j) * dimension, dimension), row), i);
                }
            }

            for (var j = 0; j < size; j++)
            {
                heaps[j].DrainAscending(result.AsSpan((first + j) * k, k));
            }

            var finished = Interlocked.Increment(ref done);
            if (finished % reportEvery == 0 || finished == blocks)
            {
                Console.Error.WriteLine($"  ground truth: {Math.Min(finished * QueryBlock, queryCount)}/{queryCount} queries ({watch.Elapsed.TotalSeconds:F1} s)");
            }
        });
        return result;
    }

    /// <summary>A bounded max-heap on (distance, index): the root is the current k-th best.</summary>
    private sealed class MaxHeap(int capacity)
    {
        private readonly float[] _distances = new float[capacity];
        private readonly int[] _indexes = new int[capacity];
        private int _count;

        public void Offer(float distance, int index)
        {
            if (_count < _distances.Length)
            {
                var i = _count++;
                _distances[i] = distance;
                _indexes[i] = index;
                SiftUp(i);
            }
            else if (Worse(_distances[0], _indexes[0], distance, index))
            {
                _distances[0] = distance;
                _indexes[0] = index;
                SiftDown(0);
            }
        }

        /// <summary>Writes the indexes nearest first, emptying the heap.</summary>
        public void DrainAscending(Span<int> target)
        {
            while (_count > 0)
            {
                var last = --_count;
                target[last] = _indexes[0];
                _distances[0] = _distances[last];
                _indexes[0] = _indexes[last];
                SiftDown(0);
            }
        }

        // (d1, i1) ranks after (d2, i2): larger distance, or equal distance and larger index.
        private static bool Worse(float d1, int i1, float d2, int i2) => d1 > d2 || (d1 == d2 && i1 > i2);

        private void SiftUp(int i)
        {
            while (i > 0)
            {
                var parent = (i - 1) / 2;
                if (!Worse(_distances[i], _indexes[i], _distances[parent], _indexes[parent]))
                {
                    return;
                }

                Swap(i, parent);
                i = parent;
            }
        }

        private void SiftDown(int i)
        {
            while (true)
            {
                var left = (2 * i) + 1;
                if (left >= _count)
                {
                    return;
                }

                var right = left + 1;
                var largest = right < _count && Worse(_distances[right], _indexes[right], _distances[left], _indexes[left]) ? right : left;
                if (!Worse(_distances[largest], _indexes[largest], _distances[i], _indexes[i]))
                {
                    return;
                }

                Swap(i, largest);
                i = largest;
            }
        }

        private void Swap(int a, int b)
        {
            (_distances[a], _distances[b]) = (_distances[b], _distances[a]);
            (_indexes[a], _indexes[b]) = (_indexes[b], _indexes[a]);
        }
    }
}
