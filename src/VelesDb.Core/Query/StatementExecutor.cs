using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>
/// Runs the VelesQL statements that are not queries: DML (INSERT, UPSERT, UPDATE, DELETE), DDL
/// (CREATE/DROP COLLECTION, CREATE/DROP INDEX, ALTER, TRAIN QUANTIZER), graph DML (INSERT EDGE,
/// DELETE EDGE, SELECT EDGES, INSERT NODE) and admin statements (SHOW, DESCRIBE, ANALYZE, TRUNCATE,
/// FLUSH). Each maps to one Core call (or a few) and answers with status rows.
/// </summary>
internal static partial class StatementExecutor
{
    /// <summary>Runs one statement.</summary>
    public static QueryResult Execute(Statement statement, ExecContext ctx) => statement switch
    {
        InsertStatement s => Insert(s, ctx),
        UpdateStatement s => Update(s, ctx),
        DeleteStatement s => Delete(s, ctx),
        TrainQuantizerStatement s => TrainQuantizer(s, ctx),
        CreateCollectionStatement s => CreateCollection(s, ctx),
        DropCollectionStatement s => DropCollection(s, ctx),
        IndexStatement s => Index(s, ctx),
        AlterCollectionStatement s => Alter(s, ctx),
        InsertEdgeStatement s => InsertEdge(s, ctx),
        DeleteEdgeStatement s => DeleteEdge(s, ctx),
        SelectEdgesStatement s => SelectEdges(s, ctx),
        InsertNodeStatement s => InsertNode(s, ctx),
        ShowCollectionsStatement => ShowCollections(ctx),
        DescribeStatement s => Describe(s, ctx),
        AnalyzeStatement s => Analyze(s, ctx),
        TruncateStatement s => Truncate(s, ctx),
        FlushStatement s => Flush(s, ctx),
        _ => QueryErrors.Execution<QueryResult>(
            $"{statement.GetType().Name} cannot be run as a statement here.",
            "Send SELECT, MATCH and EXPLAIN through the query path."),
    };

    /// <summary>A result of one status row.</summary>
    private static QueryResult StatusResult(string statementType, long affectedRows, JsonObject row) =>
        new(statementType, [row], isAggregation: false, affectedRows);

    /// <summary>
    /// Evaluates a constant that must be an unsigned 64-bit integer (point, node and edge ids);
    /// VELES-010 otherwise.
    /// </summary>
    private static ulong UInt64(Expr e, string what, ExecContext ctx)
    {
        var v = ctx.Constant(e);
        switch (v)
        {
            case long l when l >= 0:
                return (ulong)l;
            case ulong u:
                return u;
            case double d when d >= 0 && d < 18446744073709551616.0 && d == Math.Floor(d):
                return (ulong)d;
            default:
                return QueryErrors.Execution<ulong>(
                    $"{what} must be an integer between 0 and 18446744073709551615, got {QueryValues.ToDisplay(v)} ({QueryValues.TypeName(v)}).",
                    $"Give {what} as a non-negative integer literal or an integer parameter.");
        }
    }

    /// <summary>Rejects an option key given twice in one list.</summary>
    private static void CheckUnique(HashSet<string> seen, OptionEntry entry, string clause)
    {
        if (!seen.Add(entry.Key))
        {
            QueryErrors.Execution($"{clause}: '{entry.Key}' is given twice.", $"Keep one '{entry.Key} = …'.");
        }
    }

    /// <summary>The payload of a JSON object node as a detached element.</summary>
    private static JsonElement ToElement(JsonObject obj) =>
        JsonSerializer.SerializeToElement(obj, QueryJsonContext.Default.JsonObject);

    /// <summary>A mutable copy of a payload (an empty object when it has none or is not an object).</summary>
    private static JsonObject MutablePayload(JsonElement? payload) =>
        payload is { ValueKind: JsonValueKind.Object } p
            ? JsonNode.Parse(p.GetRawText())!.AsObject()
            : [];
}
