using VelesDb.Core.Errors;
using VelesDb.Core.Quantization;

namespace VelesDb.Core.Tests.Quantization;

public class KMeansTests
{
    private static float[] BlobCenters(int clusters, int dim)
    {
        // Centres 10 apart along distinct axes pairs: far beyond the blobs' spread.
        var centers = new float[clusters * dim];
        for (var c = 0; c < clusters; c++)
        {
            centers[(c * dim) + (c % dim)] = 10f * (1 + (c / dim));
            centers[(c * dim) + ((c + 1) % dim)] = -5f * c;
        }

        return centers;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Train_WellSeparatedBlobs_RecoversCenters(int threads)
    {
        const int Clusters = 5;
        const int Dim = 8;
        var centers = BlobCenters(Clusters, Dim);
        var data = QuantizationTestData.AroundCenters(centers, Clusters, Dim, 1500, 0.1, seed: 3);

        var centroids = KMeans.Train(data, 1500, Dim, Clusters, 25, seed: 11, threads);

        for (var c = 0; c < Clusters; c++)
        {
            var center = centers.AsSpan(c * Dim, Dim);
            var nearest = KMeans.Nearest(centroids, Clusters, center);
            // 300 points of σ = 0.1 per blob: the mean lies within ~0.02 of the centre.
            Assert.True(
                QuantizationTestData.SquaredDistance(center, centroids.AsSpan(nearest * Dim, Dim)) < 0.05 * 0.05,
                $"blob {c} was not recovered");
        }
    }

    [Fact]
    public void Train_SameSeed_IsDeterministicForAnyThreadCount()
    {
        var data = QuantizationTestData.Clustered(3000, 12, clusters: 30, seed: 5, sigma: 0.2);

        var one = KMeans.Train(data, 3000, 12, 16, 10, seed: 9, maxThreads: 1);
        var again = KMeans.Train(data, 3000, 12, 16, 10, seed: 9, maxThreads: 1);
        var parallel = KMeans.Train(data, 3000, 12, 16, 10, seed: 9, maxThreads: 4);
        var otherSeed = KMeans.Train(data, 3000, 12, 16, 10, seed: 10, maxThreads: 1);

        Assert.Equal(one, again);
        Assert.Equal(one, parallel);
        Assert.NotEqual(one, otherSeed);
    }

    [Fact]
    public void Train_KEqualsCount_ReturnsEveryPoint()
    {
        const int Dim = 5;
        var data = QuantizationTestData.Uniform(12, Dim, seed: 2);

        var centroids = KMeans.Train(data, 12, Dim, 12, 10, seed: 1, maxThreads: 1);

        var rows = Enumerable.Range(0, 12).Select(i => string.Join(",", data.AsSpan(i * Dim, Dim).ToArray())).Order();
        var found = Enumerable.Range(0, 12).Select(i => string.Join(",", centroids.AsSpan(i * Dim, Dim).ToArray())).Order();
        Assert.Equal(rows, found);
    }

    [Fact]
    public void Train_DuplicatePoints_SplitsEmptyClustersAndKeepsEveryDistinctPoint()
    {
        // Three distinct points, 20 copies each, and k = 5: two clusters must start empty.
        const int Dim = 4;
        float[][] distinct = [[1, 2, 3, 4], [-1, 0, 5, 2], [7, 7, 7, 7]];
        var data = new float[60 * Dim];
        for (var i = 0; i < 60; i++)
        {
            distinct[i % 3].CopyTo(data, i * Dim);
        }

        var centroids = KMeans.Train(data, 60, Dim, 5, 25, seed: 4, maxThreads: 1);

        Assert.All(centroids, v => Assert.True(float.IsFinite(v)));
        foreach (var point in distinct)
        {
            var nearest = KMeans.Nearest(centroids, 5, point);
            Assert.Equal(point, centroids.AsSpan(nearest * Dim, Dim).ToArray());
        }
    }

    [Fact]
    public void Train_SingleBlobManyCentroids_UsesEveryCentroid()
    {
        // Splits must spread centroids over one blob; none may be left without points.
        const int Dim = 3;
        var data = QuantizationTestData.Clustered(400, Dim, clusters: 1, seed: 8, sigma: 1);

        var centroids = KMeans.Train(data, 400, Dim, 20, 25, seed: 3, maxThreads: 1);

        var used = new HashSet<int>();
        for (var i = 0; i < 400; i++)
        {
            used.Add(KMeans.Nearest(centroids, 20, data.AsSpan(i * Dim, Dim)));
        }

        Assert.Equal(20, used.Count);
    }

    [Fact]
    public void Train_ZeroIterations_ReturnsDistinctSamplePoints()
    {
        const int Dim = 6;
        var data = QuantizationTestData.Uniform(50, Dim, seed: 12);
        var rows = Enumerable.Range(0, 50).Select(i => string.Join(",", data.AsSpan(i * Dim, Dim).ToArray())).ToHashSet();

        var centroids = KMeans.Train(data, 50, Dim, 8, 0, seed: 5, maxThreads: 1);

        var seeds = Enumerable.Range(0, 8).Select(i => string.Join(",", centroids.AsSpan(i * Dim, Dim).ToArray())).ToList();
        Assert.All(seeds, s => Assert.Contains(s, rows));
        Assert.Equal(8, seeds.Distinct().Count());
    }

    [Fact]
    public void Nearest_ReturnsClosestAndLowestIndexOnTie()
    {
        float[] centroids = [0, 0, 4, 4, 2, 2, 2, 2];

        Assert.Equal(0, KMeans.Nearest(centroids, 4, [0.5f, -1f]));
        Assert.Equal(1, KMeans.Nearest(centroids, 4, [3.9f, 5f]));
        Assert.Equal(2, KMeans.Nearest(centroids, 4, [2f, 2.1f]));
    }

    [Fact]
    public void Nearest_CentroidsNotKTimesDim_ThrowsDimensionMismatch()
    {
        var ex = Assert.Throws<VelesDbException>(() => KMeans.Nearest(new float[7], 4, [1f, 2f]));
        Assert.Equal(VelesDbErrorCode.DimensionMismatch, ex.Code);
    }

    [Fact]
    public void Train_InvalidInput_ThrowsWithCode()
    {
        var data = QuantizationTestData.Uniform(10, 2, seed: 1);

        Assert.Equal(VelesDbErrorCode.TrainingFailed, Assert.Throws<VelesDbException>(() => KMeans.Train(data, 10, 2, 11, 5, 1, 1)).Code);
        Assert.Equal(VelesDbErrorCode.TrainingFailed, Assert.Throws<VelesDbException>(() => KMeans.Train(data, 11, 2, 3, 5, 1, 1)).Code);
        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, Assert.Throws<VelesDbException>(() => KMeans.Train(data, 10, 2, 0, 5, 1, 1)).Code);
        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, Assert.Throws<VelesDbException>(() => KMeans.Train(data, 10, 2, 3, 5, 1, 0)).Code);
        data[7] = float.NaN;
        var ex = Assert.Throws<VelesDbException>(() => KMeans.Train(data, 10, 2, 3, 5, 1, 1));
        Assert.Equal(VelesDbErrorCode.TrainingFailed, ex.Code);
        Assert.Contains("point 3", ex.Message);
    }
}
