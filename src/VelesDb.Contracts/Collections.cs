using System.Text.Json;
using System.Text.Json.Serialization;

namespace VelesDb.Contracts;

/// <summary>The body of <c>GET /collections</c>.</summary>
/// <param name="Collections">Every collection name, sorted.</param>
public sealed record CollectionListResponse(IReadOnlyList<string> Collections);

/// <summary>The body of <c>POST /collections</c> (REST spec §2.6 CreateCollection).</summary>
/// <param name="Name">The collection name.</param>
/// <param name="Dimension">The vector dimension; required for vector collections.</param>
/// <param name="Metric">The distance metric or one of its aliases (default cosine).</param>
/// <param name="StorageMode">The vector storage mode or one of its aliases (default full).</param>
/// <param name="CollectionType"><c>vector</c> (default), <c>graph</c> or <c>metadata_only</c>, or an alias.</param>
public sealed record CreateCollectionRequest(string? Name, int? Dimension = null, string? Metric = null, string? StorageMode = null, string? CollectionType = null);

/// <summary>The 201 answer of <c>POST /collections</c>.</summary>
/// <param name="Message">Always <c>Collection created</c>.</param>
/// <param name="Name">The collection name.</param>
/// <param name="Type">The collection type as sent (default <c>vector</c>).</param>
/// <param name="Warnings">Advice about the created collection.</param>
public sealed record CollectionCreatedResponse(string Message, string Name, string Type, IReadOnlyList<string> Warnings);

/// <summary>The body of <c>GET /collections/{name}</c>.</summary>
/// <param name="Name">The collection name.</param>
/// <param name="Dimension">The vector dimension (0 without vectors).</param>
/// <param name="Metric">The metric, lower case (<c>cosine</c>, <c>euclidean</c>, <c>dotproduct</c>, …).</param>
/// <param name="PointCount">The number of points.</param>
/// <param name="StorageMode">The storage mode, lower case (<c>full</c>, <c>sq8</c>, …).</param>
public sealed record CollectionInfoResponse(string Name, int Dimension, string Metric, long PointCount, string StorageMode);

/// <summary>A message naming the collection it is about (delete, flush, …).</summary>
/// <param name="Message">What was done.</param>
/// <param name="Name">The collection name.</param>
public sealed record CollectionMessageResponse(string Message, string Name);

/// <summary>One point of an upsert (REST spec §2.3).</summary>
/// <param name="Id">The point id: a JSON integer or a decimal string.</param>
/// <param name="Vector">The dense vector, or null for metadata-only collections.</param>
/// <param name="Payload">The JSON payload, or null.</param>
/// <param name="SparseVector">A sparse vector (not accepted by this server yet; its presence is refused).</param>
/// <param name="SparseVectors">Named sparse vectors (not accepted by this server yet; their presence is refused).</param>
public sealed record PointRequest(
    [property: JsonConverter(typeof(PointIdConverter))] ulong Id,
    float[]? Vector = null,
    JsonElement? Payload = null,
    JsonElement? SparseVector = null,
    JsonElement? SparseVectors = null);

/// <summary>The body of <c>POST /collections/{name}/points</c>.</summary>
/// <param name="Points">The points to insert or replace.</param>
public sealed record UpsertPointsRequest(IReadOnlyList<PointRequest>? Points);

/// <summary>The answer of an upsert.</summary>
/// <param name="Message">What was done.</param>
/// <param name="Count">How many points were written.</param>
public sealed record UpsertPointsResponse(string Message, int Count);
