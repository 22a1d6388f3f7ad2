using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using VelesDb.Contracts;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;

namespace VelesDb.Server;

/// <summary>
/// The graph routes of graph collections (REST spec §2.5 #48–61, SSE §2.8): edges, nodes, node
/// payloads, traversal (JSON and server-sent events) and search over node embeddings.
/// </summary>
internal static class GraphEndpoints
{
    /// <summary>The traversal depth when the request gives none.</summary>
    public const int DefaultMaxDepth = TraversalConfig.DefaultMaxDepth;

    /// <summary>The traversal result limit when the request gives none.</summary>
    public const int DefaultLimit = TraversalConfig.DefaultLimit;

    /// <summary>The SSE traversal depth when the query string gives none.</summary>
    public const int DefaultStreamMaxDepth = 5;

    /// <summary>The SSE traversal result limit when the query string gives none.</summary>
    public const int DefaultStreamLimit = 1000;

    /// <summary>A <c>stats</c> event follows every this many <c>node</c> events.</summary>
    public const int StatsEvery = 100;

    private const int DefaultTopK = 10;

    /// <summary>Maps the routes on a route group.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/collections/{name}/graph/edges", ListEdges);
        routes.MapPost("/collections/{name}/graph/edges", AddEdge);
        routes.MapPost("/collections/{name}/graph/edges/batch", AddEdges).AsHeavyWork();
        routes.MapGet("/collections/{name}/graph/edges/count", CountEdges);
        routes.MapDelete("/collections/{name}/graph/edges/{edgeId}", RemoveEdge);
        routes.MapGet("/collections/{name}/graph/nodes", ListNodes);
        routes.MapGet("/collections/{name}/graph/nodes/{nodeId}/edges", NodeEdges);
        routes.MapGet("/collections/{name}/graph/nodes/{nodeId}/payload", GetPayload);
        routes.MapPut("/collections/{name}/graph/nodes/{nodeId}/payload", PutPayload);
        routes.MapGet("/collections/{name}/graph/nodes/{nodeId}/degree", Degree);
        routes.MapPost("/collections/{name}/graph/traverse", Traverse).AsHeavyWork();
        routes.MapPost("/collections/{name}/graph/traverse/parallel", TraverseParallel).AsHeavyWork();
        routes.MapGet("/collections/{name}/graph/traverse/stream", TraverseStream);
        routes.MapPost("/collections/{name}/graph/search", Search).AsHeavyWork();
    }

    /// <summary>Every edge, or those with one label, by ascending id.</summary>
    public static IResult ListEdges(string name, string? label, DatabaseHost host) =>
        Run(name, host, c => Edges(c.GetEdges(string.IsNullOrEmpty(label) ? null : label)));

    /// <summary>Adds one edge under the id the client chose; 201 with an empty body.</summary>
    public static IResult AddEdge(string name, AddEdgeRequest body, DatabaseHost host) =>
        Run(name, host, c =>
        {
            var (edge, error) = ToEdge(body, string.Empty);
            if (error is not null)
            {
                return error;
            }

            c.AddEdge(edge!);
            return Results.StatusCode(StatusCodes.Status201Created);
        });

    /// <summary>Adds edges all or nothing; 201 <c>{added}</c>.</summary>
    public static IResult AddEdges(string name, AddEdgesRequest body, DatabaseHost host) =>
        Run(name, host, c =>
        {
            if (body.Edges is null)
            {
                return BadRequest("The body needs an \"edges\" array: {\"edges\": [{\"id\": 1, \"source\": 1, \"target\": 2, \"label\": \"KNOWS\"}]}.");
            }

            var edges = new List<GraphEdge>(body.Edges.Count);
            for (var i = 0; i < body.Edges.Count; i++)
            {
                if (body.Edges[i] is null)
                {
                    return BadRequest($"edges[{i}] is null; every item must be an edge object {{\"id\", \"source\", \"target\", \"label\"}}.");
                }

                var (edge, error) = ToEdge(body.Edges[i], $"edges[{i}]: ");
                if (error is not null)
                {
                    return error;
                }

                edges.Add(edge!);
            }

            c.AddEdges(edges);
            return Results.Json(new EdgesAddedResponse(edges.Count), ContractsJsonContext.Wire.EdgesAddedResponse, statusCode: StatusCodes.Status201Created);
        });

    /// <summary>The number of edges.</summary>
    public static IResult CountEdges(string name, DatabaseHost host) =>
        Run(name, host, c => Results.Json(new EdgeCountResponse(c.EdgeCount), ContractsJsonContext.Wire.EdgeCountResponse));

    /// <summary>Removes one edge; 204, or 404 VELES-020 when there is none with that id.</summary>
    public static IResult RemoveEdge(string name, ulong edgeId, DatabaseHost host) =>
        Run(name, host, c => c.RemoveEdge(edgeId)
            ? Results.NoContent()
            : ErrorMapping.Flat(
                StatusCodes.Status404NotFound,
                $"Edge {edgeId} not found in collection '{name}'. List the edges with GET /collections/{name}/graph/edges.",
                VelesDbException.Format(VelesDbErrorCode.EdgeNotFound)));

    /// <summary>Every node (every point of the graph collection), ascending.</summary>
    public static IResult ListNodes(string name, DatabaseHost host) =>
        Run(name, host, c =>
        {
            var ids = c.AllIds();
            return Results.Json(new NodeListResponse(ids, ids.Count), ContractsJsonContext.Wire.NodeListResponse);
        });

    /// <summary>The edges of one node: outgoing (default), incoming or both, optionally with one label.</summary>
    public static IResult NodeEdges(string name, ulong nodeId, string? direction, string? label, DatabaseHost host)
    {
        TraversalDirection? which = (direction ?? "out").Trim().ToLowerInvariant() switch
        {
            "out" or "outgoing" => TraversalDirection.Outgoing,
            "in" or "incoming" => TraversalDirection.Incoming,
            "both" => TraversalDirection.Both,
            _ => null,
        };
        if (which is not { } chosen)
        {
            return ErrorMapping.Flat(
                StatusCodes.Status400BadRequest,
                $"Invalid direction '{direction}'; use out (the default), in or both.",
                VelesDbException.Format(VelesDbErrorCode.Config));
        }

        var only = string.IsNullOrEmpty(label) ? null : label;
        return Run(name, host, c => Edges(c.GetNodeEdges(nodeId, chosen, only)));
    }

    /// <summary>The payload of a node; <c>payload: null</c> when the node has none or does not exist.</summary>
    public static IResult GetPayload(string name, ulong nodeId, DatabaseHost host) =>
        Run(name, host, c => Results.Json(new NodePayloadResponse(nodeId, c.Get(nodeId)?.Payload), ContractsJsonContext.Wire.NodePayloadResponse));

    /// <summary>Stores a node's payload, creating the node; 204.</summary>
    public static IResult PutPayload(string name, ulong nodeId, NodePayloadRequest body, DatabaseHost host) =>
        Run(name, host, c =>
        {
            c.SetNodePayload(nodeId, body.Payload is { ValueKind: JsonValueKind.Null } ? null : body.Payload);
            return Results.NoContent();
        });

    /// <summary>The in- and out-degree of a node (0 and 0 for a node without edges).</summary>
    public static IResult Degree(string name, ulong nodeId, DatabaseHost host) =>
        Run(name, host, c =>
        {
            var (inDegree, outDegree) = c.NodeDegree(nodeId);
            return Results.Json(new NodeDegreeResponse(inDegree, outDegree), ContractsJsonContext.Wire.NodeDegreeResponse);
        });

    /// <summary>A breadth- or depth-first traversal from one node.</summary>
    public static IResult Traverse(string name, TraverseRequest body, DatabaseHost host)
    {
        if (body.Source is not { } source)
        {
            return BadRequest("source is required: {\"source\": 1, \"strategy\": \"bfs\", \"max_depth\": 3, \"limit\": 100}.");
        }

        if (!TryStrategy(body.Strategy, "strategy", out var dfs, out var invalid))
        {
            return invalid;
        }

        var limit = body.Limit ?? DefaultLimit;
        var config = Config(body.MaxDepth ?? DefaultMaxDepth, limit, body.RelTypes);
        return Run(name, host, c => Traversal(dfs ? c.TraverseDfs(source, config) : c.TraverseBfs(source, config), limit));
    }

    /// <summary>Breadth-first traversals from several nodes, merged without duplicates.</summary>
    public static IResult TraverseParallel(string name, ParallelTraverseRequest body, DatabaseHost host)
    {
        if (body.Sources is not { Count: > 0 } sources)
        {
            return BadRequest("At least one source node ID is required: {\"sources\": [1, 2], \"max_depth\": 3, \"limit\": 100}.");
        }

        var limit = body.Limit ?? DefaultLimit;
        var config = Config(body.MaxDepth ?? DefaultMaxDepth, limit, body.RelTypes);
        return Run(name, host, c => Traversal(c.TraverseBfsParallel(sources, config), limit));
    }

    /// <summary>
    /// A traversal answered as server-sent events: one <c>node</c> event per node reached, a
    /// <c>stats</c> event after every 100th, and a final <c>done</c> event. The traversal runs
    /// first (Core answers it whole); request errors are JSON answers before the stream starts.
    /// </summary>
    public static IResult TraverseStream(
        string name,
        [FromQuery(Name = "start_node")] string? startNode,
        string? algorithm,
        [FromQuery(Name = "max_depth")] int? maxDepth,
        int? limit,
        [FromQuery(Name = "relationship_types")] string? relationshipTypes,
        DatabaseHost host)
    {
        var started = Stopwatch.GetTimestamp();
        if (string.IsNullOrEmpty(startNode))
        {
            return BadRequest("Query parameter 'start_node' is required, e.g. ?start_node=1&algorithm=bfs&max_depth=5.");
        }

        if (!ulong.TryParse(startNode, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return BadRequest($"start_node '{startNode}' is not a node id; give a decimal integer between 0 and {ulong.MaxValue}.");
        }

        if (!TryStrategy(algorithm, "algorithm", out var dfs, out var invalid))
        {
            return invalid;
        }

        var relTypes = string.IsNullOrEmpty(relationshipTypes)
            ? []
            : relationshipTypes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var config = new TraversalConfig { MaxDepth = maxDepth ?? DefaultStreamMaxDepth, Limit = limit ?? DefaultStreamLimit, RelTypes = relTypes };
        return Run(name, host, c => new TraversalEvents(dfs ? c.TraverseDfs(start, config) : c.TraverseBfs(start, config), started));
    }

    /// <summary>Nearest nodes to a query embedding (graph collections created with a dimension).</summary>
    public static IResult Search(string name, GraphSearchRequest body, DatabaseHost host)
    {
        if (body.Vector is not { } vector)
        {
            return BadRequest("vector is required: {\"vector\": [0.1, 0.2, ...], \"top_k\": 10}.");
        }

        return Run(name, host, c =>
        {
            var hits = c.Search(vector, body.TopK ?? DefaultTopK);
            return Results.Json(new SearchResponse([.. hits.Select(h => new SearchHit(h.Id, h.Score, h.Payload))]), ContractsJsonContext.Wire.SearchResponse);
        });
    }

    /// <summary>
    /// Resolves a graph collection and runs <paramref name="handle"/> on it. A missing collection is
    /// 404 VELES-002, a collection of another kind 409 VELES-018, a core error its mapped status.
    /// </summary>
    private static IResult Run(string name, DatabaseHost host, Func<Collection, IResult> handle)
    {
        try
        {
            if (!host.Database.TryGetCollection(name, out var collection))
            {
                return ErrorMapping.Flat(
                    StatusCodes.Status404NotFound,
                    $"Collection '{name}' not found. Create it first with POST /collections and collection_type = \"graph\".",
                    VelesDbException.Format(VelesDbErrorCode.CollectionNotFound));
            }

            if (collection.Kind != CollectionKind.Graph)
            {
                return ErrorMapping.Flat(
                    StatusCodes.Status409Conflict,
                    $"Collection '{name}' exists but is not a graph collection (it is a {collection.Kind.ToString().ToLowerInvariant()} collection). "
                    + $"Graph routes need a collection created with collection_type = \"graph\"; edges between points of other collections go through /collections/{name}/relations.",
                    VelesDbException.Format(VelesDbErrorCode.GraphNotSupported));
            }

            return handle(collection);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }
    }

    /// <summary>
    /// The traversal configuration. One result more than <paramref name="limit"/> is asked from Core,
    /// so the answer can tell whether more nodes were reachable (<c>has_more</c>).
    /// </summary>
    private static TraversalConfig Config(int maxDepth, int limit, IReadOnlyList<string>? relTypes) => new()
    {
        MaxDepth = maxDepth,
        Limit = limit is >= 1 and < int.MaxValue ? limit + 1 : limit,
        RelTypes = relTypes ?? [],
    };

    private static IResult Traversal(TraversalOutcome outcome, int limit)
    {
        var count = Math.Min(outcome.Results.Count, limit);
        var hits = new List<TraversalHit>(count);
        var depthReached = 0;
        for (var i = 0; i < count; i++)
        {
            var r = outcome.Results[i];
            hits.Add(new TraversalHit(r.TargetId, r.Depth, r.Path));
            depthReached = Math.Max(depthReached, r.Depth);
        }

        return Results.Json(
            new TraverseResponse(hits, outcome.Results.Count > limit, new TraversalStats(outcome.NodesVisited, depthReached)),
            ContractsJsonContext.Wire.TraverseResponse);
    }

    /// <summary>Reads <c>bfs</c> (the default) or <c>dfs</c>; anything else is a 400 VELES-009.</summary>
    private static bool TryStrategy(string? text, string field, out bool dfs, out IResult invalid)
    {
        var value = (text ?? "bfs").Trim();
        dfs = value.Equals("dfs", StringComparison.OrdinalIgnoreCase);
        invalid = null!;
        if (dfs || value.Equals("bfs", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        invalid = ErrorMapping.Flat(
            StatusCodes.Status400BadRequest,
            $"Invalid {field} '{text}'; use bfs (breadth-first, the default) or dfs (depth-first).",
            VelesDbException.Format(VelesDbErrorCode.Config));
        return false;
    }

    /// <summary>Checks an edge of a request and builds it; a 400 answer when a field is missing or malformed.</summary>
    private static (GraphEdge? Edge, IResult? Error) ToEdge(AddEdgeRequest body, string prefix)
    {
        if (body.Id is not { } id || body.Source is not { } source || body.Target is not { } target || body.Label is null)
        {
            return (null, BadRequest($"{prefix}id, source, target and label are required, e.g. {{\"id\": 1, \"source\": 1, \"target\": 2, \"label\": \"KNOWS\", \"properties\": {{}}}}."));
        }

        if (body.Properties is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) })
        {
            return (null, BadRequest($"{prefix}properties must be an object or null."));
        }

        try
        {
            return (new GraphEdge(id, source, target, body.Label, body.Properties), null);
        }
        catch (VelesDbException e)
        {
            return (null, ErrorMapping.Flat(ErrorMapping.StatusOf(e.Code), prefix + e.Message, e.CodeString));
        }
    }

    private static IResult Edges(IReadOnlyList<GraphEdge> edges) =>
        Results.Json(
            new GraphEdgesResponse([.. edges.Select(e => new GraphEdgeResponse(e.Id, e.Source, e.Target, e.Label, e.Properties))], edges.Count),
            ContractsJsonContext.Wire.GraphEdgesResponse);

    private static IResult BadRequest(string message) => ErrorMapping.Flat(StatusCodes.Status400BadRequest, message);

    /// <summary>Writes a finished traversal as <c>text/event-stream</c>, stopping when the client goes away.</summary>
    private sealed class TraversalEvents : IResult
    {
        private readonly TraversalOutcome _outcome;
        private readonly long _started;

        /// <summary>Creates the stream of <paramref name="outcome"/>; elapsed times count from <paramref name="started"/>.</summary>
        public TraversalEvents(TraversalOutcome outcome, long started)
        {
            _outcome = outcome;
            _started = started;
        }

        /// <summary>Writes the events, flushing each so the client sees it at once.</summary>
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var aborted = httpContext.RequestAborted;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            try
            {
                var sent = 0;
                var depth = 0;
                foreach (var r in _outcome.Results)
                {
                    await Send(response, "node", new TraversalNodeEvent(r.TargetId, r.Depth, r.Path), ContractsJsonContext.Wire.TraversalNodeEvent, aborted).ConfigureAwait(false);
                    sent++;
                    depth = Math.Max(depth, r.Depth);
                    if (sent % StatsEvery == 0)
                    {
                        await Send(response, "stats", new TraversalStatsEvent(sent, ElapsedMs()), ContractsJsonContext.Wire.TraversalStatsEvent, aborted).ConfigureAwait(false);
                    }
                }

                await Send(response, "done", new TraversalDoneEvent(sent, depth, ElapsedMs()), ContractsJsonContext.Wire.TraversalDoneEvent, aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                // The client went away: nothing is left to send it.
            }
        }

        private long ElapsedMs() => (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds;

        private static async Task Send<T>(HttpResponse response, string name, T data, JsonTypeInfo<T> type, CancellationToken aborted)
        {
            var text = $"event: {name}\ndata: {JsonSerializer.Serialize(data, type)}\n\n";
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), aborted).ConfigureAwait(false);
            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
        }
    }
}
