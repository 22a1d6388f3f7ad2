using VelesDb.Contracts;
using VelesDb.Core.Graph;

namespace VelesDb.Server;

/// <summary>Graph property indexes (REST spec §2.4 #41–43), over Core's hash and range indexes.</summary>
internal static class IndexEndpoints
{
    /// <summary>The <c>code</c> of the 404 for an index that does not exist (no catalogue code applies).</summary>
    public const string IndexNotFoundCode = "VELES-INDEX-NOT-FOUND";

    /// <summary>The <c>code</c> of the 409 for an index that already exists.</summary>
    public const string IndexExistsCode = "VELES-INDEX-EXISTS";

    /// <summary>Maps the routes on a route group.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/collections/{name}/indexes", List);
        routes.MapPost("/collections/{name}/indexes", Create);
        routes.MapDelete("/collections/{name}/indexes/{label}/{property}", Drop);
    }

    /// <summary>Every property index of the collection.</summary>
    public static IResult List(string name, DatabaseHost host) =>
        AdminEndpoints.With(name, host, c =>
        {
            var indexes = c.ListPropertyIndexes().Select(ToResponse).ToList();
            return Results.Json(new IndexListResponse(indexes, indexes.Count), ContractsJsonContext.Wire.IndexListResponse);
        });

    /// <summary>Creates a hash (default) or range index on (label, property); 201 with the new index.</summary>
    public static IResult Create(string name, CreateIndexRequest body, DatabaseHost host)
    {
        if (string.IsNullOrWhiteSpace(body.Label) || string.IsNullOrWhiteSpace(body.Property))
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, "The body needs a non-empty \"label\" and \"property\": {\"label\": \"Person\", \"property\": \"email\", \"index_type\": \"hash\"}.");
        }

        GraphIndexKind kind;
        switch (body.IndexType?.Trim().ToLowerInvariant())
        {
            case null or "hash":
                kind = GraphIndexKind.Hash;
                break;
            case "range":
                kind = GraphIndexKind.Range;
                break;
            default:
                return ErrorMapping.Flat(StatusCodes.Status400BadRequest, $"Invalid index_type '{body.IndexType}'; use \"hash\" (equality lookups) or \"range\" (ordered lookups).");
        }

        return AdminEndpoints.With(name, host, c =>
        {
            var created = kind == GraphIndexKind.Hash ? c.CreatePropertyIndex(body.Label, body.Property) : c.CreateRangeIndex(body.Label, body.Property);
            if (!created)
            {
                return ErrorMapping.Flat(
                    StatusCodes.Status409Conflict,
                    $"A {Name(kind)} index on {body.Label}.{body.Property} already exists; drop it first with DELETE /collections/{c.Name}/indexes/{body.Label}/{body.Property} to recreate it.",
                    IndexExistsCode);
            }

            var info = c.ListPropertyIndexes().First(i => i.Label == body.Label && i.Property == body.Property && i.Kind == kind);
            return Results.Json(ToResponse(info), ContractsJsonContext.Wire.IndexResponse, statusCode: StatusCodes.Status201Created);
        });
    }

    /// <summary>Drops the hash and range indexes on (label, property).</summary>
    public static IResult Drop(string name, string label, string property, DatabaseHost host) =>
        AdminEndpoints.With(name, host, c => c.DropPropertyIndex(label, property)
            ? Results.Json(new IndexDeletedResponse("Index deleted", label, property), ContractsJsonContext.Wire.IndexDeletedResponse)
            : ErrorMapping.Flat(
                StatusCodes.Status404NotFound,
                $"Index on {label}.{property} not found in collection '{c.Name}'; GET /collections/{c.Name}/indexes lists the existing ones.",
                IndexNotFoundCode));

    private static IndexResponse ToResponse(GraphIndexInfo i) => new(i.Label, i.Property, Name(i.Kind), i.Cardinality, i.MemoryBytes);

    private static string Name(GraphIndexKind kind) => kind == GraphIndexKind.Range ? "range" : "hash";
}
