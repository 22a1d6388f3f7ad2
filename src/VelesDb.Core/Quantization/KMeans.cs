using VelesDb.Core.Distance;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Quantization;

/// <summary>
/// k-means clustering under squared euclidean distance: k-means++ seeding (D² sampling), then
/// Lloyd iterations until the assignments stop changing or the iteration budget runs out.
/// </summary>
/// <remarks>
/// <para>
/// Deterministic: the same data, k and seed give bit-identical centroids for any thread count.
/// Only the assignment step and the seeding's distance updates run in parallel, and each point's
/// result there is independent of the others; the centroid means are summed sequentially in point
/// order, the D² total per fixed block of points and then block by block, and distances come from
/// <see cref="CodebookKernels"/>, whose results do not depend on addresses.
/// </para>
/// <para>
/// An empty cluster is re-seeded by splitting the currently largest one: the empty centroid moves
/// next to the largest cluster's centroid, displaced by a small seeded random offset, and the next
/// assignment step divides that cluster between the two. The largest cluster's own centroid is left
/// where it is, so a split never increases the error of the current assignment.
/// </para>
/// </remarks>
internal static class KMeans
{
    /// <summary>Fewer points than this per chunk are not worth handing to another thread.</summary>
    internal const int MinPointsPerChunk = 512;

    /// <summary>Chunks per thread, so a thread that is slowed down does not hold the others up.</summary>
    private const int ChunksPerThread = 4;

    /// <summary>Points per block of the k-means++ D² sums.</summary>
    private const int SeedBlock = 1024;

    /// <summary>Relative size of the offset that separates a split centroid from its parent.</summary>
    private const float SplitEpsilon = 1f / 1024;

