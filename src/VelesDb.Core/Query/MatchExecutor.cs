using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Runs MATCH statements and MATCH predicates (engine spec §5.4).</summary>
internal static class MatchExecutor
{
    /// <summary>Runs a top-level MATCH … RETURN.</summary>
    public static QueryResult Execute(MatchStatement statement, ExecContext ctx) =>
        QueryErrors.Execution<QueryResult>("MATCH is not implemented yet.");
}
