using System.Text.Json.Nodes;
using VelesDb.Contracts;
using VelesDb.Core.Errors;
using VelesDb.VelesQL;

namespace VelesDb.Server;

/// <summary>
/// The one place that turns errors into HTTP answers: the core-error → status table (REST spec
/// §1.4) with the flat body (shape A), and the VelesQL bodies (shapes B and C, §2.9).
/// </summary>
internal static class ErrorMapping
{
    /// <summary>The VelesQL contract hint for an execution error without a more precise one.</summary>
    public const string ExecutionHint = "Validate query semantics and parameter types against the target collection";

    /// <summary>The HTTP status of a core error code (REST spec §1.4).</summary>
    public static int StatusOf(VelesDbErrorCode code) => code switch
    {
        VelesDbErrorCode.CollectionNotFound or VelesDbErrorCode.PointNotFound
            or VelesDbErrorCode.EdgeNotFound or VelesDbErrorCode.NodeNotFound => StatusCodes.Status404NotFound,
        VelesDbErrorCode.CollectionExists or VelesDbErrorCode.EdgeExists => StatusCodes.Status409Conflict,
        VelesDbErrorCode.DimensionMismatch or VelesDbErrorCode.InvalidVector or VelesDbErrorCode.InvalidCollectionName
            or VelesDbErrorCode.InvalidDimension or VelesDbErrorCode.Config or VelesDbErrorCode.Query
            or VelesDbErrorCode.InvalidEdgeLabel or VelesDbErrorCode.InvalidQuantizerConfig or VelesDbErrorCode.SchemaValidation
            or VelesDbErrorCode.VectorNotAllowed or VelesDbErrorCode.VectorRequired or VelesDbErrorCode.SearchNotSupported
            or VelesDbErrorCode.GraphNotSupported or VelesDbErrorCode.Overflow => StatusCodes.Status400BadRequest,
        VelesDbErrorCode.DatabaseLocked or VelesDbErrorCode.GuardRail => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>A core error as a flat (shape A) response with its mapped status.</summary>
    public static IResult Flat(VelesDbException e) =>
        Flat(StatusOf(e.Code), e.Hint is null ? e.Message : $"{e.Message} Hint: {e.Hint}", e.CodeString);

    /// <summary>A flat (shape A) response.</summary>
    public static IResult Flat(int status, string message, string? code = null) =>
        Results.Json(new FlatError(message, code), ContractsJsonContext.Wire.FlatError, statusCode: status);

    /// <summary>A VelesQL semantic (shape B) response.</summary>
    public static IResult VelesQl(int status, string code, string message, string hint, JsonObject? details = null) =>
        Results.Json(new VelesQlErrorResponse(new VelesQlError(code, message, hint, details)), ContractsJsonContext.Wire.VelesQlErrorResponse, statusCode: status);

    /// <summary>
    /// A core error raised by <c>/query</c>, <c>/aggregate</c> or <c>/query/explain</c>, as the REST
    /// spec §2.9 answers it.
    /// </summary>
    /// <param name="e">The error.</param>
    /// <param name="query">The query text (for the parse error fragment).</param>
    /// <param name="endpoint">The endpoint path without prefix, e.g. <c>/query</c>.</param>
    /// <param name="analyze">Whether the call was an EXPLAIN ANALYZE (execution errors are then explain-analyze errors).</param>
    public static IResult VelesQl(VelesDbException e, string query, string endpoint, bool analyze = false)
    {
        switch (e.QueryCode)
        {
            case "PARSE" or "E007":
                return ParseError(e, query);
            case "NO_COLLECTION":
                return VelesQl(
                    StatusCodes.Status422UnprocessableEntity,
                    "VELESQL_MISSING_COLLECTION",
                    $"MATCH queries on {endpoint} need the target collection in the request body field 'collection'.",
                    "Add \"collection\": \"<name>\" to the request body, naming the collection whose graph the MATCH runs on.",
                    new JsonObject { ["field"] = "collection", ["endpoint"] = endpoint, ["query_type"] = "MATCH" });
            case "NOT_AGGREGATE":
                return VelesQl(
                    StatusCodes.Status422UnprocessableEntity,
                    "VELESQL_AGGREGATION_ERROR",
                    "Only aggregation queries are accepted on /aggregate",
                    "Use GROUP BY or an aggregate function (COUNT, SUM, AVG, MIN, MAX), or send row queries and MATCH to /query.",
                    new JsonObject { ["endpoint"] = "/aggregate" });
            case { } code when code.Length == 4 && code[0] == 'V' && char.IsAsciiDigit(code[1]):
                return VelesQl(StatusCodes.Status422UnprocessableEntity, "VELESQL_VALIDATION_ERROR", e.Message, e.Hint ?? "Check the query against the VelesQL reference.");
        }

        if (e.Code == VelesDbErrorCode.CollectionNotFound)
        {
            var name = e.Collection;
            return VelesQl(
                StatusCodes.Status404NotFound,
                "VELESQL_COLLECTION_NOT_FOUND",
                name is null ? e.Message : $"Collection '{name}' not found",
                "Create the collection first (POST /collections) or check the collection name.",
                new JsonObject { ["collection"] = name });
        }

        var hint = e.Hint ?? ExecutionHint;
        if (analyze)
        {
            return VelesQl(StatusCodes.Status422UnprocessableEntity, "VELESQL_EXPLAIN_ANALYZE_ERROR", e.Message, hint);
        }

        // Engine codes other than VELES-010 come from writes (INSERT, UPDATE, DELETE, DDL) refused by
        // the storage layer; guard-rail stops and runtime failures are execution errors.
        var mutation = e.Code is not (VelesDbErrorCode.Query or VelesDbErrorCode.GuardRail);
        return VelesQl(
            StatusCodes.Status422UnprocessableEntity,
            mutation ? "VELESQL_MUTATION_ERROR" : "VELESQL_EXECUTION_ERROR",
            e.Message,
            hint,
            new JsonObject { ["velesdb_code"] = e.CodeString });
    }

    private static IResult ParseError(VelesDbException e, string query)
    {
        var position = Math.Clamp(e.Position ?? 0, 0, query.Length);
        var fragment = query.Substring(position, Math.Min(40, query.Length - position));
        var type = e.InnerException is VelesQLParseException parse ? parse.Kind.ToString() : nameof(ParseErrorKind.ComplexityLimit);
        return Results.Json(
            new ParseErrorResponse(new ParseError(type, e.Message, position, fragment)),
            ContractsJsonContext.Wire.ParseErrorResponse,
            statusCode: StatusCodes.Status400BadRequest);
    }
}