    /// <summary>
    /// Clusters <paramref name="count"/> points of <paramref name="dim"/> floats (row-major in
    /// <paramref name="data"/>) into <paramref name="k"/> centroids.
    /// </summary>
    /// <param name="data">At least count × dim floats; the first count × dim are the points.</param>
    /// <param name="count">Number of points; at least <paramref name="k"/>.</param>
    /// <param name="dim">Floats per point.</param>
    /// <param name="k">Number of centroids, at least 1.</param>
    /// <param name="iterations">Maximum Lloyd iterations; 0 returns the k-means++ seeds.</param>
    /// <param name="seed">Seed of the k-means++ sampling and of split offsets.</param>
    /// <param name="maxThreads">Upper bound on threads used for the assignment step and the seeding distances.</param>
    /// <returns>k × dim centroids, row-major.</returns>
    /// <exception cref="VelesDbException">
    /// VELES-028 for a k, dim, iteration count or thread count out of range; VELES-029 when there are
    /// fewer points than centroids, <paramref name="data"/> is too short, or a value is NaN or infinite.
    /// </exception>
    /// <remarks>
    /// Copies the points once so that worker threads can read them, and once more, coordinate-major,
    /// while seeding: peak memory is about three times the input.
    /// </remarks>
    public static float[] Train(ReadOnlySpan<float> data, int count, int dim, int k, int iterations, int seed, int maxThreads)
    {
        if (k < 1 || dim < 1 || iterations < 0 || maxThreads < 1)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.InvalidQuantizerConfig,
                $"k-means needs k >= 1, dim >= 1, iterations >= 0 and maxThreads >= 1; got k = {k}, dim = {dim}, iterations = {iterations}, maxThreads = {maxThreads}.");
        }

        var floats = (long)count * dim;
        if (count < k || floats > data.Length || floats > Array.MaxLength)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.TrainingFailed,
                $"k-means with k = {k} needs at least {k} points of {dim} floats; got count = {count} and {data.Length} floats. Provide more points or lower k.");
        }

        var points = data[..(int)floats].ToArray();
        for (var i = 0; i < points.Length; i++)
        {
            if (!float.IsFinite(points[i]))
            {
                ThrowHelper.Throw(
                    VelesDbErrorCode.TrainingFailed,
                    $"k-means point {i / dim} has a NaN or infinite value at coordinate {i % dim}; remove or fix it before training.");
            }
        }

        return TrainOwned(points, count, dim, k, iterations, seed, maxThreads);
    }

    /// <summary>
    /// The index of the centroid nearest to <paramref name="x"/> in squared euclidean distance
    /// (lowest index on a tie). <paramref name="centroids"/> holds k rows of x.Length floats.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-004 when centroids is not k × x.Length floats.</exception>
    public static int Nearest(ReadOnlySpan<float> centroids, int k, ReadOnlySpan<float> x)
    {
        var dim = x.Length;
        if (k < 1 || (long)k * dim != centroids.Length)
        {
            ThrowHelper.DimensionMismatch(k * dim, centroids.Length);
        }

        var best = 0;
        var bestDistance = float.PositiveInfinity;
        for (var c = 0; c < k; c++)
        {
            var distance = VectorKernels.SquaredL2(x, centroids.Slice(c * dim, dim));
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = c;
            }
        }

        return best;
    }

    /// <summary>
    /// <see cref="Train"/> over an array the caller hands over (not copied, not modified, not
    /// validated: finite values, count ≥ k).
    /// </summary>
    internal static float[] TrainOwned(float[] points, int count, int dim, int k, int iterations, int seed, int maxThreads)
    {
        var random = new Random(seed);
        var centroids = SeedPlusPlus(points, count, dim, k, random, maxThreads);
        Lloyd(points, count, dim, k, centroids, iterations, random, maxThreads);
        return centroids;
    }

    /// <summary>
    /// Continues Lloyd iterations from <paramref name="centroids"/> (k × dim, updated in place), for
    /// warm starts. Never increases the total squared error except by the rounding of float sums.
    /// </summary>
    /// <returns>The number of iterations run.</returns>
    internal static int Refine(float[] points, int count, int dim, int k, float[] centroids, int iterations, int seed, int maxThreads) =>
        Lloyd(points, count, dim, k, centroids, iterations, new Random(seed), maxThreads);

    /// <summary>
    /// Runs <paramref name="body"/>(chunk, start, end) over contiguous chunks of [0, count), each at
    /// least <paramref name="minPerChunk"/> items long, on up to <paramref name="maxThreads"/> threads,
    /// and returns the sum of its results, added in chunk order.
    /// </summary>
    internal static long ForChunks(int count, int maxThreads, int minPerChunk, Func<int, int, int, long> body)
    {
        var chunks = (int)Math.Clamp(Math.Min((long)maxThreads * ChunksPerThread, count / minPerChunk), 1, int.MaxValue);
        if (chunks == 1 || maxThreads == 1)
        {
            return body(0, 0, count);
        }

        var results = new long[chunks];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, chunk =>
        {
            var start = (int)((long)count * chunk / chunks);
            var end = (int)((long)count * (chunk + 1) / chunks);
            results[chunk] = body(chunk, start, end);
        });

        long total = 0;
        foreach (var r in results)
        {
            total += r;
        }

        return total;
    }

    private static float[] SeedPlusPlus(float[] points, int count, int dim, int k, Random random, int maxThreads)
    {
        // The points coordinate-major, so the distances from all of them to a new centroid come
        // from the one-to-many kernel (one SIMD lane per point) instead of one call per point.
        var transposed = new float[count * dim];
        CodebookKernels.Transpose(points, count, dim, transposed);
        var centroids = new float[k * dim];
        var nearest = new float[count];
        var scratch = new float[count];
        Array.Fill(nearest, float.PositiveInfinity);

        // D² sums per fixed block of points: the blocks do not depend on the thread count, so
        // neither do the sums, and a sample walks the block sums before the points of one block.
        var blockSums = new double[(count + SeedBlock - 1) / SeedBlock];
        var chosen = random.Next(count);
        for (var c = 0; ; c++)
        {
            points.AsSpan(chosen * dim, dim).CopyTo(centroids.AsSpan(c * dim, dim));
            if (c == k - 1)
            {
                return centroids;
            }

            var row = c * dim;
            ForChunks(blockSums.Length, maxThreads, 1, (_, firstBlock, endBlock) =>
            {
                var start = firstBlock * SeedBlock;
                var end = Math.Min(endBlock * SeedBlock, count);
                CodebookKernels.SquaredDistances(
                    transposed.AsSpan(start), count, end - start, centroids.AsSpan(row, dim), scratch.AsSpan(start, end - start));
                for (var block = firstBlock; block < endBlock; block++)
                {
                    var sum = 0d;
                    for (var i = block * SeedBlock; i < Math.Min((block + 1) * SeedBlock, count); i++)
                    {
                        if (scratch[i] < nearest[i])
                        {
                            nearest[i] = scratch[i];
                        }

                        sum += nearest[i];
                    }

                    blockSums[block] = sum;
                }

                return 0;
            });

            chosen = SampleBySquaredDistance(nearest, blockSums, random);
        }
    }

    /// <summary>
    /// Picks index i with probability nearest[i] / Σ nearest (uniformly when all are 0), walking
    /// the per-block sums first.
    /// </summary>
    private static int SampleBySquaredDistance(float[] nearest, double[] blockSums, Random random)
    {
        var total = 0d;
        foreach (var sum in blockSums)
        {
            total += sum;
        }

        if (!(total > 0) || double.IsInfinity(total))
        {
            // Every point coincides with a chosen centroid: the duplicate becomes an empty cluster
            // that the first Lloyd update splits.
            return random.Next(nearest.Length);
        }

        var target = random.NextDouble() * total;
        var cumulative = 0d;
        var last = -1;
        for (var block = 0; block < blockSums.Length; block++)
        {
            if (cumulative + blockSums[block] <= target)
            {
                cumulative += blockSums[block];
                continue;
            }

            // Rounding may leave the walk inside the block just short of the target; it then
            // carries on into the next block.
            for (var i = block * SeedBlock; i < Math.Min((block + 1) * SeedBlock, nearest.Length); i++)
            {
                if (nearest[i] > 0)
                {
                    cumulative += nearest[i];
                    last = i;
                    if (cumulative > target)
                    {
                        return i;
                    }
                }
            }
        }

        if (last < 0)
        {
            // The target fell past every block by rounding: take the last point with weight.
            last = nearest.Length - 1;
            while (last > 0 && !(nearest[last] > 0))
            {
                last--;
            }
        }

        return last;
    }

    private static int Lloyd(float[] points, int count, int dim, int k, float[] centroids, int iterations, Random random, int maxThreads)
    {
        var assignment = new int[count];
        Array.Fill(assignment, -1);
        var transposed = new float[k * dim];
        var sums = new double[k * dim];
        var sizes = new int[k];
        var spread = -1f;
        var iteration = 0;
        while (iteration < iterations)
        {
            CodebookKernels.Transpose(centroids, k, dim, transposed);
            var changed = ForChunks(count, maxThreads, MinPointsPerChunk, (_, start, end) =>
            {
                Span<float> distances = k <= 256 ? stackalloc float[256] : new float[k];
                distances = distances[..k];
                var moved = 0L;
                for (var i = start; i < end; i++)
                {
                    CodebookKernels.SquaredDistances(transposed, k, points.AsSpan(i * dim, dim), distances);
                    var best = CodebookKernels.ArgMin(distances);
                    if (assignment[i] != best)
                    {
                        assignment[i] = best;
                        moved++;
                    }
                }

                return moved;
            });

            if (changed == 0)
            {
                break;
            }

            iteration++;
            Array.Clear(sums);
            Array.Clear(sizes);
            for (var i = 0; i < count; i++)
            {
                var c = assignment[i];
                sizes[c]++;
                var sum = sums.AsSpan(c * dim, dim);
                var point = points.AsSpan(i * dim, dim);
                for (var d = 0; d < dim; d++)
                {
                    sum[d] += point[d];
                }
            }

            for (var c = 0; c < k; c++)
            {
                if (sizes[c] > 0)
                {
                    var inverse = 1d / sizes[c];
                    for (var d = 0; d < dim; d++)
                    {
                        centroids[(c * dim) + d] = (float)(sums[(c * dim) + d] * inverse);
                    }
                }
            }

            for (var c = 0; c < k; c++)
            {
                if (sizes[c] == 0)
                {
                    if (spread < 0)
                    {
                        spread = Spread(points, count, dim);
                    }

                    Split(centroids, sizes, dim, c, spread, random);
                }
            }
        }

        return iteration;
    }

    /// <summary>Moves empty centroid <paramref name="empty"/> next to the largest cluster's centroid.</summary>
    private static void Split(float[] centroids, int[] sizes, int dim, int empty, float spread, Random random)
    {
        var largest = 0;
        for (var c = 1; c < sizes.Length; c++)
        {
            if (sizes[c] > sizes[largest])
            {
                largest = c;
            }
        }

        var source = centroids.AsSpan(largest * dim, dim);
        var target = centroids.AsSpan(empty * dim, dim);
        for (var d = 0; d < dim; d++)
        {
            var offset = SplitEpsilon * (MathF.Abs(source[d]) + spread) * (float)((random.NextDouble() * 2) - 1);
            target[d] = source[d] + offset;
        }

        // Count half of the largest cluster as moved, so several empty clusters split different ones.
        sizes[empty] = sizes[largest] / 2;
        sizes[largest] -= sizes[empty];
    }

    /// <summary>The root mean square deviation of one coordinate from its mean, over all coordinates.</summary>
    private static float Spread(float[] points, int count, int dim)
    {
        var mean = new double[dim];
        for (var i = 0; i < count; i++)
        {
            for (var d = 0; d < dim; d++)
            {
                mean[d] += points[(i * dim) + d];
            }
        }

        for (var d = 0; d < dim; d++)
        {
            mean[d] /= count;
        }

        var squares = 0d;
        for (var i = 0; i < count; i++)
        {
            for (var d = 0; d < dim; d++)
            {
                var e = points[(i * dim) + d] - mean[d];
                squares += e * e;
            }
        }

        return (float)Math.Sqrt(squares / ((double)count * dim));
    }
}
