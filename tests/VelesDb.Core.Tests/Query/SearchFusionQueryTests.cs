using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Index.Sparse;

namespace VelesDb.Core.Tests.Query;

/// <summary>SPARSE_NEAR, NEAR + SPARSE_NEAR fusion and NEAR_FUSED through VelesQL, checked by hand.</summary>
public sealed class SearchFusionQueryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly VelesDatabase _db;

    public SearchFusionQueryTests()
    {
        _db = VelesDatabase.Open(_dir.Path);
        var c = _db.CreateCollection("docs", 2, DistanceMetric.DotProduct);

        // Dense (dot with [1, 0]): 1 → 4, 2 → 3, 3 → 2, 4 → 1.
        // Sparse (dot with {7: 1.0}): 4 → 0.9, 3 → 0.8, 2 → 0.1, 1 → none.
        c.Upsert(
        [
            Sparse(1, [4, 0], null),
            Sparse(2, [3, 0], 0.1f),
            Sparse(3, [2, 0], 0.8f),
            Sparse(4, [1, 0], 0.9f),
        ]);
    }

    private static Point Sparse(ulong id, float[] v, float? w) =>
        Point.WithJson(id, v, $$"""{"n":{{id}}}""") with
        {
            Sparse = w is { } weight ? new Dictionary<string, SparseVector> { [""] = SparseVector.Create([7u], [weight]) } : null,
        };

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private ulong[] Ids(string q, Dictionary<string, object?>? p = null) =>
        [.. _db.Execute(q, p).Rows.Select(r => r["id"]!.GetValue<ulong>())];

    [Fact]
    public void SparseNear_RanksByInnerProduct_LiteralAndParameter()
    {
        Assert.Equal([4UL, 3, 2], Ids("SELECT id FROM docs WHERE vector SPARSE_NEAR {7: 1.0} LIMIT 5"));
        var json = JsonDocument.Parse("""{"indices":[7],"values":[1.0]}""").RootElement;
        Assert.Equal([4UL, 3], Ids("SELECT id FROM docs WHERE vector SPARSE_NEAR $s LIMIT 2", new() { ["s"] = json }));
        Assert.Equal([4UL], Ids("SELECT id FROM docs WHERE vector SPARSE_NEAR $s LIMIT 1", new() { ["s"] = SparseVector.Create([7u], [1f]) }));
    }

    [Fact]
    public void DenseAndSparse_FuseWithRrfByDefault()
    {
        // RRF k=60, 1-based ranks. Dense ranks 1,2,3,4 for ids 1,2,3,4; sparse ranks 4→1, 3→2, 2→3.
        // id3: 1/63 + 1/62 = 0.03200; id2: 1/62 + 1/63 = same; id4: 1/64 + 1/61 = 0.03202; id1: 1/61 = 0.01639.
        // id4 > id2 = id3 (tie by id: 2, 3) > id1.
        Assert.Equal([4UL, 2, 3, 1], Ids("SELECT id FROM docs WHERE vector NEAR [1.0, 0.0] AND vector SPARSE_NEAR {7: 1.0} LIMIT 4 USING FUSION(strategy = 'rrf')"));
    }

    [Fact]
    public void DenseAndSparse_Rsf_WeighsNormalisedScores()
    {
        // Dense normalised (4..1): 1 → 1, 2 → 2/3, 3 → 1/3, 4 → 0. Sparse normalised (0.1..0.9): 4 → 1, 3 → 0.875, 2 → 0, 1 → 0.
        // dense_w 0.9: 1 → 0.9, 2 → 0.6, 3 → 0.3875, 4 → 0.1.
        Assert.Equal([1UL, 2, 3, 4], Ids("SELECT id FROM docs WHERE vector NEAR [1.0, 0.0] AND vector SPARSE_NEAR {7: 1.0} LIMIT 4 USING FUSION(strategy = 'rsf', dense_weight = 0.9, sparse_weight = 0.1)"));
        // dense_w 0.1: 1 → 0.1, 2 → 0.0667, 3 → 0.8208, 4 → 0.9.
        Assert.Equal([4UL, 3, 1, 2], Ids("SELECT id FROM docs WHERE vector NEAR [1.0, 0.0] AND vector SPARSE_NEAR {7: 1.0} LIMIT 4 USING FUSION(strategy = 'rsf', dense_weight = 0.1, sparse_weight = 0.9)"));
    }

    [Fact]
    public void ComponentScores_AreOrderable()
    {
        Assert.Equal([4UL, 3, 2, 1], Ids("SELECT id FROM docs WHERE vector NEAR [1.0, 0.0] AND vector SPARSE_NEAR {7: 1.0} ORDER BY sparse_score DESC LIMIT 4"));
        Assert.Equal([1UL, 2, 3, 4], Ids("SELECT id FROM docs WHERE vector NEAR [1.0, 0.0] AND vector SPARSE_NEAR {7: 1.0} ORDER BY vector_score DESC LIMIT 4"));
    }

    [Fact]
    public void NearFused_FusesSeveralQueryVectors()
    {
        // [1,0] ranks 1,2,3,4; [-1,0] ranks 4,3,2,1. Maximum of raw dot: 1 → 4, 4 → -1 ... ids 1 (4), 2 (3), 3 (2), 4 (1) vs (−1 … −4).
        var p = new Dictionary<string, object?> { ["a"] = new float[] { 1, 0 }, ["b"] = new float[] { -1, 0 } };
        Assert.Equal([1UL, 2], Ids("SELECT id FROM docs WHERE vector NEAR_FUSED [$a, $b] USING FUSION 'maximum' LIMIT 2", p));
        Assert.Equal([1UL, 2], Ids("SELECT id FROM docs WHERE vector NEAR_FUSED [$a] LIMIT 2", p));
    }

    [Fact]
    public void NearFused_WithWeighted_IsV012()
    {
        var p = new Dictionary<string, object?> { ["a"] = new float[] { 1, 0 } };
        var e = Assert.Throws<VelesDbException>(() => _db.Execute("SELECT id FROM docs WHERE vector NEAR_FUSED [$a] USING FUSION 'weighted' LIMIT 2", p));
        Assert.Equal("V012", e.QueryCode);
    }

    [Fact]
    public void VectorOfWrongType_IsAClearError()
    {
        var e = Assert.Throws<VelesDbException>(() => _db.Execute("SELECT id FROM docs WHERE vector NEAR $v LIMIT 2", new Dictionary<string, object?> { ["v"] = "oops" }));
        Assert.Equal(VelesDbErrorCode.Query, e.Code);
        Assert.Contains("dense vector", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedSparseParameter_IsAQueryError_NotACrash()
    {
        var bad = JsonDocument.Parse("""{"indices":[-1],"values":[1.0]}""").RootElement;
        var e = Assert.Throws<VelesDbException>(() => _db.Execute("SELECT id FROM docs WHERE vector SPARSE_NEAR $s LIMIT 2", new Dictionary<string, object?> { ["s"] = bad }));
        Assert.Equal(VelesDbErrorCode.Query, e.Code);
        Assert.Contains("sparse vector", e.Message, StringComparison.Ordinal);
    }
}
