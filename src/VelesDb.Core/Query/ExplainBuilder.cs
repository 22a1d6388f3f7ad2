using System.Text.Json.Nodes;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Builds EXPLAIN output.</summary>
internal static class ExplainBuilder
{
    /// <summary>The <c>EXPLAIN</c> statement result.</summary>
    public static QueryResult Explain(Statement target, ExecContext ctx) => new("EXPLAIN", [Build(target, ctx, false)]);

    /// <summary>The explain document.</summary>
    public static JsonObject Build(Statement target, ExecContext ctx, bool analyze) => [];
}
