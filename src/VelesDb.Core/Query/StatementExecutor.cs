using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Runs DML, DDL and admin statements.</summary>
internal static class StatementExecutor
{
    /// <summary>Runs one statement.</summary>
    public static QueryResult Execute(Statement statement, ExecContext ctx) =>
        QueryErrors.Execution<QueryResult>($"{statement.GetType().Name} is not implemented yet.");
}
