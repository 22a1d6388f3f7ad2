using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VelesDb.Contracts;

/// <summary>One edge of a graph collection, as the graph routes answer it (REST spec §2.5).</summary>
/// <param name="Id">The edge id, as a string.</param>
/// <param name="Source">The source node id, as a string.</param>
/// <param name="Target">The target node id, as a string.</param>
/// <param name="Label">The edge label (relationship type).</param>
/// <param name="Properties">The edge properties, or JSON null.</param>
public sealed record GraphEdgeResponse(
    [property: JsonConverter(typeof(PointIdConverter))] ulong Id,
    [property: JsonConverter(typeof(PointIdConverter))] ulong Source,
    [property: JsonConverter(typeof(PointIdConverter))] ulong Target,
    string Label,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? Properties);

/// <summary>The answer of <c>GET {n}/graph/edges</c> and <c>GET {n}/graph/nodes/{id}/edges</c>.</summary>
/// <param name="Edges">The edges.</param>
/// <param name="Count">The number of edges.</param>
public sealed record GraphEdgesResponse(IReadOnlyList<GraphEdgeResponse> Edges, int Count);

/// <summary>One edge to add (<c>POST {n}/graph/edges</c>, and each item of the batch route); the client picks the id.</summary>
/// <param name="Id">The edge id (number or decimal string), unique in the collection.</param>
/// <param name="Source">The source node id (number or decimal string).</param>
/// <param name="Target">The target node id (number or decimal string).</param>
/// <param name="Label">The edge label (relationship type).</param>
/// <param name="Properties">An object of edge properties, or null.</param>
public sealed record AddEdgeRequest(
    [property: JsonConverter(typeof(NullablePointIdConverter))] ulong? Id,
    [property: JsonConverter(typeof(NullablePointIdConverter))] ulong? Source,
    [property: JsonConverter(typeof(NullablePointIdConverter))] ulong? Target,
    string? Label,
    JsonElement? Properties = null);

/// <summary>The body of <c>POST {n}/graph/edges/batch</c>: edges added all or nothing.</summary>
/// <param name="Edges">The edges.</param>
public sealed record AddEdgesRequest(IReadOnlyList<AddEdgeRequest>? Edges);

/// <summary>The answer of <c>POST {n}/graph/edges/batch</c>.</summary>
/// <param name="Added">How many edges were added (all of the batch).</param>
public sealed record EdgesAddedResponse(int Added);

/// <summary>The answer of <c>GET {n}/graph/edges/count</c>.</summary>
/// <param name="Count">The number of edges in the collection.</param>
public sealed record EdgeCountResponse(int Count);

/// <summary>The answer of <c>GET {n}/graph/nodes</c>.</summary>
/// <param name="NodeIds">Every node id, ascending, as strings.</param>
/// <param name="Count">The number of nodes.</param>
public sealed record NodeListResponse([property: JsonConverter(typeof(PointIdListConverter))] IReadOnlyList<ulong> NodeIds, int Count);

/// <summary>The answer of <c>GET {n}/graph/nodes/{id}/payload</c>.</summary>
/// <param name="NodeId">The node id, as a string.</param>
/// <param name="Payload">The stored payload, or JSON null when the node has none or does not exist.</param>
public sealed record NodePayloadResponse(
    [property: JsonConverter(typeof(PointIdConverter))] ulong NodeId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? Payload);

/// <summary>The body of <c>PUT {n}/graph/nodes/{id}/payload</c>.</summary>
/// <param name="Payload">The payload to store (any JSON; null or absent stores the node without one).</param>
public sealed record NodePayloadRequest(JsonElement? Payload = null);

/// <summary>The answer of <c>GET {n}/graph/nodes/{id}/degree</c>.</summary>
/// <param name="InDegree">Edges arriving at the node.</param>
/// <param name="OutDegree">Edges leaving the node.</param>
public sealed record NodeDegreeResponse(int InDegree, int OutDegree);

/// <summary>The body of <c>POST {n}/graph/traverse</c>.</summary>
/// <param name="Source">The start node (number or decimal string).</param>
/// <param name="Strategy"><c>bfs</c> (default) or <c>dfs</c>.</param>
/// <param name="MaxDepth">The deepest depth reached (default 3, at most 100).</param>
/// <param name="Limit">The most results (default 100).</param>
/// <param name="RelTypes">Edge labels to follow; empty or absent follows every edge.</param>
public sealed record TraverseRequest(
    [property: JsonConverter(typeof(NullablePointIdConverter))] ulong? Source,
    string? Strategy = null,
    int? MaxDepth = null,
    int? Limit = null,
    IReadOnlyList<string>? RelTypes = null);

