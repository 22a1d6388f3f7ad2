using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Quantization;
using VelesDb.Core.Search;
using VelesDb.Core.Storage;
using VelesDb.Core.Tests.Collections;
using VelesDb.Core.Tests.Index;

namespace VelesDb.Core.Tests.Quantization;

/// <summary>Quantized storage modes in the collection search path: codes traversed, candidates re-ranked exactly.</summary>
public class QuantizedSearchTests
{
    private const int Dim = 32;

    private static VelesDatabase Open(TempDirectory dir) => VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });

    private static Collection Fill(VelesDatabase db, string name, DistanceMetric metric, StorageMode mode, float[][] data)
    {
        var c = db.CreateCollection(name, Dim, metric, mode);
        for (var start = 0; start < data.Length; start += 500)
        {
            c.Upsert([.. Enumerable.Range(start, Math.Min(500, data.Length - start)).Select(i => Point.WithJson((ulong)i, data[i], $$"""{"i":{{i}}}"""))]);
        }

        return c;
    }

    [Theory]
    [InlineData(StorageMode.SQ8, DistanceMetric.Euclidean, 0.95)]
    [InlineData(StorageMode.SQ8, DistanceMetric.Cosine, 0.95)]
    [InlineData(StorageMode.SQ8, DistanceMetric.DotProduct, 0.85)]
    public void AutoTrainedMode_SearchesCodesAndReranksExactly(StorageMode mode, DistanceMetric metric, double floor)
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        var c = Fill(db, "q", metric, mode, HnswIndexTests.Clustered(3000, Dim, 21));
        Assert.True(c.IsQuantized, "the quantizer trains itself once the collection holds enough points");
        Assert.Empty(c.CheckIndexIntegrity());

        var queries = HnswIndexTests.Clustered(40, Dim, 22);
        var recall = HnswSearchTests.Recall(c, queries, 10, SearchOptions.Default);
        Assert.True(recall >= floor, $"{mode}/{metric}: recall@10 = {recall}");

        // Scores are exact: the same as the exact scan gives for the same id.
        foreach (var q in queries.Take(5))
        {
            var exact = c.Search(q, 50, new SearchOptions { Quality = SearchQuality.Perfect }).ToDictionary(h => h.Id, h => h.Score);
            foreach (var hit in c.Search(q, 10))
            {
                if (exact.TryGetValue(hit.Id, out var score))
                {
                    Assert.Equal(score, hit.Score, 1e-5f); // a tolerance: rounding both to 5 places can split two values 1e-7 apart
                }
            }
        }
    }

    /// <summary>
    /// One bit per dimension keeps the direction of a vector, not its place inside a tight
    /// cluster (on the clustered set every member of a cluster gets nearly the same code, and
    /// recall@10 is about 0.33): binary is for high-dimensional, spread-out embeddings, tested
    /// here with near-duplicate queries over isotropic 128-d data.
    /// </summary>
    [Theory]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.DotProduct)]
    public void Binary_HighDimensionalSpreadData_RecallAfterRerank(DistanceMetric metric)
    {
        const int dim = 128;
        using var dir = new TempDirectory();
        using var db = Open(dir);
        var rng = new Random(17);
        float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        var data = Enumerable.Range(0, 3000).Select(_ => Enumerable.Range(0, dim).Select(_ => Gaussian()).ToArray()).ToArray();
        var c = db.CreateCollection("b", dim, metric, StorageMode.Binary);
        c.Upsert([.. data.Select((v, i) => new Point((ulong)i, v))]);
        Assert.True(c.IsQuantized);
        Assert.Empty(c.CheckIndexIntegrity());
        var queries = data.Take(40).Select(v => v.Select(x => x + (0.3f * Gaussian())).ToArray()).ToArray();
        // The graph finds the near-duplicate (nearly) every time; ranking the rest by 1-bit codes is coarse,
        // and it is the oversampling that buys recall back (measured 0.54-0.68 / 0.77-0.91 /
        // 0.975-0.998 at 4× / 16× / 64×).
        // The parallel build is not deterministic: a graph occasionally misses one of the 40.
        var top1 = queries.Select((q, i) => c.Search(q, 1)[0].Id == (ulong)i ? 1.0 : 0.0).Average();
        Assert.True(top1 >= 0.95, $"{metric}: top-1 finds the near-duplicate for {top1:P0} of the queries");
        var at4 = HnswSearchTests.Recall(c, queries, 10, SearchOptions.Default);
        var at16 = HnswSearchTests.Recall(c, queries, 10, new SearchOptions { RescoreOversampling = 16 });
        var at64 = HnswSearchTests.Recall(c, queries, 10, new SearchOptions { RescoreOversampling = 64 });
        Assert.True(at4 >= 0.45 && at16 >= 0.7 && at64 >= 0.95 && at64 > at4, $"{metric}: recall@10 {at4} / {at16} / {at64} at 4× / 16× / 64×");
    }

    [Fact]
    public void QuantizedIndex_HoldsFewerBytesThanFullPrecision()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        var data = HnswIndexTests.Clustered(3000, Dim * 4, 31);
        long Memory(StorageMode mode)
        {
            var c = db.CreateCollection(mode.ToCanonicalName(), Dim * 4, DistanceMetric.Euclidean, mode);
            c.Upsert([.. data.Select((v, i) => new Point((ulong)i, v))]);
            Assert.Equal(mode != StorageMode.Full, c.IsQuantized);
            return c.IndexMemoryBytes;
        }

        var full = Memory(StorageMode.Full);
        var sq8 = Memory(StorageMode.SQ8);
        var binary = Memory(StorageMode.Binary);
        Assert.True(sq8 < full * 0.7, $"sq8 {sq8} vs full {full}");
        Assert.True(binary < sq8, $"binary {binary} vs sq8 {sq8}");
    }

    [Fact]
    public void BelowTrainingSize_SearchesFullPrecision_ThenSwitchesToCodes()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        var data = HnswIndexTests.Clustered(Collection.AutoTrainPoints, Dim, 41);
        var c = db.CreateCollection("q", Dim, DistanceMetric.Euclidean, StorageMode.SQ8);
        c.Upsert([.. data.Take(Collection.AutoTrainPoints - 1).Select((v, i) => new Point((ulong)i, v))]);
        Assert.False(c.IsQuantized);
        Assert.False(File.Exists(Path.Combine(dir.Path, "q", "quantizer.sq8")));
        c.Upsert([new Point(9999, data[^1])]);
        Assert.True(c.IsQuantized);
        Assert.True(File.Exists(Path.Combine(dir.Path, "q", "quantizer.sq8")));
        Assert.Equal(9999UL, c.Search(data[^1], 1)[0].Id);
    }

    [Fact]
    public void BinaryHamming_CodesAreLossless_ResultsMatchExactScan()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        var rng = new Random(5);
        var data = Enumerable.Range(0, 2000).Select(_ => Enumerable.Range(0, Dim).Select(_ => rng.Next(2) == 0 ? 0f : 1f).ToArray()).ToArray();
        var c = Fill(db, "h", DistanceMetric.Hamming, StorageMode.Binary, data);
        Assert.True(c.IsQuantized);
        var queries = data.Take(30).ToArray();
        var recall = HnswSearchTests.Recall(c, queries, 5, new SearchOptions { Quality = SearchQuality.Accurate });
        Assert.True(recall >= 0.9, $"recall {recall}");
    }

    [Fact]
    public void TrainQuantizer_Pq_SearchesOnCodes_PersistsCodebook_ReopensWithoutRetraining()
    {
        using var dir = new TempDirectory();
        var data = HnswIndexTests.Clustered(3000, Dim, 51);
        var queries = HnswIndexTests.Clustered(40, Dim, 52);
        double recallBefore;
        List<ulong> idsBefore;
        byte[] codebook;
        using (var db = Open(dir))
        {
            var c = Fill(db, "p", DistanceMetric.Euclidean, StorageMode.Full, data);
            Assert.False(c.IsQuantized);
            var report = db.TrainQuantizer("p", new QuantizerOptions { Subspaces = 16, Centroids = 256, Oversampling = 6 });
            Assert.Equal(16, report.Subspaces);
            Assert.Equal(256, report.Centroids);
            Assert.Equal(3000, report.Samples);
            Assert.Equal(6, report.Oversampling);
            Assert.Equal(16, report.CodeBytes);
            Assert.True(c.IsQuantized);
            Assert.Equal(StorageMode.ProductQuantization, c.StorageMode);
            Assert.Empty(c.CheckIndexIntegrity());
            recallBefore = HnswSearchTests.Recall(c, queries, 10, SearchOptions.Default);
            Assert.True(recallBefore >= 0.9, $"pq recall {recallBefore}");
            idsBefore = [.. c.Search(queries[0], 10).Select(h => h.Id)];
            codebook = File.ReadAllBytes(Path.Combine(dir.Path, "p", "codebook.pq"));
        }

        using (var db = Open(dir))
        {
            var c = db.GetCollection("p");
            Assert.Equal(StorageMode.ProductQuantization, c.StorageMode);
            Assert.Equal(6, c.RescoreOversampling);
            Assert.True(c.IsQuantized);
            Assert.Equal(0, c.IndexReconciledRows);
            Assert.Equal(codebook, File.ReadAllBytes(Path.Combine(dir.Path, "p", "codebook.pq")));
            Assert.Equal(idsBefore, c.Search(queries[0], 10).Select(h => h.Id));
        }
    }

    [Fact]
    public void TrainQuantizer_Opq_LearnsRotation()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        var c = Fill(db, "o", DistanceMetric.Cosine, StorageMode.Full, HnswIndexTests.Clustered(1500, Dim, 61));
        var report = c.TrainQuantizer(new QuantizerOptions { Type = QuantizerType.OptimizedProductQuantization, Subspaces = 16, Centroids = 128 });
        Assert.Equal(QuantizerType.OptimizedProductQuantization, report.Type);
        var recall = HnswSearchTests.Recall(c, HnswIndexTests.Clustered(30, Dim, 62), 10, SearchOptions.Default);
        Assert.True(recall >= 0.85, $"opq recall {recall}");
    }

    [Fact]
    public void DamagedQuantizerFile_IsRetrainedAtOpen()
    {
        using var dir = new TempDirectory();
        var data = HnswIndexTests.Clustered(2000, Dim, 71);
        using (var db = Open(dir))
        {
            Fill(db, "s", DistanceMetric.Euclidean, StorageMode.SQ8, data);
        }

        var path = Path.Combine(dir.Path, "s", "quantizer.sq8");
        var bytes = File.ReadAllBytes(path);
        bytes[20] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        using (var db = Open(dir))
        {
            var c = db.GetCollection("s");
            Assert.True(c.IsQuantized);
            Assert.Equal(2000, c.IndexReconciledRows);
            Assert.Equal(5UL, c.Search(data[5], 1)[0].Id);
            Assert.NotNull(Sq8Quantizer.TryRead(File.ReadAllBytes(path), out _));
        }
    }

    [Fact]
    public void RebuildIndex_RetrainsOnCurrentVectors()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        var c = Fill(db, "s", DistanceMetric.Euclidean, StorageMode.SQ8, HnswIndexTests.Clustered(1500, Dim, 81));
        var before = File.ReadAllBytes(Path.Combine(dir.Path, "s", "quantizer.sq8"));

        // Points far outside the trained range clamp until the quantizer is retrained.
        var far = HnswIndexTests.Clustered(500, Dim, 82).Select(v => v.Select(x => x * 10).ToArray()).ToArray();
        c.Upsert([.. far.Select((v, i) => new Point((ulong)(10_000 + i), v))]);
        c.RebuildIndex();
        Assert.NotEqual(before, File.ReadAllBytes(Path.Combine(dir.Path, "s", "quantizer.sq8")));
        var recall = HnswSearchTests.Recall(c, far.Take(20).ToArray(), 10, SearchOptions.Default);
        Assert.True(recall >= 0.9, $"recall {recall}");
    }

    [Fact]
    public void Oversampling_IsConfigurablePerSearch()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        var c = Fill(db, "b", DistanceMetric.Euclidean, StorageMode.Binary, HnswIndexTests.Clustered(3000, Dim, 91));
        var queries = HnswIndexTests.Clustered(40, Dim, 92);
        var low = HnswSearchTests.Recall(c, queries, 10, new SearchOptions { RescoreOversampling = 1 });
        var high = HnswSearchTests.Recall(c, queries, 10, new SearchOptions { RescoreOversampling = 16 });
        Assert.True(high > low, $"oversampling 16 gives {high}, 1 gives {low}");
        var ex = Assert.Throws<VelesDbException>(() => c.Search(queries[0], 10, new SearchOptions { RescoreOversampling = 0 }));
        Assert.Equal(VelesDbErrorCode.Config, ex.Code);
    }

    [Fact]
    public void InvalidQuantizerRequests_AreRejectedWithCodes()
    {
        using var dir = new TempDirectory();
        using var db = Open(dir);
        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, Assert.Throws<VelesDbException>(() => db.CreateCollection("h", 8, DistanceMetric.Hamming, StorageMode.ProductQuantization)).Code);
        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, Assert.Throws<VelesDbException>(() => QuantizerTypes.Parse("rabitq")).Code);
        var c = Fill(db, "c", DistanceMetric.Euclidean, StorageMode.Full, HnswIndexTests.Clustered(200, Dim, 3));
        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, Assert.Throws<VelesDbException>(() => c.TrainQuantizer(new QuantizerOptions { Subspaces = Dim + 1 })).Code);
        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, Assert.Throws<VelesDbException>(() => c.TrainQuantizer(new QuantizerOptions { Centroids = 300 })).Code);
        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, Assert.Throws<VelesDbException>(() => c.TrainQuantizer(new QuantizerOptions { Oversampling = 0 })).Code);
        Assert.Equal(VelesDbErrorCode.TrainingFailed, Assert.Throws<VelesDbException>(() => c.TrainQuantizer(new QuantizerOptions { Centroids = 256 })).Code);
        Assert.False(c.IsQuantized);
        Assert.Equal(StorageMode.Full, c.StorageMode);

        c.TrainQuantizer(new QuantizerOptions { Type = QuantizerType.SQ8 });
        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, Assert.Throws<VelesDbException>(() => c.TrainQuantizer(new QuantizerOptions { Type = QuantizerType.SQ8 })).Code);
        c.TrainQuantizer(new QuantizerOptions { Type = QuantizerType.Binary, Force = true });
        Assert.Equal(StorageMode.Binary, c.StorageMode);
        Assert.False(File.Exists(Path.Combine(dir.Path, "c", "quantizer.sq8")));
    }
}
