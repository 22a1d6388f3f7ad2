using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Runs SELECT and compound SELECT statements.</summary>
internal static partial class SelectExecutor
{
    /// <summary>Runs a SELECT or compound.</summary>
    public static QueryResult Execute(Statement statement, ExecContext ctx) =>
        QueryErrors.Execution<QueryResult>("SELECT is not implemented yet.");

    /// <summary>True for GROUP BY or aggregate queries without NEAR.</summary>
    public static bool IsAggregation(SelectStatement s) => s.GroupBy.Count > 0;

    /// <summary>Runs a scalar subquery: 0 rows give NULL, more than one row or column is an error.</summary>
    public static object? ScalarSubquery(SubqueryExpr q, ExecContext ctx) => null;
}
