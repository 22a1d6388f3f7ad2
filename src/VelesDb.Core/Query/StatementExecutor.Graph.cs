using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

internal static partial class StatementExecutor
{
    /// <summary>Rows SELECT EDGES returns without a LIMIT (the SELECT default).</summary>
    public const int DefaultEdgeLimit = 10;

    private static readonly string[] EdgeFields = ["source", "target", "label", "id"];

    /// <summary>
    /// <c>INSERT EDGE INTO c (source=, target=, label=[, id=]) [WITH PROPERTIES (…)]</c>. Without an id,
    /// the edge gets one above the highest edge id the collection has held since it was opened
    /// (so never a live one); a concurrent insert that takes it first makes it retry.
    /// </summary>
    private static QueryResult InsertEdge(InsertEdgeStatement s, ExecContext ctx)
    {
        var collection = ctx.Collection(s.Collection);
        ulong? source = null, target = null, id = null;
        string? label = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in s.Fields)
        {
            CheckUnique(seen, f, "INSERT EDGE");
            switch (f.Key.ToLowerInvariant())
            {
                case "source":
                    source = UInt64(f.Value, "source", ctx);
                    break;
                case "target":
                    target = UInt64(f.Value, "target", ctx);
                    break;
                case "label":
                    label = ctx.String(f.Value, "label");
                    break;
                case "id":
                    id = UInt64(f.Value, "id", ctx);
                    break;
                default:
                    ExecContext.UnknownOption("INSERT EDGE", f.Key, EdgeFields);
                    break;
            }
        }

        if (source is null || target is null || label is null)
        {
            QueryErrors.Execution(
                "INSERT EDGE needs source, target and label.",
                $"Write INSERT EDGE INTO {s.Collection} (source = 1, target = 2, label = 'KNOWS').");
        }

        JsonElement? properties = null;
        if (s.Properties.Count > 0)
        {
            var props = new JsonObject();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in s.Properties)
            {
                CheckUnique(keys, p, "WITH PROPERTIES");
                props[p.Key] = QueryValues.ToNode(ctx.Constant(p.Value));
            }

