using System.Text.Json;
using System.Text.Json.Serialization;

namespace VelesDb.Contracts;

/// <summary>The body of <c>POST {n}/search</c>, <c>/search/ids</c> and of each <c>/search/batch</c> item (REST spec §2.6).</summary>
/// <param name="Vector">The dense query vector (empty or absent: sparse search only).</param>
/// <param name="TopK">Results to return (default 10).</param>
/// <param name="Mode">The quality mode: fast, balanced, accurate, perfect, autotune, custom:&lt;ef&gt;, adaptive:&lt;min&gt;:&lt;max&gt;.</param>
/// <param name="EfSearch">Overrides the mode's ef_search.</param>
/// <param name="TimeoutMs">The most milliseconds the search may take (<c>/search</c>, <c>/search/ids</c>): 0 answers 408 at once; on expiry the search is stopped and answers 408.</param>
/// <param name="Filter">A filter object (<c>{"condition": …}</c>), or null.</param>
/// <param name="SparseVector">A sparse query under the default name: <c>{"indices":[…],"values":[…]}</c> or <c>{"42": 0.5}</c>.</param>
/// <param name="SparseVectors">Sparse queries by index name (more than one needs <paramref name="SparseIndex"/>).</param>
/// <param name="SparseIndex">The sparse index name to search (default "").</param>
/// <param name="Fusion">How dense and sparse results are fused (default RRF, k = 60).</param>
public sealed record SearchRequest(
    float[]? Vector = null,
    int? TopK = null,
    string? Mode = null,
    int? EfSearch = null,
    long? TimeoutMs = null,
    JsonElement? Filter = null,
    JsonElement? SparseVector = null,
    Dictionary<string, JsonElement>? SparseVectors = null,
    string? SparseIndex = null,
    FusionRequest? Fusion = null);

/// <summary>The <c>fusion</c> object of a hybrid dense + sparse search.</summary>
/// <param name="Strategy">rrf, rsf/relative_score, average/avg, maximum/max or weighted.</param>
/// <param name="K">The RRF constant (default 60).</param>
/// <param name="DenseW">Relative-score weight of the dense list (default 1 − sparse_w, or 0.5).</param>
/// <param name="SparseW">Relative-score weight of the sparse list (default 1 − dense_w, or 0.5).</param>
/// <param name="AvgW">Weighted fusion: weight of the average (default 0.5).</param>
/// <param name="MaxW">Weighted fusion: weight of the maximum (default 0.3).</param>
/// <param name="HitW">Weighted fusion: weight of the hit ratio (default 0.2).</param>
public sealed record FusionRequest(string? Strategy = null, int? K = null, float? DenseW = null, float? SparseW = null, float? AvgW = null, float? MaxW = null, float? HitW = null);

/// <summary>The body of <c>POST {n}/search/batch</c>.</summary>
/// <param name="Searches">The searches; of each only <c>vector</c>, <c>top_k</c> and <c>filter</c> are used.</param>
public sealed record BatchSearchRequest(IReadOnlyList<SearchRequest>? Searches);

/// <summary>The body of <c>POST {n}/search/multi</c> and <c>/search/multi/ids</c> (REST spec §2.6 MultiQuery).</summary>
/// <param name="Vectors">The query vectors.</param>
/// <param name="TopK">Results to return (default 10).</param>
/// <param name="Strategy">average/avg, maximum/max, rrf (default), weighted, relative_score/rsf.</param>
/// <param name="RrfK">The RRF constant (default 60).</param>
/// <param name="AvgWeight">Weighted fusion: weight of the average (default 0.5).</param>
/// <param name="MaxWeight">Weighted fusion: weight of the maximum (default 0.3).</param>
/// <param name="HitWeight">Weighted fusion: weight of the hit ratio (default 0.2).</param>
/// <param name="DenseWeight">Relative-score fusion: weight of the first list (default 0.5).</param>
/// <param name="SparseWeight">Relative-score fusion: weight of the second list (default 0.5).</param>
/// <param name="Filter">A filter object (only on <c>/search/multi</c>).</param>
public sealed record MultiQueryRequest(
    IReadOnlyList<float[]>? Vectors,
    int? TopK = null,
    string? Strategy = null,
    int? RrfK = null,
    float? AvgWeight = null,
    float? MaxWeight = null,
    float? HitWeight = null,
    float? DenseWeight = null,
    float? SparseWeight = null,
    JsonElement? Filter = null);

/// <summary>The body of <c>POST {n}/search/text</c>.</summary>
/// <param name="Query">The query text.</param>
/// <param name="TopK">Results to return (default 10).</param>
/// <param name="Filter">A filter object, or null.</param>
public sealed record TextSearchRequest(string? Query, int? TopK = null, JsonElement? Filter = null);

/// <summary>The body of <c>POST {n}/search/hybrid</c> (dense + full text).</summary>
/// <param name="Vector">The dense query vector.</param>
/// <param name="Query">The query text.</param>
/// <param name="TopK">Results to return (default 10).</param>
/// <param name="VectorWeight">Weight of the vector branch in [0, 1] (default 0.5).</param>
/// <param name="Filter">A filter object, or null.</param>
public sealed record HybridSearchRequest(float[]? Vector, string? Query, int? TopK = null, float? VectorWeight = null, JsonElement? Filter = null);

/// <summary>One search hit.</summary>
/// <param name="Id">The point id (written as a string).</param>
/// <param name="Score">The score.</param>
/// <param name="Payload">The payload, or JSON null.</param>
public sealed record SearchHit(
    [property: JsonConverter(typeof(PointIdConverter))] ulong Id,
    float Score,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? Payload);

/// <summary>The answer of the search routes that return payloads.</summary>
/// <param name="Results">The hits, best first.</param>
public sealed record SearchResponse(IReadOnlyList<SearchHit> Results);

/// <summary>One id-only search hit.</summary>
/// <param name="Id">The point id (written as a string).</param>
/// <param name="Score">The score.</param>
public sealed record ScoredHit([property: JsonConverter(typeof(PointIdConverter))] ulong Id, float Score);

/// <summary>The answer of <c>/search/ids</c> and <c>/search/multi/ids</c>.</summary>
/// <param name="Results">The hits, best first.</param>
public sealed record SearchIdsResponse(IReadOnlyList<ScoredHit> Results);

/// <summary>The answer of <c>/search/batch</c>.</summary>
/// <param name="Results">One result list per search, in request order.</param>
/// <param name="TimingMs">Execution time in milliseconds.</param>
public sealed record BatchSearchResponse(IReadOnlyList<SearchResponse> Results, double TimingMs);
