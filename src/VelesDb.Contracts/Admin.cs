using System.Text.Json;

namespace VelesDb.Contracts;

/// <summary>The body of <c>GET /collections/{name}/empty</c>.</summary>
/// <param name="IsEmpty">True when the collection holds no point.</param>
public sealed record IsEmptyResponse(bool IsEmpty);

/// <summary>HNSW parameters in <see cref="CollectionConfigResponse"/>.</summary>
/// <param name="M">Links per node.</param>
/// <param name="EfConstruction">Candidate list size while building.</param>
public sealed record HnswParamsResponse(int M, int EfConstruction);

/// <summary>The body of <c>GET /collections/{name}/config</c> (REST spec §2.6 CollectionConfig).</summary>
/// <param name="Name">The collection name.</param>
/// <param name="Dimension">The vector dimension (0 without vectors).</param>
/// <param name="Metric">The metric, lower-cased enum name (<c>cosine</c>, <c>euclidean</c>, <c>dotproduct</c>, <c>hamming</c>, <c>jaccard</c>).</param>
/// <param name="StorageMode">The storage mode, lower-cased enum name (<c>full</c>, <c>sq8</c>, <c>binary</c>, <c>productquantization</c>).</param>
/// <param name="PointCount">The number of points.</param>
/// <param name="MetadataOnly">True for a metadata-only collection.</param>
/// <param name="SchemaVersion">The on-disk format version of the collection.</param>
/// <param name="GraphSchema">The graph schema of a graph collection; omitted otherwise.</param>
/// <param name="EmbeddingDimension">The embedding dimension of a graph collection with embeddings; omitted otherwise.</param>
/// <param name="PqRescoreOversampling">The re-rank oversampling of a product-quantized collection; omitted otherwise.</param>
/// <param name="HnswParams">The HNSW parameters of a collection with vectors; omitted otherwise.</param>
public sealed record CollectionConfigResponse(
    string Name,
    int Dimension,
    string Metric,
    string StorageMode,
    long PointCount,
    bool MetadataOnly,
    int SchemaVersion,
    JsonElement? GraphSchema = null,
    int? EmbeddingDimension = null,
    int? PqRescoreOversampling = null,
    HnswParamsResponse? HnswParams = null);

/// <summary>The body of <c>POST /collections/{name}/flush</c>.</summary>
/// <param name="Message">Always <c>Flushed successfully</c>.</param>
/// <param name="Collection">The collection name.</param>
public sealed record FlushResponse(string Message, string Collection);

/// <summary>The body of <c>GET /collections/{name}/diagnostics</c>.</summary>
/// <param name="HasVectors">True when the collection holds at least one vector.</param>
/// <param name="SearchReady">True when a vector search can find points.</param>
/// <param name="DimensionConfigured">True when the collection has a vector dimension.</param>
/// <param name="PointCount">The number of points.</param>
/// <param name="IndexHealth"><c>healthy</c>, <c>empty</c>, <c>needs_rebuild</c> or <c>unknown</c> (no vector index).</param>
/// <param name="IndexHealthDetail">Why the index is not healthy; omitted when it is.</param>
public sealed record DiagnosticsResponse(bool HasVectors, bool SearchReady, bool DimensionConfigured, long PointCount, string IndexHealth, string? IndexHealthDetail = null);

/// <summary>The body of <c>POST /collections/{name}/index/rebuild</c> and <c>/vacuum</c>.</summary>
/// <param name="Message"><c>Index rebuilt</c> or <c>Index vacuumed</c>.</param>
/// <param name="Collection">The collection name.</param>
/// <param name="CompactedEntries">The index tombstones (deleted or replaced points) the rebuild dropped.</param>
public sealed record IndexRebuiltResponse(string Message, string Collection, long CompactedEntries);

/// <summary>Answer of <c>POST {n}/locality/reorder</c>: the spec's message and collection, plus the nodes renumbered.</summary>
public sealed record LocalityReorderedResponse(string Message, string Collection, long ReorderedNodes);

