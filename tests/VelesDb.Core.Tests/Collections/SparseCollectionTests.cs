using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Fusion;
using VelesDb.Core.Index.Sparse;
using VelesDb.Core.Search;

namespace VelesDb.Core.Tests.Collections;

public class SparseCollectionTests
{
    private static SparseVector RandomSparse(Random rng, int nnz, uint dims = 200)
    {
        var weights = new Dictionary<uint, float>();
        while (weights.Count < nnz)
        {
            weights[(uint)rng.Next((int)dims)] = (float)(rng.NextDouble() * 2) - 0.5f;
        }

        return SparseVector.FromDictionary(weights);
    }

    private static Dictionary<ulong, SparseVector> Fill(Collection c, int n, int seed)
    {
        var rng = new Random(seed);
        var truth = new Dictionary<ulong, SparseVector>();
        var points = new List<Point>();
        for (var i = 0; i < n; i++)
        {
            var v = RandomSparse(rng, rng.Next(1, 12));
            truth[(ulong)i] = v;
            var sparse = new Dictionary<string, SparseVector> { [""] = v };
            if (i % 3 == 0)
            {
                sparse["title"] = RandomSparse(rng, 3, 20);
            }

            points.Add(Point.WithJson((ulong)i, new float[] { i, 1 }, $$"""{"g":{{i % 4}}}""") with { Sparse = sparse });
        }

        c.Upsert(points);
        return truth;
    }

    private static ulong[] BruteForce(Dictionary<ulong, SparseVector> truth, SparseVector q, int k, Func<ulong, bool>? accept = null) =>
        [.. truth.Where(kv => (accept is null || accept(kv.Key)) && kv.Value.Indices.Intersect(q.Indices).Any())
            .Select(kv => (kv.Key, Score: kv.Value.Dot(q))).OrderByDescending(x => x.Score).ThenBy(x => x.Key).Take(k).Select(x => x.Key)];

    [Fact]
    public void SparseSearch_EqualsBruteForce_WithFiltersAndNames()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2, DistanceMetric.Euclidean);
        var truth = Fill(c, 400, 3);
        var rng = new Random(4);
        var g1 = Filter.Parse("""{"condition":{"type":"eq","field":"g","value":1}}""");
        for (var i = 0; i < 20; i++)
        {
            var q = RandomSparse(rng, 6);
            var hits = c.SparseSearch(q, 10);
            Assert.Equal(BruteForce(truth, q, 10), hits.Select(h => h.Id));
            Assert.All(hits, h => Assert.Equal(truth[h.Id].Dot(q), h.Score));
            Assert.Equal(BruteForce(truth, q, 10, id => id % 4 == 1), c.SparseSearch(q, 10, filter: g1).Select(h => h.Id));
        }

        Assert.NotEmpty(c.SparseSearch(RandomSparse(rng, 5, 20), 5, "title"));
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => c.SparseSearch(RandomSparse(rng, 3), 5, "nope")).Code);
    }

    [Fact]
    public void SparseVectors_FollowUpsertsDeletes_AndSurviveReopenAndCrash()
    {
        using var dir = new TempDirectory();
        using var crash = new TempDirectory();
        var q = SparseVector.Create([1u, 2u], [1f, 1f]);
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.CreateCollection("c", 2, DistanceMetric.Euclidean);
            c.Upsert([
                new Point(1, new float[] { 1, 0 }) { Sparse = new Dictionary<string, SparseVector> { [""] = SparseVector.Create([1u], [2f]) } },
                new Point(2, new float[] { 2, 0 }) { Sparse = new Dictionary<string, SparseVector> { [""] = SparseVector.Create([2u, 1u], [0.5f, 0.25f]) } },
                new Point(3, new float[] { 3, 0 }) { Sparse = new Dictionary<string, SparseVector> { [""] = SparseVector.Create([9u], [4f]) } },
            ]);
            c.FlushFull();
            Assert.Single(Directory.GetFiles(Path.Combine(dir.Path, "c"), "sparse-*.snap"));
            c.Upsert(new Point(1, new float[] { 1, 0 }));
            c.Delete(3);
            c.Upsert(new Point(4, new float[] { 4, 0 }) { Sparse = new Dictionary<string, SparseVector> { [""] = SparseVector.Create([2u], [3f]) } });
            Assert.Equal([4UL, 2UL], c.SparseSearch(q, 10).Select(h => h.Id));
            Assert.Null(c.Get(1)!.Sparse);
            Assert.Equal([2u], c.Get(4)!.Sparse![""].Indices);
            TestData.CrashCopy(dir.Path, crash.Path);
        }

        foreach (var path in new[] { crash.Path, dir.Path })
        {
            using var db = VelesDatabase.Open(path);
            var c = db.GetCollection("c");
            Assert.Equal([4UL, 2UL], c.SparseSearch(q, 10).Select(h => h.Id));
            Assert.Equal([1u, 2u], c.Get(2)!.Sparse![""].Indices);
            Assert.Equal([0.25f, 0.5f], c.Get(2)!.Sparse![""].Values);
        }

        var image = Directory.GetFiles(Path.Combine(dir.Path, "c"), "sparse-*.snap").Single();
        var bytes = File.ReadAllBytes(image);
        bytes[14] ^= 0x40;
        File.WriteAllBytes(image, bytes);
        Assert.Equal(VelesDbErrorCode.IndexCorrupted, Assert.Throws<VelesDbException>(() => VelesDatabase.Open(dir.Path)).Code);
    }

    [Fact]
    public void HybridSparseSearch_FusesBothBranches()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("c", 2, DistanceMetric.Euclidean);
        var truth = Fill(c, 200, 5);
        var sparse = RandomSparse(new Random(6), 8);
        float[] dense = [10, 1];
        var options = new SearchOptions { Quality = SearchQuality.Perfect };
        var denseList = c.Search(dense, 20, options).Select(h => new ScoredId(h.Id, -h.Score)).ToList();
        var sparseList = c.SparseSearch(sparse, 20).Select(h => new ScoredId(h.Id, h.Score)).ToList();
        foreach (var strategy in new FusionStrategy[] { FusionStrategy.Rrf(), FusionStrategy.RelativeScore(0.3f, 0.7f), FusionStrategy.Maximum() })
        {
            var expected = strategy.Fuse([denseList, sparseList], 10);
            var actual = c.HybridSparseSearch(dense, sparse, 10, strategy, options: options);
            Assert.Equal(expected.Select(h => h.Id), actual.Select(h => h.Id));
            Assert.Equal(expected.Select(h => h.Score), actual.Select(h => h.Score));
        }

        Assert.True(truth.Count > 0);
    }
}
