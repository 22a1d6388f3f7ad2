using System.Text.Json;
using VelesDb.Contracts;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Graph;

namespace VelesDb.Server;

/// <summary>Point reads and deletes and relation routes (REST spec §2.3 #26–29, #31–32).</summary>
internal static class PointEndpoints
{
    /// <summary>The most ids one bulk delete may carry.</summary>
    public const int MaxDeleteBatch = 10_000;

    /// <summary>The largest scroll page.</summary>
    public const int MaxScrollBatch = 10_000;

    /// <summary>The scroll page size when the body gives none.</summary>
    public const int DefaultScrollBatch = 100;

    /// <summary>Maps the routes on a route group.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/collections/{name}/points/{id}", Get);
        routes.MapDelete("/collections/{name}/points/{id}", Delete);
        routes.MapPost("/collections/{name}/points/scroll", Scroll).AsHeavyWork();
        routes.MapPost("/collections/{name}/points/delete", DeleteMany).AsHeavyWork();
        routes.MapPost("/collections/{name}/relations", CreateRelation);
        routes.MapDelete("/collections/{name}/relations/{edgeId}", DeleteRelation);
        routes.MapGet("/collections/{name}/points/{id}/relations", Relations);
    }

    /// <summary>One point by id.</summary>
    public static IResult Get(string name, ulong id, DatabaseHost host)
    {
        Point? point;
        try
        {
            point = host.Database.GetCollection(name).Get(id);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return point is null
            ? ErrorMapping.Flat(
                StatusCodes.Status404NotFound,
                $"Point {id} not found in collection '{name}'. Check the id, or upsert the point first (POST /collections/{name}/points).",
                VelesDbException.Format(VelesDbErrorCode.PointNotFound))
            : Results.Json(ToResponse(point), ContractsJsonContext.Wire.PointResponse);
    }

    /// <summary>Deletes one point (and its edges); an absent id is not an error.</summary>
    public static IResult Delete(string name, ulong id, DatabaseHost host)
    {
        try
        {
            host.Database.GetCollection(name).Delete([id]);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(new PointDeletedResponse("Point deleted", id), ContractsJsonContext.Wire.PointDeletedResponse);
    }

    /// <summary>A page of points in ascending id order, optionally filtered.</summary>
    public static IResult Scroll(string name, ScrollRequest body, DatabaseHost host)
    {
        var batchSize = body.BatchSize ?? DefaultScrollBatch;
        if (batchSize is < 1 or > MaxScrollBatch)
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, $"batch_size must be between 1 and {MaxScrollBatch}, got {batchSize}.");
        }

        Filter? filter = null;
        if (body.Filter is { ValueKind: not JsonValueKind.Null } filterJson)
        {
            try
            {
                filter = Filter.FromJson(filterJson);
            }
            catch (VelesDbException e)
            {
                return ErrorMapping.Flat(StatusCodes.Status400BadRequest, $"Invalid filter: {e.Message}" + (e.Hint is null ? string.Empty : $" Hint: {e.Hint}"));
            }
        }

        ScrollPage page;
        try
        {
            page = host.Database.GetCollection(name).Scroll(body.Cursor, batchSize, filter);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(
            new ScrollResponse(page.Points.Select(ToResponse).ToList(), page.NextCursor),
            ContractsJsonContext.Wire.ScrollResponse);
    }

    /// <summary>Deletes points by id (and their edges); absent ids are skipped.</summary>
    public static IResult DeleteMany(string name, DeletePointsRequest body, DatabaseHost host)
    {
        var ids = body.Ids;
        if (ids is null)
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, "The body needs an \"ids\" array: {\"ids\": [1, 2, 3]}.");
        }

        if (ids.Count == 0)
        {
            return Results.Json(new DeletePointsResponse("No points to delete", name, 0), ContractsJsonContext.Wire.DeletePointsResponse);
        }

        if (ids.Count > MaxDeleteBatch)
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, $"Batch too large: {ids.Count} ids (at most {MaxDeleteBatch}); split the delete into smaller batches.");
        }

        int deleted;
        try
        {
            deleted = host.Database.GetCollection(name).Delete(ids);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(new DeletePointsResponse("Points deleted", name, deleted), ContractsJsonContext.Wire.DeletePointsResponse);
    }

    /// <summary>Adds one edge under a new id (Core assigns it); 201 <c>{edge_id}</c>.</summary>
    public static IResult CreateRelation(string name, CreateRelationRequest body, DatabaseHost host)
    {
        if (body.Source is not { } source || body.Target is not { } target || string.IsNullOrWhiteSpace(body.RelType))
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, "source, target and rel_type are required, e.g. {\"source\": 1, \"target\": 2, \"rel_type\": \"CITES\"}.");
        }

        if (body.Properties is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, "properties must be an object or null");
        }

        ulong id;
        try
        {
            var properties = body.Properties is { ValueKind: JsonValueKind.Object } p ? p : (JsonElement?)null;
            id = host.Database.GetCollection(name).AddEdge(source, target, body.RelType, properties);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(new RelationCreatedResponse(id), ContractsJsonContext.Wire.RelationCreatedResponse, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Removes one edge; 204 when it existed, 404 VELES-020 when not.</summary>
    public static IResult DeleteRelation(string name, ulong edgeId, DatabaseHost host)
    {
        bool removed;
        try
        {
            removed = host.Database.GetCollection(name).RemoveEdge(edgeId);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return removed
            ? Results.NoContent()
            : ErrorMapping.Flat(
                StatusCodes.Status404NotFound,
                $"Edge {edgeId} not found in collection '{name}'. List a point's edges with GET /collections/{name}/points/{{id}}/relations.",
                VelesDbException.Format(VelesDbErrorCode.EdgeNotFound));
    }

    /// <summary>The outgoing edges of a point (empty when the point has none or does not exist).</summary>
    public static IResult Relations(string name, ulong id, DatabaseHost host)
    {
        IReadOnlyList<GraphEdge> edges;
        try
        {
            edges = host.Database.GetCollection(name).GetOutgoingEdges(id);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(
            new RelationsResponse(edges.Select(e => new RelationResponse(e.Id, e.Source, e.Target, e.Label, e.Properties)).ToList(), edges.Count),
            ContractsJsonContext.Wire.RelationsResponse);
    }

    private static PointResponse ToResponse(Point point) => new(point.Id, point.Vector.ToArray(), point.Payload);
}
