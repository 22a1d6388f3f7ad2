using VelesDb.Core.Distance;
using VelesDb.Core.Index.Hnsw;
using VelesDb.Core.Index.Hnsw.Spaces;

namespace VelesDb.Core.Tests.Index;

public class HnswIndexTests
{
    /// <summary>Gaussian clusters: the shape real embeddings have, and harder than uniform noise for recall.</summary>
    internal static float[][] Clustered(int n, int dim, int seed, int clusters = 20)
    {
        var rng = new Random(seed);
        var centers = new float[clusters][];
        for (var c = 0; c < clusters; c++)
        {
            centers[c] = new float[dim];
            for (var j = 0; j < dim; j++)
            {
                centers[c][j] = (float)((rng.NextDouble() * 2) - 1);
            }
        }

        var data = new float[n][];
        for (var i = 0; i < n; i++)
        {
            var center = centers[rng.Next(clusters)];
            data[i] = new float[dim];
            for (var j = 0; j < dim; j++)
            {
                // Box-Muller normal noise around the cluster centre.
                var g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                data[i][j] = center[j] + (float)(0.15 * g);
            }
        }

        return data;
    }

    internal static int[] BruteForce<TDistance>(float[][] data, float[] query, int k, Func<int, bool>? accept = null)
        where TDistance : struct, IDistance =>
        Enumerable.Range(0, data.Length)
            .Where(i => data[i] is not null && (accept is null || accept(i)))
            .Select(i => (i, d: TDistance.Distance(data[i], query)))
            .OrderBy(x => x.d).ThenBy(x => x.i)
            .Take(k).Select(x => x.i).ToArray();

    private static double Recall<TDistance>(HnswIndex<FullSpace<TDistance>> index, float[][] data, float[][] queries, int k, int ef)
        where TDistance : struct, IDistance
    {
        var found = 0;
        var distances = new float[k];
        var labels = new int[k];
        foreach (var q in queries)
        {
            var n = index.Search(q, k, ef, null, distances, labels);
            var truth = BruteForce<TDistance>(data, q, k).ToHashSet();
            found += labels.AsSpan(0, n).ToArray().Count(truth.Contains);
        }

        return (double)found / (queries.Length * k);
    }

    [Fact]
    public void Search_ClusteredData_RecallAtLeast95PercentAtEf128()
    {
        var data = Clustered(5000, 32, 1);
        var queries = Clustered(100, 32, 2);
        using var index = new HnswIndex<FullSpace<EuclideanDistance>>(new FullSpace<EuclideanDistance>(32, false), new HnswParameters(16, 200));
        for (var i = 0; i < data.Length; i++)
        {
            index.Add(i, data[i]);
        }

        Assert.Empty(index.CheckIntegrity());
        var recall = Recall(index, data, queries, 10, 128);
        Assert.True(recall >= 0.95, $"recall@10 = {recall}");
    }

    [Fact]
    public void AddBatchParallel_BuildsSoundGraph_WithSameRecall()
    {
        var data = Clustered(6000, 24, 3);
        var queries = Clustered(100, 24, 4);
        using var index = new HnswIndex<FullSpace<EuclideanDistance>>(new FullSpace<EuclideanDistance>(24, false), new HnswParameters(16, 200));
        var labels = Enumerable.Range(0, data.Length).ToArray();
        index.AddBatchParallel(labels, i => data[i], 4);
        Assert.Equal(data.Length, index.LiveCount);
        Assert.Empty(index.CheckIntegrity());
        var recall = Recall(index, data, queries, 10, 128);
        Assert.True(recall >= 0.95, $"recall@10 = {recall}");
    }

    [Fact]
    public void Cosine_WithNormalisation_MatchesCosineOracle()
    {
        var data = Clustered(3000, 16, 5);
        var queries = Clustered(50, 16, 6);
        using var index = new HnswIndex<FullSpace<DotProductDistance>>(new FullSpace<DotProductDistance>(16, true), new HnswParameters(16, 200));
        for (var i = 0; i < data.Length; i++)
        {
            index.Add(i, data[i]);
        }

        var found = 0;
        var d = new float[10];
        var l = new int[10];
        foreach (var q in queries)
        {
            index.Search(q, 10, 128, null, d, l);
            var truth = BruteForce<CosineDistance>(data, q, 10).ToHashSet();
            found += l.Count(truth.Contains);
        }

        Assert.True(found >= 0.95 * queries.Length * 10, $"found {found}");
    }

    [Fact]
    public void Remove_TombstonedLabels_NeverReturned_ReplaceUsesNewVector()
    {
        var data = Clustered(2000, 8, 7);
        using var index = new HnswIndex<FullSpace<EuclideanDistance>>(new FullSpace<EuclideanDistance>(8, false), new HnswParameters(8, 100));
        for (var i = 0; i < data.Length; i++)
        {
            index.Add(i, data[i]);
        }

        for (var i = 0; i < data.Length; i += 2)
        {
            index.Remove(i);
        }

        Assert.Equal(1000, index.LiveCount);
        Assert.Equal(0.5, index.TombstoneRatio, 3);
        var d = new float[20];
        var l = new int[20];
        for (var q = 0; q < 20; q++)
        {
            var n = index.Search(data[q * 7], 20, 64, null, d, l);
            Assert.Equal(20, n);
            Assert.All(l, label => Assert.Equal(1, label % 2));
        }

        // Re-adding label 1 with a far-away vector: searching there finds it, once.
        var far = Enumerable.Repeat(50f, 8).ToArray();
        index.Add(1, far);
        var m = index.Search(far, 3, 64, null, d, l);
        Assert.Equal(1, l[0]);
        Assert.Equal(0f, d[0]);
        Assert.Single(l.AsSpan(0, m).ToArray(), x => x == 1);
        Assert.Empty(index.CheckIntegrity());
    }

    [Fact]
    public void Search_WithAcceptFilter_ReturnsOnlyAcceptedLabels()
    {
        var data = Clustered(3000, 8, 9);
        using var index = new HnswIndex<FullSpace<EuclideanDistance>>(new FullSpace<EuclideanDistance>(8, false), new HnswParameters(12, 100));
        for (var i = 0; i < data.Length; i++)
        {
            index.Add(i, data[i]);
        }

        var d = new float[10];
        var l = new int[10];
        var n = index.Search(data[5], 10, 200, label => label % 3 == 0, d, l);
        Assert.Equal(10, n);
        Assert.All(l, label => Assert.Equal(0, label % 3));
        var truth = BruteForce<EuclideanDistance>(data, data[5], 10, i => i % 3 == 0);
        Assert.True(l.Intersect(truth).Count() >= 9);
    }

    [Fact]
    public void EmptyIndex_SearchReturnsNothing()
    {
        using var index = new HnswIndex<FullSpace<EuclideanDistance>>(new FullSpace<EuclideanDistance>(4, false), new HnswParameters(8, 50));
        Assert.Equal(0, index.Search(new float[4], 5, 10, null, new float[5], new int[5]));
        Assert.Empty(index.CheckIntegrity());
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(300, 100)]
    [InlineData(16, 0)]
    public void Parameters_OutOfRange_ThrowConfig(int m, int ef)
    {
        Assert.Equal(Errors.VelesDbErrorCode.Config, Assert.Throws<Errors.VelesDbException>(() => new HnswParameters(m, ef).Validate()).Code);
    }

    [Fact]
    public void Parameters_Auto_FollowsDimensionRule()
    {
        Assert.Equal(new HnswParameters(24, 300), HnswParameters.Auto(256));
        Assert.Equal(new HnswParameters(32, 400), HnswParameters.Auto(257));
    }
}
