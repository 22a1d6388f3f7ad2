using System.Text.Json;
using System.Text.Json.Serialization;

namespace VelesDb.Contracts;

/// <summary>
/// Source-generated JSON metadata for every contract type: snake_case wire names, null members
/// omitted, unknown request fields ignored.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    MaxDepth = 64)]
[JsonSerializable(typeof(FlatError))]
[JsonSerializable(typeof(VelesQlErrorResponse))]
[JsonSerializable(typeof(ParseErrorResponse))]
[JsonSerializable(typeof(AuthError))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(QueryRequest))]
[JsonSerializable(typeof(ExplainRequest))]
[JsonSerializable(typeof(QueryResponse))]
[JsonSerializable(typeof(AggregationResponse))]
[JsonSerializable(typeof(CollectionListResponse))]
[JsonSerializable(typeof(CreateCollectionRequest))]
[JsonSerializable(typeof(CollectionCreatedResponse))]
[JsonSerializable(typeof(CollectionInfoResponse))]
[JsonSerializable(typeof(CollectionMessageResponse))]
[JsonSerializable(typeof(UpsertPointsRequest))]
[JsonSerializable(typeof(UpsertPointsResponse))]
[JsonSerializable(typeof(PointResponse))]
[JsonSerializable(typeof(PointDeletedResponse))]
[JsonSerializable(typeof(ScrollRequest))]
[JsonSerializable(typeof(ScrollResponse))]
[JsonSerializable(typeof(DeletePointsRequest))]
[JsonSerializable(typeof(DeletePointsResponse))]
[JsonSerializable(typeof(RelationsResponse))]
[JsonSerializable(typeof(CreateRelationRequest))]
[JsonSerializable(typeof(RelationCreatedResponse))]
[JsonSerializable(typeof(SearchRequest))]
[JsonSerializable(typeof(BatchSearchRequest))]
[JsonSerializable(typeof(MultiQueryRequest))]
[JsonSerializable(typeof(TextSearchRequest))]
[JsonSerializable(typeof(HybridSearchRequest))]
[JsonSerializable(typeof(SearchResponse))]
[JsonSerializable(typeof(SearchIdsResponse))]
[JsonSerializable(typeof(BatchSearchResponse))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
// Graph routes, /match and the SSE traversal events (REST spec §2.4 #47, §2.5, §2.8).
[JsonSerializable(typeof(GraphEdgesResponse))]
[JsonSerializable(typeof(AddEdgeRequest))]
[JsonSerializable(typeof(AddEdgesRequest))]
[JsonSerializable(typeof(EdgesAddedResponse))]
[JsonSerializable(typeof(EdgeCountResponse))]
[JsonSerializable(typeof(NodeListResponse))]
[JsonSerializable(typeof(NodePayloadResponse))]
[JsonSerializable(typeof(NodePayloadRequest))]
[JsonSerializable(typeof(NodeDegreeResponse))]
[JsonSerializable(typeof(TraverseRequest))]
[JsonSerializable(typeof(ParallelTraverseRequest))]
[JsonSerializable(typeof(TraverseResponse))]
[JsonSerializable(typeof(TraversalNodeEvent))]
[JsonSerializable(typeof(TraversalStatsEvent))]
[JsonSerializable(typeof(TraversalDoneEvent))]
[JsonSerializable(typeof(GraphSearchRequest))]
[JsonSerializable(typeof(MatchRequest))]
[JsonSerializable(typeof(MatchResponse))]

// Ingest: VRB1, NDJSON, buffered streaming, TTL (REST spec §2.3 #22–25, #33).
[JsonSerializable(typeof(PointRequest))]
[JsonSerializable(typeof(StreamProcessedResponse))]
[JsonSerializable(typeof(StreamEnableRequest))]
[JsonSerializable(typeof(StreamEnabledResponse))]
[JsonSerializable(typeof(TtlRequest))]
// Admin routes, indexes and guard-rails (Admin.cs).
[JsonSerializable(typeof(IsEmptyResponse))]
[JsonSerializable(typeof(CollectionConfigResponse))]
[JsonSerializable(typeof(FlushResponse))]
[JsonSerializable(typeof(DiagnosticsResponse))]
[JsonSerializable(typeof(IndexRebuiltResponse))]
[JsonSerializable(typeof(LocalityReorderedResponse))]
[JsonSerializable(typeof(CompactResponse))]
[JsonSerializable(typeof(SanityResponse))]
[JsonSerializable(typeof(CollectionStatsResponse))]
[JsonSerializable(typeof(IndexListResponse))]
[JsonSerializable(typeof(IndexResponse))]
[JsonSerializable(typeof(CreateIndexRequest))]
[JsonSerializable(typeof(IndexDeletedResponse))]
[JsonSerializable(typeof(GuardRailsBody))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
