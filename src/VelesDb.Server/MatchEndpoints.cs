using VelesDb.Contracts;
using VelesDb.Core.Errors;
using VelesDb.Core.Query;

namespace VelesDb.Server;

/// <summary><c>POST /collections/{name}/match</c>: a VelesQL MATCH in one collection (REST spec §2.4 #47).</summary>
internal static class MatchEndpoints
{
    /// <summary>Maps the route on a route group.</summary>
    public static void Map(IEndpointRouteBuilder routes) => routes.MapPost("/collections/{name}/match", Match).AsHeavyWork();

    /// <summary>
    /// Runs the MATCH with the collection of the path; each row answers its alias bindings, depth,
    /// score (with a request vector or a <c>similarity()</c>) and RETURN projection. Errors are flat
    /// (shape A): 400 VELES-010 for a query that does not parse, is not a MATCH or cannot run,
    /// 404 VELES-002 for a missing collection.
    /// </summary>
    public static IResult Match(string name, MatchRequest body, DatabaseHost host, CancellationToken aborted)
    {
        if (string.IsNullOrWhiteSpace(body.Query))
        {
            return QueryError("query is required: {\"query\": \"MATCH (a)-[:KNOWS]->(b) RETURN a.name, b.name\", \"params\": {}}.");
        }

        if (body.Threshold is { } threshold && !(threshold >= 0 && threshold <= 1))
        {
            return QueryError($"threshold must be between 0 and 1, got {threshold}.");
        }

        QueryResult result;
        try
        {
            var options = new QueryOptions { Collection = name, MatchVector = body.Vector, MatchThreshold = body.Threshold, Cancellation = aborted };
            result = host.Database.ExecuteMatch(body.Query, QueryEndpoints.Parameters(body.Params), options);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        var matches = result.Matches ?? [];
        var rows = new List<MatchRow>(result.Rows.Count);
        for (var i = 0; i < result.Rows.Count; i++)
        {
            var bindings = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (alias, id) in matches[i].Bindings)
            {
                bindings[alias] = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            rows.Add(new MatchRow(bindings, matches[i].Score, matches[i].Depth, result.Rows[i]));
        }

        var tookMs = (long)Math.Round(result.Elapsed.TotalMilliseconds, MidpointRounding.AwayFromZero);
        return Results.Json(
            new MatchResponse(rows, tookMs, rows.Count, new MatchMeta(QueryMeta.ContractVersion)),
            ContractsJsonContext.Wire.MatchResponse);
    }

    private static IResult QueryError(string message) =>
        ErrorMapping.Flat(StatusCodes.Status400BadRequest, message, VelesDbException.Format(VelesDbErrorCode.Query));
}
