using System.Text;
using VelesDb.VelesQL;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Canonical keys and default output names of computed expressions (aggregates, windows).</summary>
internal static class ExprKeys
{
    /// <summary>A canonical text of the expression, used to store and find its computed value.</summary>
    public static string Key(Expr e) => e switch
    {
        AggregateExpr a => a.Function.ToString().ToUpperInvariant() + "(" + (a.Argument?.Path ?? "*") + ")",
        WindowExpr w => Printer.Expr(w),
        _ => Printer.Expr(e),
    };

    /// <summary>
    /// The output key of an unaliased item: <c>COUNT(*)</c> → <c>count</c>, <c>SUM(year)</c> →
    /// <c>sum_year</c>, <c>ROW_NUMBER()</c> → <c>row_number</c>, <c>similarity()</c> → <c>similarity</c>,
    /// a column → its path as written.
    /// </summary>
    public static string DefaultName(Expr e) => e switch
    {
        AggregateExpr { Argument: null } a => a.Function.ToString().ToLowerInvariant(),
        AggregateExpr a => a.Function.ToString().ToLowerInvariant() + "_" + a.Argument.Path.Replace('.', '_'),
        WindowExpr w => w.Function switch
        {
            WindowFunction.RowNumber => "row_number",
            WindowFunction.Rank => "rank",
            _ => "dense_rank",
        },
        SimilarityExpr => "similarity",
        ColumnRef c => c.Path,
        _ => Printer.Expr(e),
    };

    /// <summary>Collects every aggregate in an expression tree.</summary>
    public static void CollectAggregates(Expr? e, List<AggregateExpr> into)
    {
        switch (e)
        {
            case AggregateExpr a: into.Add(a); break;
            case BinaryExpr b: CollectAggregates(b.Left, into); CollectAggregates(b.Right, into); break;
            case NegateExpr n: CollectAggregates(n.Operand, into); break;
        }
    }

    /// <summary>Collects every aggregate in a condition tree (HAVING).</summary>
    public static void CollectAggregates(Condition? c, List<AggregateExpr> into)
    {
        switch (c)
        {
            case AndCondition a: CollectAggregates(a.Left, into); CollectAggregates(a.Right, into); break;
            case OrCondition o: CollectAggregates(o.Left, into); CollectAggregates(o.Right, into); break;
            case NotCondition n: CollectAggregates(n.Operand, into); break;
            case CompareCondition cc: CollectAggregates(cc.Left, into); CollectAggregates(cc.Right, into); break;
            case BetweenCondition b: CollectAggregates(b.Operand, into); break;
            case InCondition i: CollectAggregates(i.Operand, into); break;
        }
    }

    /// <summary>Joins a key list for messages.</summary>
    public static string List(IEnumerable<string> keys) => new StringBuilder().AppendJoin(", ", keys).ToString();
}
