using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Contracts;
using VelesDb.Core.Errors;
using VelesDb.Core.Query;

namespace VelesDb.Server;

/// <summary><c>POST /query</c>, <c>/aggregate</c> and <c>/query/explain</c> (REST spec §2.9).</summary>
internal static class QueryEndpoints
{
    /// <summary>Maps the three routes on a route group.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/query", Query).AsHeavyWork();
        routes.MapPost("/aggregate", Aggregate).AsHeavyWork();
        routes.MapPost("/query/explain", Explain).AsHeavyWork();
    }

    /// <summary>Runs any statement; aggregations answer with the aggregation shape.</summary>
    public static IResult Query(QueryRequest body, DatabaseHost host, Metrics.ServerMetrics metrics, CancellationToken aborted)
    {
        if (MissingQuery(body.Query) is { } missing)
        {
            return missing;
        }

        QueryResult result;
        try
        {
            result = host.Database.Execute(body.Query!, Parameters(body.Params), new QueryOptions { Collection = body.Collection, Cancellation = aborted });
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.VelesQl(e, body.Query!, "/query");
        }

        metrics.QueryExecuted(result.StatementType, result.Elapsed);

        return result.IsAggregation ? AggregationAnswer(result) : RowsAnswer(result);
    }

    /// <summary>Runs an aggregation query; anything else is refused with VELESQL_AGGREGATION_ERROR.</summary>
    public static IResult Aggregate(QueryRequest body, DatabaseHost host, Metrics.ServerMetrics metrics, CancellationToken aborted)
    {
        if (MissingQuery(body.Query) is { } missing)
        {
            return missing;
        }

        try
        {
            var result = host.Database.ExecuteAggregate(body.Query!, Parameters(body.Params), new QueryOptions { Collection = body.Collection, Cancellation = aborted });
            metrics.QueryExecuted(result.StatementType, result.Elapsed);
            return AggregationAnswer(result);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.VelesQl(e, body.Query!, "/aggregate");
        }
    }

    /// <summary>Explains a query, and with <c>analyze</c> runs it too.</summary>
    public static IResult Explain(ExplainRequest body, DatabaseHost host, Metrics.ServerMetrics metrics, CancellationToken aborted)
    {
        if (MissingQuery(body.Query) is { } missing)
        {
            return missing;
        }

        try
        {
            var plan = host.Database.Explain(body.Query!, Parameters(body.Params), body.Analyze, new QueryOptions { Cancellation = aborted });
            metrics.QueryExecuted("EXPLAIN", null);
            return Results.Json(plan, ContractsJsonContext.Wire.JsonObject);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.VelesQl(e, body.Query!, "/query/explain", body.Analyze);
        }
    }

    private static IResult? MissingQuery(string? query) =>
        string.IsNullOrWhiteSpace(query)
            ? ErrorMapping.VelesQl(
                StatusCodes.Status422UnprocessableEntity,
                "VELESQL_VALIDATION_ERROR",
                "The request body has no query.",
                "Send {\"query\": \"SELECT ...\", \"params\": {...}} with a non-empty VelesQL query.",
                new JsonObject { ["field"] = "query" })
            : null;

    /// <summary>The body's <c>params</c> as Core parameters: each value stays a <see cref="JsonElement"/>, which Core binds.</summary>
    internal static Dictionary<string, object?>? Parameters(Dictionary<string, JsonElement>? parameters) =>
        parameters?.ToDictionary(p => p.Key, p => p.Value.ValueKind == JsonValueKind.Null ? null : (object?)p.Value, StringComparer.Ordinal);

    private static IResult RowsAnswer(QueryResult result)
    {
        var elapsed = result.Elapsed.TotalMilliseconds;
        var response = new QueryResponse(
            result.Rows,
            elapsed,
            (long)Math.Round(elapsed, MidpointRounding.AwayFromZero),
            result.Rows.Count,
            new QueryMeta(QueryMeta.ContractVersion, result.Rows.Count));
        return Results.Json(response, ContractsJsonContext.Wire.QueryResponse);
    }

    /// <summary>
    /// The aggregation shape: a GROUP BY answers an array of groups, an aggregation over the whole
    /// input its single row as an object (count 1).
    /// </summary>
    private static IResult AggregationAnswer(QueryResult result)
    {
        JsonNode answer;
        int count;
        if (!result.IsGrouped && result.Rows.Count == 1)
        {
            answer = Detached(result.Rows[0]);
            count = 1;
        }
        else
        {
            var rows = new JsonArray();
            foreach (var row in result.Rows)
            {
                rows.Add(Detached(row));
            }

            answer = rows;
            count = rows.Count;
        }

        var response = new AggregationResponse(answer, result.Elapsed.TotalMilliseconds, new QueryMeta(QueryMeta.ContractVersion, count));
        return Results.Json(response, ContractsJsonContext.Wire.AggregationResponse);
    }

    private static JsonNode Detached(JsonObject row) => row.Parent is null ? row : row.DeepClone();
}
