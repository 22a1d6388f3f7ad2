using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Expression-level rules: similarity() context (V006), similarity(field, v) in arithmetic (V008), subqueries (V010).</summary>
internal static partial class QueryValidator
{
    /// <summary>Where an expression sits while it is walked.</summary>
    /// <param name="Scope">The names visible to the enclosing query block.</param>
    /// <param name="VectorContext">The block has a vector search that similarity() can read.</param>
    /// <param name="InMatch">The block is a MATCH statement.</param>
    /// <param name="Clause">The clause, for messages ("ORDER BY", "LET x", …).</param>
    /// <param name="InArithmetic">The expression is an operand of + - * / or unary minus.</param>
    private readonly record struct ExprContext(NameScope Scope, bool VectorContext, bool InMatch, string Clause, bool InArithmetic);

    /// <summary>Walks one expression and everything below it, checking V006, V008 and V010 and descending into subqueries.</summary>
    private static void WalkExpr(Expr expr, in ExprContext ctx)
    {
        switch (expr)
        {
            case SimilarityExpr similarity:
                CheckSimilarity(similarity, ctx);
                break;
            case BinaryExpr binary:
                {
                    var inner = ctx with { InArithmetic = true };
                    WalkExpr(binary.Left, inner);
                    WalkExpr(binary.Right, inner);
                    break;
                }

            case NegateExpr negate:
                WalkExpr(negate.Operand, ctx with { InArithmetic = true });
                break;
            case ColumnRef column:
                CheckCorrelation(column, ctx.Scope);
                break;
            case AggregateExpr { Argument: { } argument }:
                CheckCorrelation(argument, ctx.Scope);
                break;
            case WindowExpr window:
                foreach (var column in window.PartitionBy)
                {
                    CheckCorrelation(column, ctx.Scope);
                }

                foreach (var order in window.OrderBy)
                {
                    WalkExpr(order.Expression, ctx with { Clause = "a window ORDER BY", InArithmetic = false });
                }

                break;
            case FunctionCall call:
                WalkExprs(call.Arguments, ctx with { InArithmetic = false });
                break;
            case SubqueryExpr subquery:
                ValidateSubquery(subquery, ctx.Scope);
                break;
            default:
                // Literals, parameters, stars, NOW() and INTERVAL hold nothing to check.
                break;
        }
    }

    /// <summary>V006 for a zero-argument similarity() without a vector search; V008 for similarity(field, v) inside arithmetic.</summary>
    private static void CheckSimilarity(SimilarityExpr similarity, in ExprContext ctx)
    {
        if (similarity.Field is null)
        {
            if (!ctx.VectorContext)
            {
                if (ctx.InMatch)
                {
                    QueryErrors.Validation("V006", $"similarity() in {ctx.Clause} has no similarity search to read its score from.",
                        "Add a similarity threshold to WHERE (for example WHERE similarity(vector, $q) > 0.7) or order by similarity(vector, $q).", similarity.Pos);
                }

                QueryErrors.Validation("V006", $"similarity() in {ctx.Clause} has no vector search to read its score from.",
                    "Add a vector search to WHERE (vector NEAR $q, SPARSE_NEAR, NEAR_FUSED or similarity(vector, $q) > 0.7), or remove similarity().", similarity.Pos);
            }

            return;
        }

        if (ctx.InArithmetic)
        {
            QueryErrors.Validation("V008", $"similarity({similarity.Field.Path}, …) with arguments cannot be used inside arithmetic in {ctx.Clause}.",
                "Search with WHERE vector NEAR $q (or a similarity(field, $q) threshold) and use the zero-argument similarity() in the arithmetic, or sort by similarity(field, $q) on its own.", similarity.Pos);
        }
    }

    /// <summary>True when <paramref name="expr"/> holds a <c>similarity(field, vec)</c> call.</summary>
    private static bool ContainsSimilarityWithArguments(Expr expr) => expr switch
    {
        SimilarityExpr s => s.Field is not null,
        BinaryExpr b => ContainsSimilarityWithArguments(b.Left) || ContainsSimilarityWithArguments(b.Right),
        NegateExpr n => ContainsSimilarityWithArguments(n.Operand),
        _ => false,
    };

    /// <summary>V010: a qualified column inside a subquery may not name a block that encloses it.</summary>
    private static void CheckCorrelation(ColumnRef column, NameScope scope)
    {
        if (scope.Outer is null || column.Parts.Count < 2)
        {
            return;
        }

        string qualifier = column.Parts[0];
        if (scope.Names.Contains(qualifier))
        {
            return;
        }

        for (var outer = scope.Outer; outer is not null; outer = outer.Outer)
        {
            if (outer.Names.Contains(qualifier))
            {
                QueryErrors.Validation("V010", $"Correlated subqueries are not supported: '{column.Path}' refers to '{qualifier}' of an enclosing query.",
                    "Make the subquery self-contained (use only its own FROM collection), or rewrite it as a JOIN.", column.Pos);
            }
        }
    }

    /// <summary>Validates a scalar subquery as its own block inside <paramref name="outer"/> (V010 past <see cref="MaxSubqueryDepth"/> levels).</summary>
    private static void ValidateSubquery(SubqueryExpr subquery, NameScope outer)
    {
        if (outer.Depth + 1 > MaxSubqueryDepth)
        {
            QueryErrors.Validation("V010", $"Subqueries are nested deeper than {MaxSubqueryDepth} levels.",
                $"Flatten the query to at most {MaxSubqueryDepth} nested subqueries, for example by running the innermost ones first and passing their results as $parameters.", subquery.Pos);
        }

        ValidateSelect(subquery.Query, outer, []);
    }
}