            properties = ToElement(props);
        }

        if (id is { } explicitId)
        {
            collection.AddEdge(new GraphEdge(explicitId, source!.Value, target!.Value, label!, properties));
            return EdgeInserted(explicitId);
        }

        return EdgeInserted(collection.AddEdge(source!.Value, target!.Value, label!, properties));
    }

    private static QueryResult EdgeInserted(ulong id) =>
        StatusResult("INSERT EDGE", 1, new JsonObject { ["edge_id"] = id });

    /// <summary><c>DELETE EDGE id FROM c</c>.</summary>
    private static QueryResult DeleteEdge(DeleteEdgeStatement s, ExecContext ctx)
    {
        var collection = ctx.Collection(s.Collection);
        var deleted = collection.RemoveEdge(s.EdgeId) ? 1 : 0;
        return StatusResult("DELETE EDGE", deleted, new JsonObject { ["deleted"] = deleted });
    }

    /// <summary>
    /// <c>SELECT EDGES FROM c [WHERE source|target|label = v [AND …]] [LIMIT n]</c>: rows
    /// <c>{edge_id, source, target, label, properties}</c> by ascending edge id; LIMIT defaults to
    /// <see cref="DefaultEdgeLimit"/> like SELECT and is capped by the result ceiling.
    /// </summary>
    private static QueryResult SelectEdges(SelectEdgesStatement s, ExecContext ctx)
    {
        var collection = ctx.Collection(s.Collection);
        ulong? source = null, target = null;
        string? label = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in s.Filters)
        {
            CheckUnique(seen, f, "SELECT EDGES WHERE");
            switch (f.Key)
            {
                case "source":
                    source = UInt64(f.Value, "source", ctx);
                    break;
                case "target":
                    target = UInt64(f.Value, "target", ctx);
                    break;
                default:
                    label = ctx.String(f.Value, "label");
                    break;
            }
        }

        var edges = source is { } src ? collection.GetOutgoingEdges(src, label)
            : target is { } tgt ? collection.GetIncomingEdges(tgt, label)
            : collection.GetEdges(label);
        var matching = new List<GraphEdge>(edges.Count);
        foreach (var e in edges)
        {
            if ((target is null || e.Target == target) && (source is null || e.Source == source))
            {
                matching.Add(e);
            }
        }

        matching.Sort((a, b) => a.Id.CompareTo(b.Id));
        var limit = (int)Math.Min(s.Limit ?? DefaultEdgeLimit, QueryOptions.MaxResultRows);
        var rows = new List<JsonObject>(Math.Min(limit, matching.Count));
        foreach (var e in matching)
        {
            if (rows.Count >= limit)
            {
                break;
            }

            rows.Add(new JsonObject
            {
                ["edge_id"] = e.Id,
                ["source"] = e.Source,
                ["target"] = e.Target,
                ["label"] = e.Label,
                ["properties"] = e.Properties is { } p ? JsonObject.Create(p) : new JsonObject(),
            });
        }

        return new QueryResult("SELECT EDGES", rows);
    }

    /// <summary>
    /// <c>INSERT NODE INTO c (id=, payload='json' | k=v, …)</c>: upserts a node's payload. The payload
    /// is the JSON object given as <c>payload</c> (a string or a JSON parameter) with the other
    /// fields set on top; <c>vector</c> gives the embedding. An existing node keeps its vector and
    /// sparse vectors when none is given; its edges are kept.
    /// </summary>
    private static QueryResult InsertNode(InsertNodeStatement s, ExecContext ctx)
    {
        var collection = ctx.Collection(s.Collection);
        ulong? id = null;
        float[]? vector = null;
        JsonObject? fromJson = null;
        var fields = new JsonObject();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in s.Fields)
        {
            CheckUnique(seen, f, "INSERT NODE");
            switch (f.Key)
            {
                case IdColumn:
                    id = UInt64(f.Value, "id", ctx);
                    break;
                case VectorColumn:
                    vector = ctx.Vector(f.Value);
                    break;
                case "payload":
                    fromJson = PayloadObject(ctx.Constant(f.Value));
                    break;
                default:
                    fields[f.Key] = QueryValues.ToNode(ctx.Constant(f.Value));
                    break;
            }
        }

        if (id is not { } nodeId)
        {
            return QueryErrors.Execution<QueryResult>(
                "INSERT NODE needs an id.",
                $"Write INSERT NODE INTO {s.Collection} (id = 1, payload = '{{\"_labels\": [\"Person\"]}}').");
        }

        var payload = fromJson ?? [];
        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            payload[key] = value;
        }

        if (vector is null)
        {
            collection.SetNodePayload(nodeId, ToElement(payload));
        }
        else
        {
            collection.Upsert(new Point(nodeId, vector, ToElement(payload)));
        }

        return StatusResult("INSERT NODE", 1, new JsonObject { ["node_id"] = nodeId, ["upserted"] = 1 });
    }

    private static JsonObject PayloadObject(object? value)
    {
        switch (value)
        {
            case JsonElement { ValueKind: JsonValueKind.Object } e:
                return JsonNode.Parse(e.GetRawText())!.AsObject();
            case string text:
                JsonNode? node = null;
                try
                {
                    node = JsonNode.Parse(text);
                }
                catch (JsonException ex)
                {
                    QueryErrors.Execution($"INSERT NODE payload is not valid JSON: {ex.Message}", "Give payload as a JSON object in a string, e.g. payload = '{\"name\": \"Ada\"}'.");
                }

                return node as JsonObject ?? QueryErrors.Execution<JsonObject>(
                    "INSERT NODE payload must be a JSON object.",
                    "Give payload as a JSON object in a string, e.g. payload = '{\"name\": \"Ada\"}'.");
            case null:
                return [];
            default:
                return QueryErrors.Execution<JsonObject>(
                    $"INSERT NODE payload must be a JSON object (as a string or a JSON parameter), got {QueryValues.TypeName(value)}.",
                    "Give payload as a JSON object in a string, e.g. payload = '{\"name\": \"Ada\"}'.");
        }
    }
}
