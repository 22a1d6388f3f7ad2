using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Runs MATCH statements and MATCH predicates (engine spec §5.4).</summary>
internal static class MatchExecutor
{
    /// <summary>Runs a top-level MATCH … RETURN.</summary>
    public static QueryResult Execute(MatchStatement statement, ExecContext ctx) =>
        QueryErrors.Execution<QueryResult>("MATCH is not implemented yet.");

    /// <summary>Ids of the FROM collection's points that can bind the pattern's first node.</summary>
    public static IReadOnlySet<ulong> AnchorIds(GraphPattern pattern, Collections.Collection collection, string? fromAlias, ExecContext ctx) =>
        QueryErrors.Execution<IReadOnlySet<ulong>>("MATCH in WHERE is not implemented yet.");
}
