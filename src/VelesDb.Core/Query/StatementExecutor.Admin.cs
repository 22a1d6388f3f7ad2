using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

internal static partial class StatementExecutor
{
    /// <summary>The type name SHOW COLLECTIONS and DESCRIBE report.</summary>
    private static string KindName(Collections.CollectionKind kind) => kind switch
    {
        Collections.CollectionKind.Graph => "graph",
        Collections.CollectionKind.Metadata => "metadata",
        _ => "vector",
    };

    /// <summary><c>SHOW COLLECTIONS</c>: rows <c>{name, type}</c> by name.</summary>
    private static QueryResult ShowCollections(ExecContext ctx)
    {
        var rows = new List<JsonObject>();
        foreach (var info in ctx.Database.ListCollections())
        {
            rows.Add(new JsonObject { ["name"] = info.Name, ["type"] = KindName(info.Kind) });
        }

        return new QueryResult("SHOW COLLECTIONS", rows);
    }

    /// <summary>
    /// <c>DESCRIBE [COLLECTION] c</c>: one row with name, type, point_count, edge_count, the
    /// secondary indexes and auto_reindex; collections with vectors add dimension, metric, storage and
    /// the HNSW parameters.
    /// </summary>
    private static QueryResult Describe(DescribeStatement s, ExecContext ctx)
    {
        var c = ctx.Collection(s.Collection);
        var row = new JsonObject { ["name"] = c.Name, ["type"] = KindName(c.Kind) };
        if (c.HasVectors)
        {
            row["dimension"] = c.Dimension;
            row["metric"] = c.Metric.ToCanonicalName();
            row["storage"] = c.StorageMode.ToCanonicalName();
            row["hnsw_m"] = c.Hnsw.M;
            row["hnsw_ef_construction"] = c.Hnsw.EfConstruction;
        }

        row["point_count"] = c.Count;
        row["edge_count"] = c.EdgeCount;
        row["indexes"] = new JsonArray([.. c.ListIndexes().Select(i => (JsonNode?)JsonValue.Create(i.Field))]);
        row["auto_reindex"] = c.AutoReindex;
        if (c.Schema is { IsSchemaless: false } schema)
        {
            row["node_types"] = new JsonArray([.. schema.NodeTypes.Select(t => (JsonNode?)JsonValue.Create(t.Name))]);
            row["edge_types"] = new JsonArray([.. schema.EdgeTypes.Select(t => (JsonNode?)JsonValue.Create(t.Name))]);
        }

        return StatusResult("DESCRIBE", 0, row);
    }

    /// <summary>
    /// <c>ANALYZE [COLLECTION] c</c>: <see cref="Collection.Analyze()"/> (one scan of every point)
    /// as one row of counts, average sizes and per-field statistics.
    /// </summary>
    private static QueryResult Analyze(AnalyzeStatement s, ExecContext ctx)
    {
        var stats = ctx.Collection(s.Collection).Analyze(ctx.CheckDeadline);
        var fieldRows = new JsonArray();
        foreach (var f in stats.Fields)
        {
            var field = new JsonObject
            {
                ["field"] = f.Name,
                ["types"] = new JsonArray([.. f.Types.Select(t => (JsonNode?)JsonValue.Create(t))]),
                ["non_null_count"] = f.NonNullCount,
                ["null_count"] = f.NullCount,
                ["distinct_count"] = f.DistinctCount,
                ["distinct_exact"] = f.DistinctExact,
                ["min"] = Node(f.Min),
                ["max"] = Node(f.Max),
            };
            if (f.Histogram is { } h)
            {
                field["histogram"] = new JsonObject
                {
                    ["buckets"] = h.Buckets,
                    ["upper_bounds"] = new JsonArray([.. h.UpperBounds.Select(b => (JsonNode?)Node(b))]),
                    ["counts"] = new JsonArray([.. h.Counts.Select(c => (JsonNode?)JsonValue.Create(c))]),
                    ["sampled"] = h.Sampled,
                };
            }

            fieldRows.Add((JsonNode)field);
        }

        var row = new JsonObject
        {
            ["collection"] = stats.Collection,
            ["total_points"] = stats.TotalPoints,
            ["row_count"] = stats.RowCount,
            ["deleted_count"] = stats.DeletedCount,
            ["avg_payload_bytes"] = stats.AvgPayloadBytes,
            ["avg_vector_bytes"] = stats.AvgVectorBytes,
            ["edge_count"] = stats.EdgeCount,
            ["fields"] = fieldRows,
        };
        return StatusResult("ANALYZE", 0, row);
    }

    private static JsonValue? Node(System.Text.Json.JsonElement? value) => value is { } v ? JsonValue.Create(v) : null;

    /// <summary>
    /// <c>TRUNCATE [COLLECTION] c</c>: deletes every point in one logged batch, which also removes
    /// every edge; configuration, secondary indexes and the quantizer stay.
    /// </summary>
    private static QueryResult Truncate(TruncateStatement s, ExecContext ctx)
    {
        var c = ctx.Collection(s.Collection);
        var edgesBefore = c.EdgeCount;
        var deleted = c.Delete(c.AllIds());

        // Expired points are not in AllIds (they are invisible), but a truncate removes them too.
        c.PurgeExpired();

        // Edges can only join live points, so none should be left; remove any that raced in.
        var left = c.GetEdges();
        if (left.Count > 0)
        {
            c.RemoveEdges([.. left.Select(e => e.Id)]);
        }

        var edgesDeleted = Math.Max(0, edgesBefore - c.EdgeCount);
        return StatusResult("TRUNCATE", deleted, new JsonObject { ["deleted_count"] = deleted, ["deleted_edges"] = edgesDeleted });
    }

    /// <summary><c>FLUSH [FULL] [c]</c>: Flush (WAL fsync) or FlushFull (checkpoint) of one or every collection.</summary>
    private static QueryResult Flush(FlushStatement s, ExecContext ctx)
    {
        if (s.Collection is { } name)
        {
            var c = ctx.Collection(name);
            if (s.Full)
            {
                c.FlushFull();
            }
            else
            {
                c.Flush();
            }
        }
        else if (s.Full)
        {
            ctx.Database.FlushFull();
        }
        else
        {
            ctx.Database.Flush();
        }

        return StatusResult("FLUSH", 0, new JsonObject { ["status"] = "flushed", ["full"] = s.Full, ["collection"] = s.Collection });
    }
}
