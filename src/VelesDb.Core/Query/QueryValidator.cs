using VelesDb.VelesQL.Ast;
using QueryAst = VelesDb.VelesQL.Ast.Query;

namespace VelesDb.Core.Query;

/// <summary>
/// Semantic validation V001–V012 (VelesQL spec §6.11), run after parsing and before execution.
/// It walks every part of the AST that can hold a query block (compound operands, EXPLAIN
/// targets, scalar subqueries, JOIN ON, HAVING, LET) and throws the first violation as a
/// VELES-010 error whose <see cref="Errors.VelesDbException.QueryCode"/> is the V-code.
/// </summary>
/// <remarks>
/// V005 (bad string escaping) cannot arise here: the lexer accepts only <c>''</c> as an escape
/// and keeps a backslash as a literal character, so a string either lexes to a well-defined
/// value or the query fails to parse (an unterminated string is a parse error).
/// </remarks>
internal static partial class QueryValidator
{
    /// <summary>The deepest accepted nesting of scalar subqueries (spec §6.4).</summary>
    public const int MaxSubqueryDepth = 8;

    /// <summary>Names a LET binding may not take: the vector keyword and the score variables (V004).</summary>
    private static readonly HashSet<string> ReservedLetNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "vector", "score", "vector_score", "bm25_score", "sparse_score", "graph_score", "fused_score",
    };

    /// <summary>Throws the first validation error of <paramref name="query"/>.</summary>
    /// <param name="query">The parsed query.</param>
    /// <exception cref="Errors.VelesDbException">VELES-010 with the V-code of the first violation.</exception>
    public static void Validate(QueryAst query)
    {
        ArgumentNullException.ThrowIfNull(query);
        foreach (var let in query.Lets)
        {
            if (ReservedLetNames.Contains(let.Name))
            {
                QueryErrors.Validation("V004", $"LET name '{let.Name}' is reserved: it is the vector keyword or a built-in score variable.",
                    $"Rename the LET variable (for example 'my_{let.Name.ToLowerInvariant()}'); '{let.Name}' already has a meaning in SELECT and ORDER BY.", let.Pos);
            }
        }

        if (query.Lets.Count > 0)
        {
            CheckLetTarget(query.Statement, query.Lets[0]);
        }

        ValidateStatement(query.Statement, query.Lets);
    }

    /// <summary>V009: LET only works with a plain SELECT whose WHERE the LET evaluator supports.</summary>
    private static void CheckLetTarget(Statement statement, LetBinding let)
    {
        var target = statement is ExplainStatement e ? e.Target : statement;
        switch (target)
        {
            case SelectStatement select:
                CheckLetSelectShape(select, let);
                break;
            case CompoundSelectStatement:
                QueryErrors.Validation("V009", "LET cannot be used with a compound query (UNION, INTERSECT or EXCEPT).",
                    "Remove the LET bindings, or run each SELECT on its own with its LET bindings.", let.Pos);
                break;
            case MatchStatement:
                QueryErrors.Validation("V009", "LET cannot be used with a MATCH statement: MATCH … RETURN does not evaluate LET bindings.",
                    "Remove the LET bindings, or use SELECT … WHERE MATCH (…) with the LET.", let.Pos);
                break;
            default:
                QueryErrors.Validation("V009", "LET cannot be used with DDL or DML statements.", "Remove the LET bindings; they are only for SELECT.", let.Pos);
                break;
        }
    }

    /// <summary>V009: the WHERE shapes the LET evaluator rejects (SPARSE_NEAR, NEAR_FUSED, NOT similarity, OR with a vector search).</summary>
    private static void CheckLetSelectShape(SelectStatement select, LetBinding let)
    {
        if (select.Where is null)
        {
            return;
        }

        var facts = WhereFacts.Collect(select.Where);
        if (facts.Sparse.Count > 0)
        {
            QueryErrors.Validation("V009", "LET cannot be combined with SPARSE_NEAR.",
                "Remove the LET bindings and write the expression directly in the SELECT list or ORDER BY, or search with vector NEAR instead.", facts.Sparse[0].Pos);
        }

        if (facts.NearFused.Count > 0)
        {
            QueryErrors.Validation("V009", "LET cannot be combined with NEAR_FUSED.",
                "Remove the LET bindings and write the expression directly in the SELECT list or ORDER BY, or search with a single vector NEAR.", facts.NearFused[0].Condition.Pos);
        }

        foreach (var t in facts.Thresholds)
        {
            if (t.UnderNot)
            {
                QueryErrors.Validation("V009", "LET cannot be combined with NOT similarity(…).",
                    "Remove the LET bindings, or replace the negated threshold with a positive one (for example similarity(vector, $q) < 0.3).", t.Condition.Pos);
            }
        }

        if (facts.FirstOr is not null && facts.HasVectorSearch)
        {
            QueryErrors.Validation("V009", "LET cannot be combined with an OR in a WHERE that contains a vector search.",
                "Remove the LET bindings, or rewrite WHERE so the vector search is only combined with AND.", facts.FirstOr.Pos);
        }
    }

    /// <summary>Dispatches on the statement kind; <paramref name="lets"/> reach only a plain SELECT (V009 ran before).</summary>
    private static void ValidateStatement(Statement statement, IReadOnlyList<LetBinding> lets)
    {
        switch (statement)
        {
            case SelectStatement select:
                ValidateSelect(select, null, lets);
                break;
            case CompoundSelectStatement compound:
                ValidateSelect(compound.First, null, []);
                foreach (var op in compound.Rest)
                {
                    ValidateSelect(op.Right, null, []);
                }

                break;
            case ExplainStatement explain:
                ValidateStatement(explain.Target, lets);
                break;
            case MatchStatement match:
                ValidateMatch(match);
                break;
            case UpdateStatement update:
                ValidateDml(update.Collection, update.Where, update.Assignments.Select(a => a.Value));
                break;
            case DeleteStatement delete:
                ValidateDml(delete.Collection, delete.Where, []);
                break;
            case InsertStatement insert:
                ValidateDml(insert.Collection, null, insert.Rows.SelectMany(r => r));
                break;
            default:
                break;
        }
    }

    /// <summary>Validates one SELECT block (a top-level SELECT, a compound operand or a subquery).</summary>
    private static void ValidateSelect(SelectStatement select, NameScope? outer, IReadOnlyList<LetBinding> lets)
    {
        var scope = new NameScope(DeclaredNames(select), outer);
        CheckTableAlias(select.From);
        foreach (var join in select.Joins)
        {
            CheckTableAlias(join.Table);
        }

        var facts = select.Where is null ? WhereFacts.Empty : WhereFacts.Collect(select.Where);

        // A similarity(field, $v) sort key is itself a vector search (the planner may route it to
        // HNSW without NEAR), so similarity() can read its score.
        bool context = facts.HasVectorSearch || select.OrderBy.Any(o => ContainsSimilarityWithArguments(o.Expression));
        var ctx = new ExprContext(scope, context, false, "the SELECT list", false);
        foreach (var let in lets)
        {
            WalkExpr(let.Value, ctx with { Clause = $"LET {let.Name}" });
        }

        foreach (var item in select.Items)
        {
            CheckSelectAlias(item);
            if (item.Expression is StarExpr { Qualifier: { } qualifier } star && !scope.Names.Contains(qualifier))
            {
                QueryErrors.Validation("V007", $"'{qualifier}.*' names '{qualifier}', which is not a collection or alias declared in FROM or JOIN.",
                    $"Use one of the declared names ({string.Join(", ", scope.Names.Order(StringComparer.Ordinal))}) before '.*', or write '*'.", star.Pos);
            }

            WalkExpr(item.Expression, ctx);
        }

        foreach (var join in select.Joins)
        {
            if (join.On is not null)
            {
                WhereFacts.Collect(join.On).Check();
                WalkCondition(join.On, ctx with { Clause = "JOIN … ON" });
            }
        }

        if (select.Where is not null)
        {
            facts.Check();
            foreach (var graph in facts.GraphMatches)
            {
                CheckGraphAnchor(graph, select.From.Alias ?? select.From.Name, select.From.Name, select.Joins);
            }

            WalkCondition(select.Where, ctx with { Clause = "WHERE" });
        }

        foreach (var column in select.GroupBy)
        {
            CheckCorrelation(column, scope);
        }

        if (select.Having is not null)
        {
            WhereFacts.Collect(select.Having).Check();
            WalkCondition(select.Having, ctx with { Clause = "HAVING" });
        }

        foreach (var order in select.OrderBy)
        {
            WalkExpr(order.Expression, ctx with { Clause = "ORDER BY" });
        }

        CheckFusion(select, facts);
    }

    /// <summary>Validates a MATCH statement: WHERE shapes, similarity() context and RETURN aliases.</summary>
    private static void ValidateMatch(MatchStatement match)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in match.Pattern.Nodes)
        {
            if (node.Alias is not null)
            {
                names.Add(node.Alias);
            }
        }

        foreach (var rel in match.Pattern.Relationships)
        {
            if (rel.Alias is not null)
            {
                names.Add(rel.Alias);
            }
        }

        var scope = new NameScope(names, null);
        var facts = match.Where is null ? WhereFacts.Empty : WhereFacts.Collect(match.Where);

        // Inside MATCH, similarity() is scored by a threshold in WHERE or by an explicit
        // similarity(field, $v) sort key (the VectorFirst / Parallel strategies).
        bool context = facts.HasVectorSearch || match.OrderBy.Any(o => ContainsSimilarityWithArguments(o.Expression));
        var ctx = new ExprContext(scope, context, true, "RETURN", false);
        if (match.Where is not null)
        {
            facts.Check();
            WalkCondition(match.Where, ctx with { Clause = "WHERE" });
        }

        foreach (var item in match.Return)
        {
            CheckSelectAlias(item);
            WalkExpr(item.Expression, ctx);
        }

        foreach (var order in match.OrderBy)
        {
            WalkExpr(order.Expression, ctx with { Clause = "ORDER BY" });
        }
    }

    /// <summary>Validates the WHERE and value expressions of INSERT / UPDATE / DELETE.</summary>
    private static void ValidateDml(string collection, Condition? where, IEnumerable<Expr> values)
    {
        var scope = new NameScope(new HashSet<string>(StringComparer.Ordinal) { collection }, null);
        var facts = where is null ? WhereFacts.Empty : WhereFacts.Collect(where);
        var ctx = new ExprContext(scope, facts.HasVectorSearch, false, "VALUES / SET", false);
        if (where is not null)
        {
            facts.Check();
            foreach (var graph in facts.GraphMatches)
            {
                CheckGraphAnchor(graph, collection, collection, []);
            }

            WalkCondition(where, ctx with { Clause = "WHERE" });
        }

        foreach (var value in values)
        {
            WalkExpr(value, ctx);
        }
    }

    /// <summary>The names a SELECT block declares: every FROM/JOIN collection name and alias.</summary>
    private static HashSet<string> DeclaredNames(SelectStatement select)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { select.From.Name };
        if (select.From.Alias is not null)
        {
            names.Add(select.From.Alias);
        }

        foreach (var join in select.Joins)
        {
            names.Add(join.Table.Name);
            if (join.Table.Alias is not null)
            {
                names.Add(join.Table.Alias);
            }
        }

        return names;
    }

    /// <summary>V004: a table alias may not be <c>vector</c> (it would clash with <c>vector NEAR</c>).</summary>
    private static void CheckTableAlias(TableRef table)
    {
        if (table.Alias is not null && string.Equals(table.Alias, "vector", StringComparison.OrdinalIgnoreCase))
        {
            QueryErrors.Validation("V004", $"'{table.Alias}' cannot alias collection '{table.Name}': 'vector' is a reserved keyword.",
                "Choose another alias (for example 'v' or 'doc').", table.Pos);
        }
    }

    /// <summary>V004: a projection alias may not be <c>vector</c> (the reserved vector field).</summary>
    private static void CheckSelectAlias(SelectItem item)
    {
        if (item.Alias is not null && string.Equals(item.Alias, "vector", StringComparison.OrdinalIgnoreCase))
        {
            QueryErrors.Validation("V004", $"'{item.Alias}' cannot be used as a column alias: 'vector' is a reserved keyword.",
                "Choose another alias (for example 'embedding').", item.Pos);
        }
    }

    /// <summary>The names declared by one query block, linked to the blocks that enclose it.</summary>
    private sealed class NameScope
    {
        /// <summary>Creates a scope.</summary>
        /// <param name="names">The names this block declares.</param>
        /// <param name="outer">The enclosing block, or null at the top.</param>
        public NameScope(HashSet<string> names, NameScope? outer)
        {
            Names = names;
            Outer = outer;
            Depth = outer is null ? 0 : outer.Depth + 1;
        }

        /// <summary>The collection names and aliases this block declares.</summary>
        public HashSet<string> Names { get; }

        /// <summary>The enclosing block, or null for a top-level statement.</summary>
        public NameScope? Outer { get; }

        /// <summary>The subquery nesting depth (0 for a top-level statement).</summary>
        public int Depth { get; }
    }
}
