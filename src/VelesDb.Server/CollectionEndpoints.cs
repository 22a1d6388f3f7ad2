using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using VelesDb.Contracts;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;

namespace VelesDb.Server;

/// <summary>Collection CRUD (REST spec §2.2 #6–9) and point upsert (§2.3 #21).</summary>
internal static class CollectionEndpoints
{
    /// <summary>The most points one upsert may carry.</summary>
    public const int MaxUpsertBatch = 100_000;

    /// <summary>The largest point upload body (100 MB).</summary>
    public const long PointsBodyLimit = 100L * 1024 * 1024;

    /// <summary>Maps the routes on a route group.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/collections", List);
        routes.MapPost("/collections", Create);
        routes.MapGet("/collections/{name}", Get);
        routes.MapDelete("/collections/{name}", Delete);
        routes.MapPost("/collections/{name}/points", Upsert).WithMetadata(new BodyLimit(PointsBodyLimit)).AsHeavyWork();
    }

    /// <summary>Every collection name, sorted.</summary>
    public static IResult List(DatabaseHost host) =>
        Results.Json(
            new CollectionListResponse(host.Database.ListCollections().Select(c => c.Name).ToList()),
            ContractsJsonContext.Wire.CollectionListResponse);

    /// <summary>Creates a vector, graph or metadata-only collection.</summary>
    public static IResult Create(CreateCollectionRequest body, DatabaseHost host)
    {
        var type = body.CollectionType ?? "vector";
        var metricText = body.Metric ?? "cosine";
        if (!DistanceMetrics.TryParse(metricText.Trim(), out var metric))
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, $"Invalid metric '{metricText}'; use cosine, euclidean (l2), dot (dotproduct, inner, ip), hamming or jaccard.");
        }

        var storageText = body.StorageMode ?? "full";
        if (!StorageModes.TryParse(storageText, out var storage))
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, $"Invalid storage_mode '{storageText}'; use full (f32), sq8 (int8), binary (bit) or pq (product_quantization).");
        }

        try
        {
            var db = host.Database;
            switch (type.Trim().ToLowerInvariant())
            {
                case "vector" or "":
                    if (body.Dimension is not { } dimension)
                    {
                        return ErrorMapping.Flat(StatusCodes.Status400BadRequest, "dimension is required for vector collections; add \"dimension\": <n> to the body.");
                    }

                    db.CreateCollection(body.Name!, dimension, metric, storage);
                    break;
                case "graph" or "knowledge_graph" or "kg":
                    db.CreateGraphCollection(body.Name!, schema: null, embeddingDimension: body.Dimension ?? 0, metric);
                    break;
                case "metadata_only" or "metadata-only" or "metadata":
                    db.CreateMetadataCollection(body.Name!);
                    break;
                default:
                    return ErrorMapping.Flat(StatusCodes.Status400BadRequest, $"Invalid collection_type '{type}'; use vector, graph or metadata_only.");
            }
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(
            new CollectionCreatedResponse("Collection created", body.Name!, type, []),
            ContractsJsonContext.Wire.CollectionCreatedResponse,
            statusCode: StatusCodes.Status201Created);
    }

    /// <summary>A collection's summary.</summary>
    public static IResult Get(string name, DatabaseHost host)
    {
        Collection collection;
        try
        {
            collection = host.Database.GetCollection(name);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(
            new CollectionInfoResponse(
                collection.Name,
                collection.HasVectors ? collection.Dimension : 0,
                collection.Metric.ToString().ToLowerInvariant(),
                collection.Count,
                collection.StorageMode.ToString().ToLowerInvariant()),
            ContractsJsonContext.Wire.CollectionInfoResponse);
    }

    /// <summary>Deletes a collection and its files.</summary>
    public static IResult Delete(string name, DatabaseHost host)
    {
        try
        {
            host.Database.DeleteCollection(name);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(new CollectionMessageResponse("Collection deleted", name), ContractsJsonContext.Wire.CollectionMessageResponse);
    }

    /// <summary>Inserts or replaces points.</summary>
    public static IResult Upsert(string name, UpsertPointsRequest body, DatabaseHost host)
    {
        var points = body.Points;
        if (points is null)
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, "The body needs a \"points\" array: {\"points\": [{\"id\": 1, \"vector\": [...], \"payload\": {...}}]}.");
        }

        if (points.Count > MaxUpsertBatch)
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, $"Batch too large: {points.Count} points (at most {MaxUpsertBatch}); split the upload into smaller batches.");
        }

        if (points.Select(Refusal).FirstOrDefault(r => r is not null) is { } refusal)
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, refusal);
        }

        try
        {
            var collection = host.Database.GetCollection(name);
            collection.Upsert(points.Select(ToPoint).ToList());
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(new UpsertPointsResponse("Points upserted", points.Count), ContractsJsonContext.Wire.UpsertPointsResponse);
    }

    /// <summary>
    /// Why a point of an upload is refused before it reaches Core, or null when it is accepted.
    /// Shared by every route that takes JSON points (<c>/points</c>, <c>/points/stream</c>, <c>/stream/insert</c>).
    /// </summary>
    public static string? Refusal(PointRequest point) =>
        point.SparseVector is not null || point.SparseVectors is not null
            ? "Sparse vectors are not accepted on /points by this server yet; upsert them with VelesQL (INSERT/UPSERT with a sparse parameter)."
            : null;

    /// <summary>The Core point of an accepted upload point (see <see cref="Refusal"/>).</summary>
    public static Point ToPoint(PointRequest point) =>
        new(point.Id, point.Vector ?? ReadOnlyMemory<float>.Empty, point.Payload is { ValueKind: not JsonValueKind.Null } payload ? payload : null);
}

/// <summary>A route's own request body limit, applied before the body is read.</summary>
/// <param name="MaxBytes">The limit in bytes.</param>
internal sealed record BodyLimit(long MaxBytes)
{
    /// <summary>Raises (or lowers) the connection's body limit for this request when the server allows it.</summary>
    public static void Apply(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() is { } limit
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit.MaxBytes;
        }
    }
}