/// <summary>The body of <c>POST /collections/{name}/compact</c>.</summary>
/// <param name="Message">Always <c>Storage compacted</c>.</param>
/// <param name="Collection">The collection name.</param>
/// <param name="BytesReclaimed">How many bytes the collection's files shrank by.</param>
public sealed record CompactResponse(string Message, string Collection, long BytesReclaimed);

/// <summary>The <c>checks</c> of <see cref="SanityResponse"/>.</summary>
/// <param name="HasVectors">True when the collection holds at least one vector.</param>
/// <param name="SearchReady">True when a vector search can find points.</param>
/// <param name="DimensionConfigured">True when the collection has a vector dimension.</param>
public sealed record SanityChecks(bool HasVectors, bool SearchReady, bool DimensionConfigured);

/// <summary>Server-wide search counters in <see cref="SanityResponse"/> (since the server started).</summary>
/// <param name="SearchRequestsTotal">Search requests answered.</param>
/// <param name="DimensionMismatchTotal">Searches refused for a vector of the wrong dimension.</param>
/// <param name="EmptySearchResultsTotal">Searches that found nothing.</param>
/// <param name="FilterParseErrorsTotal">Searches refused for an invalid filter.</param>
public sealed record SanityDiagnostics(long SearchRequestsTotal, long DimensionMismatchTotal, long EmptySearchResultsTotal, long FilterParseErrorsTotal);

/// <summary>The body of <c>GET /collections/{name}/sanity</c> (REST spec §2.6 Sanity).</summary>
/// <param name="Collection">The collection name.</param>
/// <param name="Dimension">The vector dimension (0 without vectors).</param>
/// <param name="Metric">The metric, lower-cased enum name.</param>
/// <param name="PointCount">The number of points.</param>
/// <param name="IsEmpty">True when the collection holds no point.</param>
/// <param name="Checks">Readiness checks.</param>
/// <param name="Diagnostics">Server-wide search counters.</param>
/// <param name="Hints">What to do about failed checks; empty when all pass.</param>
public sealed record SanityResponse(string Collection, int Dimension, string Metric, long PointCount, bool IsEmpty, SanityChecks Checks, SanityDiagnostics Diagnostics, IReadOnlyList<string> Hints);

/// <summary>Statistics of one payload field in <see cref="CollectionStatsResponse"/>.</summary>
/// <param name="Name">The field name.</param>
/// <param name="NullCount">Points whose field is JSON null.</param>
/// <param name="DistinctCount">Distinct non-null values (exact, or an estimate past 100 000).</param>
/// <param name="MinValue">The smallest value (numbers if any, else strings); omitted when none.</param>
/// <param name="MaxValue">The largest value; omitted when none.</param>
/// <param name="AvgSizeBytes">Average size of a non-null value as JSON text, in bytes.</param>
/// <param name="HistogramBuckets">Buckets of the numeric equi-depth histogram; omitted without numbers.</param>
/// <param name="HistogramStale">Whether the histogram bounds come from a sample; omitted without numbers.</param>
public sealed record ColumnStatsResponse(string Name, long NullCount, long DistinctCount, JsonElement? MinValue, JsonElement? MaxValue, double AvgSizeBytes, int? HistogramBuckets = null, bool? HistogramStale = null);

/// <summary>Statistics of one index in <see cref="CollectionStatsResponse"/>.</summary>
/// <param name="Name">The index name.</param>
/// <param name="IndexType"><c>hnsw</c>, <c>secondary</c>, <c>hash</c> or <c>range</c>.</param>
/// <param name="EntryCount">Entries in the index.</param>
/// <param name="Depth">Levels of the structure (HNSW layers; 1 for flat indexes).</param>
/// <param name="SizeBytes">Approximate memory in bytes.</param>
public sealed record IndexStatsResponse(string Name, string IndexType, long EntryCount, int Depth, long SizeBytes);

