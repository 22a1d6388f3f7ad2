using VelesDb.Contracts;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;

namespace VelesDb.Server;

/// <summary>
/// Collection administration (REST spec §2.2 #10–20): emptiness, configuration, sanity,
/// flush, statistics, diagnostics, index rebuild/vacuum, storage compaction and locality reordering. Each handler
/// resolves the collection, calls one Core member and maps the result.
/// </summary>
internal static class AdminEndpoints
{
    /// <summary>Maps the routes on a route group, with the index and guard-rail routes (<see cref="IndexEndpoints"/>, <see cref="GuardRailEndpoints"/>).</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/collections/{name}/empty", Empty);
        routes.MapGet("/collections/{name}/config", Config);
        routes.MapGet("/collections/{name}/sanity", Sanity);
        routes.MapPost("/collections/{name}/analyze", Analyze).AsHeavyWork();
        routes.MapGet("/collections/{name}/stats", Stats);
        routes.MapPost("/collections/{name}/flush", Flush);
        routes.MapGet("/collections/{name}/diagnostics", Diagnostics);
        routes.MapPost("/collections/{name}/index/rebuild", (string name, DatabaseHost host) => Rebuild(name, host, "Index rebuilt")).AsHeavyWork();
        routes.MapPost("/collections/{name}/vacuum", (string name, DatabaseHost host) => Rebuild(name, host, "Index vacuumed")).AsHeavyWork();
        routes.MapPost("/collections/{name}/compact", Compact).AsHeavyWork();
        routes.MapPost("/collections/{name}/locality/reorder", ReorderLocality).AsHeavyWork();
        IndexEndpoints.Map(routes);
        GuardRailEndpoints.Map(routes);
    }

    /// <summary>Whether the collection holds no point.</summary>
    public static IResult Empty(string name, DatabaseHost host) =>
        With(name, host, c => Results.Json(new IsEmptyResponse(c.Count == 0), ContractsJsonContext.Wire.IsEmptyResponse));

    /// <summary>The collection's configuration.</summary>
    public static IResult Config(string name, DatabaseHost host) =>
        With(name, host, c => Results.Json(
            new CollectionConfigResponse(
                c.Name,
                c.HasVectors ? c.Dimension : 0,
                MetricName(c),
                StorageName(c),
                c.Count,
                c.Kind == CollectionKind.Metadata,
                c.SchemaVersion,
                GraphSchema: c.Kind == CollectionKind.Graph ? c.Schema?.ToJson() : null,
                EmbeddingDimension: c.Kind == CollectionKind.Graph && c.HasVectors ? c.Dimension : null,
                PqRescoreOversampling: c.HasVectors && c.StorageMode == StorageMode.ProductQuantization ? c.RescoreOversampling : null,
                HnswParams: c.HasVectors ? new HnswParamsResponse(c.Hnsw.M, c.Hnsw.EfConstruction) : null),
            ContractsJsonContext.Wire.CollectionConfigResponse));

    /// <summary>The <c>code</c> of the 404 for a collection never analyzed (no catalogue code applies).</summary>
    public const string StatsNotFoundCode = "VELES-STATS-NOT-FOUND";

    /// <summary>Readiness checks of the collection with the server-wide search counters and hints.</summary>
    public static IResult Sanity(string name, DatabaseHost host, SearchDiagnostics diagnostics) =>
        With(name, host, c =>
        {
            var count = c.Count;
            var checks = new SanityChecks(c.HasVectors && count > 0, c.HasVectors && count > 0, c.HasVectors);
            var counters = diagnostics.Snapshot();
            var hints = new List<string>();
            if (!checks.DimensionConfigured)
            {
                hints.Add($"Collection '{c.Name}' stores no vectors: vector search does not apply; read it with POST /collections/{c.Name}/points/scroll or POST /query.");
            }
            else if (count == 0)
            {
                hints.Add($"Collection '{c.Name}' is empty: upsert points with POST /collections/{c.Name}/points before searching.");
            }

            if (counters.DimensionMismatchTotal > 0 && checks.DimensionConfigured)
            {
                hints.Add($"Some searches sent vectors of the wrong dimension; this collection expects {c.Dimension} values per vector.");
            }

            if (counters.FilterParseErrorsTotal > 0)
            {
                hints.Add("Some searches sent an invalid filter; a filter is {\"condition\": {\"type\": \"eq\", \"field\": \"category\", \"value\": \"tech\"}}.");
            }

            return Results.Json(
                new SanityResponse(c.Name, c.HasVectors ? c.Dimension : 0, MetricName(c), count, count == 0, checks, counters, hints),
                ContractsJsonContext.Wire.SanityResponse);
        });

    /// <summary>Computes the collection's statistics (Core <see cref="Collection.Analyze()"/>), kept for <c>GET …/stats</c>.</summary>
    public static IResult Analyze(string name, DatabaseHost host) =>
        With(name, host, c => Results.Json(ToResponse(c.Analyze()), ContractsJsonContext.Wire.CollectionStatsResponse));

    /// <summary>The statistics of the last analyze; 404 with <see cref="StatsNotFoundCode"/> before any.</summary>
    public static IResult Stats(string name, DatabaseHost host) =>
        With(name, host, c => c.LastStats is { } stats
            ? Results.Json(ToResponse(stats), ContractsJsonContext.Wire.CollectionStatsResponse)
            : ErrorMapping.Flat(StatusCodes.Status404NotFound, $"No stats for '{c.Name}'. Run POST /collections/{c.Name}/analyze first.", StatsNotFoundCode));

    private static CollectionStatsResponse ToResponse(CollectionStats s)
    {
        var columns = new Dictionary<string, ColumnStatsResponse>(StringComparer.Ordinal);
        foreach (var f in s.Fields)
        {
            columns[f.Name] = new ColumnStatsResponse(f.Name, f.NullCount, f.DistinctCount, f.Min, f.Max, f.AvgSizeBytes, f.Histogram?.Buckets, f.Histogram?.Sampled);
        }

        var indexes = new Dictionary<string, IndexStatsResponse>(StringComparer.Ordinal);
        foreach (var i in s.Indexes)
        {
            indexes[i.Name] = new IndexStatsResponse(i.Name, i.IndexType, i.EntryCount, i.Depth, i.SizeBytes);
        }

        return new CollectionStatsResponse(
            s.TotalPoints,
            s.TotalSizeBytes,
            s.RowCount,
            s.DeletedCount,
            s.AvgPayloadBytes + s.AvgVectorBytes,
            s.PayloadBytes,
            s.AnalyzedAt.ToUnixTimeMilliseconds(),
            columns,
            indexes);
    }

    /// <summary>Checkpoints the collection: everything written so far is in its own files.</summary>
    public static IResult Flush(string name, DatabaseHost host) =>
        With(name, host, c =>
        {
            c.FlushFull();
            return Results.Json(new FlushResponse("Flushed successfully", c.Name), ContractsJsonContext.Wire.FlushResponse);
        });

    /// <summary>Readiness of the collection's vector index.</summary>
    public static IResult Diagnostics(string name, DatabaseHost host) =>
        With(name, host, c =>
        {
            var count = c.Count;
            var (health, detail) = IndexHealth(c, count);
            return Results.Json(
                new DiagnosticsResponse(c.HasVectors && count > 0, c.HasVectors && count > 0, c.HasVectors, count, health, detail),
                ContractsJsonContext.Wire.DiagnosticsResponse);
        });

    /// <summary>Rebuilds the vector index without its tombstones (<c>index/rebuild</c> and <c>vacuum</c>).</summary>
    public static IResult Rebuild(string name, DatabaseHost host, string message) =>
        With(name, host, c =>
        {
            if (!c.HasVectors)
            {
                return ErrorMapping.Flat(
                    StatusCodes.Status400BadRequest,
                    $"Collection '{c.Name}' has no vector index to rebuild (it stores no vectors); index rebuild and vacuum apply to collections with vectors.",
                    VelesDbException.Format(VelesDbErrorCode.SearchNotSupported));
            }

            var dropped = c.RebuildIndex();
            return Results.Json(new IndexRebuiltResponse(message, c.Name, dropped), ContractsJsonContext.Wire.IndexRebuiltResponse);
        });

    /// <summary>Renumbers the vector index's nodes in breadth-first order for memory locality.</summary>
    public static IResult ReorderLocality(string name, DatabaseHost host) =>
        With(name, host, c => c.HasVectors
            ? Results.Json(new LocalityReorderedResponse("Locality reordered", c.Name, c.ReorderForLocality()), ContractsJsonContext.Wire.LocalityReorderedResponse)
            : ErrorMapping.Flat(
                StatusCodes.Status400BadRequest,
                $"Collection '{c.Name}' has no vector index to reorder (it stores no vectors); locality reordering applies to collections with vectors.",
                VelesDbException.Format(VelesDbErrorCode.SearchNotSupported)));

    /// <summary>Compacts the collection's storage and reports the bytes reclaimed.</summary>
    public static IResult Compact(string name, DatabaseHost host) =>
        With(name, host, c => Results.Json(new CompactResponse("Storage compacted", c.Name, c.Compact()), ContractsJsonContext.Wire.CompactResponse));

    /// <summary>The lower-cased metric enum name (REST spec §2.6: <c>dotproduct</c>, not an alias).</summary>
    public static string MetricName(Collection c) => c.Metric.ToString().ToLowerInvariant();

    /// <summary>The lower-cased storage mode enum name (<c>productquantization</c>, not <c>pq</c>).</summary>
    public static string StorageName(Collection c) => c.StorageMode.ToString().ToLowerInvariant();

    /// <summary>
    /// The index health: <c>unknown</c> without a vector index, <c>empty</c> without points,
    /// <c>needs_rebuild</c> past the auto-reindex tombstone ratio, else <c>healthy</c>.
    /// </summary>
    public static (string Health, string? Detail) IndexHealth(Collection c, long count)
    {
        if (!c.HasVectors)
        {
            return ("unknown", "The collection stores no vectors, so it has no vector index.");
        }

        if (count == 0)
        {
            return ("empty", "The collection has no points yet; upsert points to build the index.");
        }

        var ratio = c.TombstoneRatio;
        return ratio > Collection.AutoReindexTombstoneRatio
            ? ("needs_rebuild", $"{ratio:P0} of the index nodes are tombstones of deleted or replaced points; POST /collections/{c.Name}/index/rebuild drops them.")
            : ("healthy", null);
    }

    /// <summary>Runs <paramref name="action"/> on the named collection, mapping core errors (404 VELES-002 when absent).</summary>
    public static IResult With(string name, DatabaseHost host, Func<Collection, IResult> action)
    {
        try
        {
            return action(host.Database.GetCollection(name));
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }
    }
}
