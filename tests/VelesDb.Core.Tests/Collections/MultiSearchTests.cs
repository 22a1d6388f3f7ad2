using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Fusion;
using VelesDb.Core.Search;
using VelesDb.Core.Storage;
using VelesDb.Core.Tests.Index;

namespace VelesDb.Core.Tests.Collections;

public class MultiSearchTests
{
    private const int Dim = 12;

    private static (VelesDatabase Db, Collection C, TempDirectory Dir) Open(DistanceMetric metric)
    {
        var dir = new TempDirectory();
        var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        var c = db.CreateCollection("c", Dim, metric);
        var data = HnswIndexTests.Clustered(600, Dim, 51);
        c.Upsert([.. data.Select((v, i) => Point.WithJson((ulong)i, v, $$"""{"b":{{i % 5}}}"""))]);
        return (db, c, dir);
    }

    [Theory]
    [InlineData(DistanceMetric.Cosine)]
    [InlineData(DistanceMetric.Euclidean)]
    public void MultiQuerySearch_EqualsFusingTheSingleSearches(DistanceMetric metric)
    {
        var (db, c, dir) = Open(metric);
        using (dir)
        using (db)
        {
            var queries = HnswIndexTests.Clustered(3, Dim, 52);
            var options = new SearchOptions { Quality = SearchQuality.Perfect };
            var sign = metric.HigherIsBetter() ? 1f : -1f;
            var lists = queries.Select(q => (IReadOnlyList<ScoredId>)[.. c.Search(q, 20, options).Select(h => new ScoredId(h.Id, sign * h.Score))]).ToArray();
            foreach (var strategy in new FusionStrategy[] { FusionStrategy.Rrf(), FusionStrategy.Average(), FusionStrategy.Maximum(), FusionStrategy.Weighted(), FusionStrategy.WeightedRrf([0.5f, 0.3f, 0.2f]) })
            {
                var expected = strategy.Fuse(lists, 10);
                var actual = c.MultiQuerySearch(queries, 10, strategy, options);
                Assert.Equal(expected.Select(h => h.Id), actual.Select(h => h.Id));
                Assert.Equal(expected.Select(h => h.Score), actual.Select(h => h.Score));
                Assert.All(actual, h => Assert.NotNull(h.Payload));
                Assert.Equal(expected, c.MultiQuerySearchIds(queries, 10, strategy, options));
            }

            // One weight per query list.
            var ex = Assert.Throws<VelesDbException>(() => c.MultiQuerySearch(queries, 10, FusionStrategy.WeightedRrf([0.5f, 0.5f])));
            Assert.Equal(VelesDbErrorCode.Config, ex.Code);
            Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => c.MultiQuerySearch([], 10, FusionStrategy.Rrf())).Code);
        }
    }

    [Fact]
    public void SearchBatch_OneFilterPerQuery_EqualsSingleSearches()
    {
        var (db, c, dir) = Open(DistanceMetric.Cosine);
        using (dir)
        using (db)
        {
            var queries = HnswIndexTests.Clustered(4, Dim, 53);
            Filter?[] filters = [null, Filter.Parse("""{"condition":{"type":"eq","field":"b","value":1}}"""), null, Filter.Parse("""{"condition":{"type":"gt","field":"b","value":2}}""")];
            var batch = c.SearchBatch(queries, 7, filters);
            for (var i = 0; i < queries.Length; i++)
            {
                Assert.Equal(c.Search(queries[i], 7, filters[i]).Select(h => (h.Id, h.Score)), batch[i].Select(h => (h.Id, h.Score)));
            }

            var unfiltered = c.SearchBatch(queries, 3);
            Assert.Equal(c.Search(queries[2], 3).Select(h => h.Id), unfiltered[2].Select(h => h.Id));
            Assert.Equal(c.Search(queries[0], 5).Select(h => (h.Id, h.Score)), c.SearchIds(queries[0], 5).Select(h => (h.Id, h.Score)));

            Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => c.SearchBatch(queries, 3, [null])).Code);

            // A bad query fails with its own error, not an AggregateException.
            Assert.Equal(VelesDbErrorCode.DimensionMismatch, Assert.Throws<VelesDbException>(() => c.SearchBatch([new float[3]], 3)).Code);
        }
    }
}
