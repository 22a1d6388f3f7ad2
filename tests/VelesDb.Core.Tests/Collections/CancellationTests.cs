using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Filtering;
using VelesDb.Core.Fusion;
using VelesDb.Core.Index.Hnsw;
using VelesDb.Core.Index.Hnsw.Spaces;
using VelesDb.Core.Index.Sparse;
using VelesDb.Core.Query;
using VelesDb.Core.Search;
using VelesDb.Core.Storage;
using VelesDb.Core.Tests.Index;

namespace VelesDb.Core.Tests.Collections;

/// <summary>Cancellation tokens stop searches, scans and VelesQL statements.</summary>
public sealed class CancellationTests : IDisposable
{
    private const int Dim = 8;
    private readonly TempDirectory _dir = new();
    private readonly VelesDatabase _db;

    public CancellationTests()
    {
        _db = VelesDatabase.Open(_dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None });
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private static CancellationToken Cancelled()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        return source.Token;
    }

    private Collection Fill(int count, string name = "c")
    {
        var c = _db.CreateCollection(name, Dim, DistanceMetric.Euclidean);
        var data = HnswIndexTests.Clustered(count, Dim, 5);
        for (var start = 0; start < count; start += 5000)
        {
            c.Upsert([.. Enumerable.Range(start, Math.Min(5000, count - start)).Select(i => Point.WithJson((ulong)i, data[i], $$"""{"even":{{(i % 2 == 0 ? "true" : "false")}},"text":"word{{i % 7}} common"}"""))]);
        }

        return c;
    }

    [Theory]
    [InlineData(SearchQualityMode.Balanced)]
    [InlineData(SearchQualityMode.Perfect)]
    public void Search_PreCancelledToken_ThrowsOperationCanceled(SearchQualityMode mode)
    {
        var c = Fill(500);
        var quality = mode == SearchQualityMode.Perfect ? SearchQuality.Perfect : SearchQuality.Balanced;
        var options = new SearchOptions { Quality = quality, Cancellation = Cancelled() };
        Assert.ThrowsAny<OperationCanceledException>(() => c.Search(new float[Dim], 10, options));

        // The same search without the token answers: the token alone made the difference.
        Assert.Equal(10, c.Search(new float[Dim], 10, options with { Cancellation = default }).Count);
    }

    [Fact]
    public void Search_LargeParallelExactScan_PreCancelled_ThrowsOperationCanceledNotAggregate()
    {
        // Enough rows for the parallel scan on any machine with two or more cores.
        var c = Fill(40_000);
        var options = new SearchOptions { Quality = SearchQuality.Perfect, Cancellation = Cancelled() };
        var e = Record.Exception(() => c.Search(new float[Dim], 10, options));
        Assert.IsType<OperationCanceledException>(e, exactMatch: false);
    }

    [Fact]
    public void Search_FilteredScan_PreCancelled_ThrowsOperationCanceled()
    {
        var c = Fill(500);
        var filter = Filter.Parse("""{"condition":{"type":"eq","field":"even","value":true}}""");
        Assert.ThrowsAny<OperationCanceledException>(() => c.Search(new float[Dim], 10, new SearchOptions { Filter = filter, Cancellation = Cancelled() }));
    }

    [Fact]
    public void MultiQueryAndBatchAndIds_PreCancelled_ThrowOperationCanceled()
    {
        var c = Fill(300);
        var options = new SearchOptions { Cancellation = Cancelled() };
        float[][] queries = [new float[Dim], Enumerable.Repeat(1f, Dim).ToArray()];
        Assert.ThrowsAny<OperationCanceledException>(() => c.MultiQuerySearch(queries, 5, FusionStrategy.Rrf(), options));
        Assert.ThrowsAny<OperationCanceledException>(() => c.SearchBatch(queries, 5, options: options));
        Assert.ThrowsAny<OperationCanceledException>(() => c.SearchIds(new float[Dim], 5, options));
    }

    [Fact]
    public void TextHybridAndSparse_PreCancelled_ThrowOperationCanceled()
    {
        var c = Fill(300);
        var token = Cancelled();
        Assert.ThrowsAny<OperationCanceledException>(() => c.TextSearch("common", 5, cancellation: token));
        Assert.ThrowsAny<OperationCanceledException>(() => c.HybridSearch(new float[Dim], "common", 5, options: new SearchOptions { Cancellation = token }));
        c.Upsert([new Point(1, new float[Dim]) with { Sparse = new Dictionary<string, SparseVector> { [""] = SparseVector.Create([1, 2], [0.5f, 0.5f]) } }]);
        Assert.ThrowsAny<OperationCanceledException>(() => c.SparseSearch(SparseVector.Create([1], [1f]), 5, cancellation: token));
        Assert.Single(c.SparseSearch(SparseVector.Create([1], [1f]), 5));
    }

    /// <summary>
    /// Cancelled from inside the graph walk (the accept callback runs once per visited node): the
    /// walk stops at the next check, after at most one check interval (64 expansions of at most
    /// m0 = 32 neighbours each), far fewer than the full walk visits.
    /// </summary>
    [Fact]
    public void HnswSearch_CancelledMidWalk_StopsWithinOneCheckInterval()
    {
        const int dim = 16;
        var data = HnswIndexTests.Clustered(4000, dim, 9);
        using var index = new HnswIndex<FullSpace<EuclideanDistance>>(new FullSpace<EuclideanDistance>(dim, false), new HnswParameters(16, 100));
        for (var i = 0; i < data.Length; i++)
        {
            index.Add(i, data[i]);
        }

        var distances = new float[10];
        var labels = new int[10];
        var fullWalk = 0;
        index.Search(data[0], 10, 2000, _ => { fullWalk++; return true; }, distances, labels);

        using var source = new CancellationTokenSource();
        var visits = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => index.Search(
            data[0],
            10,
            2000,
            _ =>
            {
                if (++visits == 1)
                {
                    source.Cancel();
                }

                return true;
            },
            distances,
            labels,
            source.Token));
        Assert.True(visits <= 64 * 32, $"{visits} nodes visited after the cancellation");
        Assert.True(fullWalk > 64 * 32, $"the uncancelled walk visits {fullWalk} nodes, too few to show the early stop");
    }

    [Fact]
    public void Execute_PreCancelled_ThrowsOperationCanceled()
    {
        Fill(200, "docs");
        var options = new QueryOptions { Cancellation = Cancelled() };
        Assert.ThrowsAny<OperationCanceledException>(() => _db.Execute("SELECT * FROM docs LIMIT 5", options: options));
        Assert.ThrowsAny<OperationCanceledException>(() => _db.ExecuteAggregate("SELECT COUNT(*) FROM docs", options: options));
        Assert.ThrowsAny<OperationCanceledException>(() => _db.Explain("SELECT * FROM docs LIMIT 5", analyze: true, options: options));
        Assert.Equal(5, _db.Execute("SELECT * FROM docs LIMIT 5").Rows.Count);
    }

    [Fact]
    public void SearchOptionsOfAQuery_CarryTheQueryToken()
    {
        var token = new CancellationTokenSource().Token;
        var settings = new SelectSettings();
        Assert.Equal(token, settings.Options(null, token).Cancellation);
    }

    [Fact]
    public void CheckDeadline_TokenCancelledMidQuery_ThrowsWithin256Checks()
    {
        using var source = new CancellationTokenSource();
        var ctx = new ExecContext(_db, null, new QueryOptions { Cancellation = source.Token });
        for (var i = 0; i < 1000; i++)
        {
            ctx.CheckDeadline();
        }

        source.Cancel();
        var checks = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            while (checks < 1000)
            {
                checks++;
                ctx.CheckDeadline();
            }
        });
        Assert.True(checks <= 256, $"{checks} checks before the cancellation was seen");
    }
}