/// <summary>The body of <c>POST {n}/graph/traverse/parallel</c> (breadth-first from every source).</summary>
/// <param name="Sources">The start nodes (numbers or decimal strings); at least one.</param>
/// <param name="MaxDepth">The deepest depth reached (default 3, at most 100).</param>
/// <param name="Limit">The most results over all sources (default 100).</param>
/// <param name="RelTypes">Edge labels to follow; empty or absent follows every edge.</param>
public sealed record ParallelTraverseRequest(
    [property: JsonConverter(typeof(PointIdListConverter))] IReadOnlyList<ulong>? Sources,
    int? MaxDepth = null,
    int? Limit = null,
    IReadOnlyList<string>? RelTypes = null);

/// <summary>One node reached by a traversal.</summary>
/// <param name="TargetId">The node reached, as a string.</param>
/// <param name="Depth">The number of edges walked.</param>
/// <param name="Path">The edge ids walked from the start, as strings.</param>
public sealed record TraversalHit(
    [property: JsonConverter(typeof(PointIdConverter))] ulong TargetId,
    int Depth,
    [property: JsonConverter(typeof(PointIdListConverter))] IReadOnlyList<ulong> Path);

/// <summary>Counters of a traversal.</summary>
/// <param name="Visited">Distinct nodes the traversal reached (the starts excluded).</param>
/// <param name="DepthReached">The deepest depth among the returned results (0 when none).</param>
public sealed record TraversalStats(long Visited, int DepthReached);

/// <summary>The answer of <c>POST {n}/graph/traverse</c> and <c>/graph/traverse/parallel</c>.</summary>
/// <param name="Results">The nodes reached, in traversal order, at most <c>limit</c>.</param>
/// <param name="HasMore">True when more nodes were reachable beyond <c>limit</c>.</param>
/// <param name="Stats">Traversal counters.</param>
public sealed record TraverseResponse(IReadOnlyList<TraversalHit> Results, bool HasMore, TraversalStats Stats);

/// <summary>The data of an SSE <c>node</c> event of <c>GET {n}/graph/traverse/stream</c>.</summary>
/// <param name="Id">The node reached, as a string.</param>
/// <param name="Depth">The number of edges walked.</param>
/// <param name="Path">The edge ids walked from the start, as strings.</param>
public sealed record TraversalNodeEvent(
    [property: JsonConverter(typeof(PointIdConverter))] ulong Id,
    int Depth,
    [property: JsonConverter(typeof(PointIdListConverter))] IReadOnlyList<ulong> Path);

/// <summary>The data of an SSE <c>stats</c> event (after every 100th node).</summary>
/// <param name="NodesVisited">Node events sent so far.</param>
/// <param name="ElapsedMs">Milliseconds since the request started.</param>
public sealed record TraversalStatsEvent(int NodesVisited, long ElapsedMs);

/// <summary>The data of the final SSE <c>done</c> event.</summary>
/// <param name="TotalNodes">Node events sent.</param>
/// <param name="MaxDepthReached">The deepest depth among them (0 when none).</param>
/// <param name="ElapsedMs">Milliseconds since the request started.</param>
public sealed record TraversalDoneEvent(int TotalNodes, int MaxDepthReached, long ElapsedMs);

/// <summary>The body of <c>POST {n}/graph/search</c>.</summary>
/// <param name="Vector">The query embedding.</param>
/// <param name="TopK">The number of hits (default 10).</param>
public sealed record GraphSearchRequest(float[]? Vector, int? TopK = null);

/// <summary>The body of <c>POST {n}/match</c>.</summary>
/// <param name="Query">A VelesQL <c>MATCH … RETURN …</c> statement.</param>
/// <param name="Params">Query parameters by name.</param>
/// <param name="Vector">A query vector: rows get the similarity of their first node to it as <c>score</c>.</param>
/// <param name="Threshold">With <paramref name="Vector"/>: keep only rows scoring at least this (0 to 1).</param>
public sealed record MatchRequest(string? Query, Dictionary<string, JsonElement>? Params = null, float[]? Vector = null, float? Threshold = null);

/// <summary>One row of <c>POST {n}/match</c>.</summary>
/// <param name="Bindings">Every node alias of the pattern with the id it bound, as a string.</param>
/// <param name="Score">The similarity to the request vector or to a <c>similarity()</c> condition, when there is one.</param>
/// <param name="Depth">The number of edges the match walked.</param>
/// <param name="Projected">The RETURN projection of the row.</param>
public sealed record MatchRow(IReadOnlyDictionary<string, string> Bindings, double? Score, int Depth, JsonObject? Projected);

/// <summary>The <c>meta</c> of a <c>POST {n}/match</c> answer.</summary>
/// <param name="VelesqlContractVersion">The VelesQL HTTP contract version.</param>
public sealed record MatchMeta(string VelesqlContractVersion);

/// <summary>The answer of <c>POST {n}/match</c>.</summary>
/// <param name="Results">The rows.</param>
/// <param name="TookMs">Execution time in whole milliseconds.</param>
/// <param name="Count">The number of rows.</param>
/// <param name="Meta">The contract version.</param>
public sealed record MatchResponse(IReadOnlyList<MatchRow> Results, long TookMs, int Count, MatchMeta Meta);