/// <summary>The body of <c>POST /collections/{name}/analyze</c> and <c>GET …/stats</c> (REST spec §2.6 CollectionStats).</summary>
/// <param name="TotalPoints">Live points plus index tombstones.</param>
/// <param name="TotalSizeBytes">Bytes of the collection's files on disk.</param>
/// <param name="RowCount">Live points.</param>
/// <param name="DeletedCount">Index tombstones (deleted or replaced points not yet compacted).</param>
/// <param name="AvgRowSizeBytes">Average payload plus vector bytes per point.</param>
/// <param name="PayloadSizeBytes">Payload JSON bytes over all points.</param>
/// <param name="LastAnalyzedEpochMs">When the statistics were computed (Unix ms).</param>
/// <param name="ColumnStats">Per payload field, by name.</param>
/// <param name="IndexStats">Per index, by name.</param>
public sealed record CollectionStatsResponse(
    long TotalPoints,
    long TotalSizeBytes,
    long RowCount,
    long DeletedCount,
    double AvgRowSizeBytes,
    long PayloadSizeBytes,
    long LastAnalyzedEpochMs,
    IReadOnlyDictionary<string, ColumnStatsResponse> ColumnStats,
    IReadOnlyDictionary<string, IndexStatsResponse> IndexStats);

/// <summary>One graph property index (REST spec §2.4 #41–42).</summary>
/// <param name="Label">The node label.</param>
/// <param name="Property">The payload property.</param>
/// <param name="IndexType"><c>hash</c> or <c>range</c>.</param>
/// <param name="Cardinality">Distinct values indexed.</param>
/// <param name="MemoryBytes">Approximate memory in bytes.</param>
public sealed record IndexResponse(string Label, string Property, string IndexType, long Cardinality, long MemoryBytes);

/// <summary>The body of <c>GET /collections/{name}/indexes</c>.</summary>
/// <param name="Indexes">The indexes.</param>
/// <param name="Total">How many.</param>
public sealed record IndexListResponse(IReadOnlyList<IndexResponse> Indexes, int Total);

/// <summary>The body of <c>POST /collections/{name}/indexes</c>.</summary>
/// <param name="Label">The node label.</param>
/// <param name="Property">The payload property.</param>
/// <param name="IndexType"><c>hash</c> (default) or <c>range</c>.</param>
public sealed record CreateIndexRequest(string? Label, string? Property, string? IndexType = null);

/// <summary>The body of <c>DELETE /collections/{name}/indexes/{label}/{property}</c>.</summary>
/// <param name="Message">Always <c>Index deleted</c>.</param>
/// <param name="Label">The node label.</param>
/// <param name="Property">The payload property.</param>
public sealed record IndexDeletedResponse(string Message, string Label, string Property);

/// <summary>The query guard-rails (REST spec §2.6 GuardRails); in a PUT body every field is optional.</summary>
/// <param name="MaxDepth">The deepest graph traversal a query may run.</param>
/// <param name="MaxCardinality">The most intermediate rows a query may produce.</param>
/// <param name="MemoryLimitBytes">The memory budget of one query, in bytes.</param>
/// <param name="TimeoutMs">The default query timeout, in milliseconds.</param>
/// <param name="RateLimitQps">Search requests per second per client (X-Client-Id).</param>
/// <param name="CircuitFailureThreshold">Consecutive failed searches that open the circuit breaker.</param>
/// <param name="CircuitRecoverySeconds">Seconds an open circuit stays open.</param>
public sealed record GuardRailsBody(
    long? MaxDepth = null,
    long? MaxCardinality = null,
    long? MemoryLimitBytes = null,
    long? TimeoutMs = null,
    long? RateLimitQps = null,
    long? CircuitFailureThreshold = null,
    long? CircuitRecoverySeconds = null);
