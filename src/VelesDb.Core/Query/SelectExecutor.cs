using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>
/// Runs SELECT and compound SELECT statements. Pipeline of one SELECT: WITH options → candidates
/// (a search for NEAR / SPARSE_NEAR / NEAR_FUSED / text MATCH / similarity thresholds, else a scan
/// with the WHERE pushed down to Core filters) → JOINs → residual WHERE → GROUP BY / aggregates /
/// HAVING → DISTINCT → window functions → ORDER BY (ties by ascending id) → OFFSET / LIMIT →
/// projection.
/// </summary>
internal static partial class SelectExecutor
{
    /// <summary>LIMIT when a SELECT has none.</summary>
    public const int DefaultLimit = 10;


    /// <summary>Runs a SELECT or compound.</summary>
    public static QueryResult Execute(Statement statement, ExecContext ctx)
    {
        if (statement is CompoundSelectStatement compound)
        {
            var rows = SetOperations(compound, ctx);
            return new QueryResult("SELECT", [.. rows.Select(r => r.Output!)]);
        }

        var select = (SelectStatement)statement;
        var output = Run(select, ctx, operand: false);
        var aggregation = IsAggregation(select);
        return new QueryResult("SELECT", [.. output.Select(r => r.Output!)], aggregation, isGrouped: aggregation && select.GroupBy.Count > 0);
    }

    /// <summary>True for GROUP BY or aggregate queries without a vector search (those group parent documents).</summary>
    public static bool IsAggregation(SelectStatement s) => HasAggregates(s) && SearchPlan.FindVectorSearch(s.Where) is null;

    /// <summary>True when the SELECT groups: GROUP BY, or an aggregate in the select list, HAVING or ORDER BY.</summary>
    public static bool HasAggregates(SelectStatement s)
    {
        if (s.GroupBy.Count > 0 || s.Having is not null)
        {
            return true;
        }

        var found = new List<AggregateExpr>();
        foreach (var i in s.Items)
        {
            ExprKeys.CollectAggregates(i.Expression, found);
        }

        foreach (var o in s.OrderBy)
        {
            ExprKeys.CollectAggregates(o.Expression, found);
        }

        return found.Count > 0;
    }

    /// <summary>Runs a scalar subquery: 0 rows give NULL, more than one row or column is an error.</summary>
    public static object? ScalarSubquery(SubqueryExpr q, ExecContext ctx)
    {
        if (ctx.SubqueryDepth >= 8)
        {
            QueryErrors.Execution("Scalar subqueries nest deeper than 8 levels.", "Flatten the query.");
        }

        ctx.SubqueryDepth++;
        try
        {
            var rows = Run(q.Query, ctx, operand: false);
            if (rows.Count == 0)
            {
                return null;
            }

            var first = rows[0].Output!;
            if (rows.Count > 1 || first.Count != 1)
            {
                QueryErrors.Execution(
                    $"A scalar subquery must return one row with one column; it returned {rows.Count} row(s) with {first.Count} column(s).",
                    "Select one column and narrow the subquery (an aggregate, a WHERE on id, or LIMIT 1).");
            }

            var node = first.First().Value;
            return node is null ? null : QueryValues.FromJson(System.Text.Json.JsonSerializer.SerializeToElement(node, QueryJsonContext.Default.JsonNode));
        }
        finally
        {
            ctx.SubqueryDepth--;
        }
    }

    /// <summary>Runs one SELECT; rows carry their projected output.</summary>
    internal static List<Row> Run(SelectStatement s, ExecContext ctx, bool operand)
    {
        var settings = SelectSettings.Read(s.With, ctx);
        ctx.CheckDeadlineNow();
        var collection = ctx.Collection(s.From.Name);
        var scope = Scope.For(collection, s.From.Alias);
        foreach (var j in s.Joins)
        {
            scope.AddJoin(j.Table.Alias ?? j.Table.Name, ctx.Collection(j.Table.Name));
        }

        foreach (var item in s.Items)
        {
            if (item.Alias is not null)
            {
                scope.SelectAliases.Add(item.Alias);
            }
        }

        var grouping = HasAggregates(s);
        var plan = SearchPlan.Create(s, scope, ctx);

        // GROUP BY with a vector search groups the ranked hits by parent document (a page of groups,
        // default LIMIT 10); any other aggregation groups every matching row.
        var parentDocuments = grouping && !IsAggregation(s);
        var limit = Limit(s, operand, grouping && !parentDocuments);
        var offset = s.Offset is { } o ? (long)Math.Min(o, int.MaxValue) : 0;

        // Candidates. A search fetches what the page needs (more when grouping parent documents);
        // a scan reads everything unless nothing after it needs more than the page.
        var streaming = !grouping && s.Joins.Count == 0 && s.OrderBy.Count == 0 && !s.Distinct && !HasWindows(s);
        var need = parentDocuments ? (int)Math.Min(QueryOptions.MaxResultRows, Math.Max(100, (offset + limit) * 10))
            : (int)Math.Min(QueryOptions.MaxResultRows, offset + limit);
        var rows = plan.Fetch(need, streaming, settings, ctx);

        foreach (var j in s.Joins)
        {
            rows = Join(rows, j, scope, ctx);
        }

        if (s.Joins.Count > 0 && (plan.Where.Residual is not null || plan.Where.Ids is not null))
        {
            // With joins nothing was applied while fetching: the id set and the residual filter the joined rows.
            var where = plan.Where;
            rows = rows.FindAll(where.Matches);
        }

        if (grouping)
        {
            rows = Aggregation.Group(rows, s, scope, ctx, settings, parentDocuments, plan.HigherIsBetter);
        }

        var projection = new Projection(s, scope, ctx);
        if (s.Distinct)
        {
            rows = projection.Distinct(rows);
        }

        Windows.Apply(rows, s, scope, ctx);
        if (s.OrderBy.Count > 0)
        {
            rows = Sort(rows, s.OrderBy, projection, ctx);
        }

        rows = Page(rows, offset, limit, operand);
        foreach (var r in rows)
        {
            ctx.CheckDeadline();
            r.Output ??= projection.Project(r);
        }

        return rows;
    }

    private static long Limit(SelectStatement s, bool operand, bool grouping)
    {
        if (s.Limit is { } l)
        {
            if (l > QueryOptions.MaxResultRows)
            {
                QueryErrors.GuardRail(
                    $"LIMIT {l} is above the result ceiling of {QueryOptions.MaxResultRows} rows.",
                    $"Use LIMIT {QueryOptions.MaxResultRows} or less and page with OFFSET.");
            }

            return (long)l;
        }

        return operand || grouping ? QueryOptions.MaxResultRows : DefaultLimit;
    }

    private static bool HasWindows(SelectStatement s) => s.Items.Any(i => i.Expression is WindowExpr);

    private static List<Row> Page(List<Row> rows, long offset, long limit, bool operand)
    {
        if (offset >= rows.Count)
        {
            return [];
        }

        var count = (int)Math.Min(rows.Count - offset, limit);
        if (operand && count > QueryOptions.MaxResultRows)
        {
            QueryErrors.GuardRail($"A query operand produced more than {QueryOptions.MaxResultRows} rows.", "Add a WHERE or LIMIT to each operand.");
        }

        return offset == 0 && count == rows.Count ? rows : rows.GetRange((int)offset, count);
    }

    /// <summary>Stable multi-key sort; equal keys keep ascending point id order.</summary>
    internal static List<Row> Sort(List<Row> rows, IReadOnlyList<OrderItem> order, Projection projection, ExecContext ctx)
    {
        var keys = new object?[rows.Count][];
        for (var i = 0; i < rows.Count; i++)
        {
            ctx.CheckDeadline();
            var k = new object?[order.Count];
            for (var j = 0; j < order.Count; j++)
            {
                k[j] = projection.SortKey(order[j].Expression, rows[i]);
            }

            keys[i] = k;
        }

        var index = Enumerable.Range(0, rows.Count).ToArray();
        Array.Sort(index, (a, b) =>
        {
            var c = CompareKeys(keys[a], keys[b], order);
            if (c != 0)
            {
                return c;
            }

            var byId = rows[a].SortId.CompareTo(rows[b].SortId);
            return byId != 0 ? byId : a.CompareTo(b);
        });
        return [.. index.Select(i => rows[i])];
    }

    /// <summary>
    /// Compares two sort-key tuples: each key ascending or descending, NULL (a missing value) last in
    /// both directions.
    /// </summary>
    internal static int CompareKeys(object?[] a, object?[] b, IReadOnlyList<OrderItem> order)
    {
        for (var j = 0; j < order.Count; j++)
        {
            if (a[j] is null || b[j] is null)
            {
                if (a[j] is null != b[j] is null)
                {
                    return a[j] is null ? 1 : -1;
                }

                continue;
            }

            var c = QueryValues.CompareForSort(a[j], b[j]);
            if (c != 0)
            {
                return order[j].Descending ? -c : c;
            }
        }

        return 0;
    }

    private static List<Row> Join(List<Row> left, JoinClause join, Scope scope, ExecContext ctx)
    {
        var key = join.Table.Alias ?? join.Table.Name;
        var right = scope.Joined[key];
        var (leftExpr, rightField) = JoinKeys(join, key, scope);
        var result = new List<Row>(left.Count);
        var matchedRight = new HashSet<ulong>();
        Dictionary<string, List<SourceRow>>? byField = null;
        if (rightField != "id")
        {
            // Hash join on a payload field of the right side.
            byField = new(StringComparer.Ordinal);
            foreach (var r in RowSource.Enumerate(right, CompiledWhere.All, ctx))
            {
                if (ExprEvaluator.TryPayload(r.Primary!.Payload, rightField.Split('.'), 0, out var v) && v is not null)
                {
                    var k = QueryValues.ToDisplay(v);
                    (byField.TryGetValue(k, out var list) ? list : byField[k] = []).Add(r.Primary);
                }
            }
        }

        foreach (var row in left)
        {
            ctx.CheckDeadline();
            var value = ExprEvaluator.Evaluate(leftExpr, row, scope, ctx);
            IEnumerable<SourceRow> matches = [];
            if (value is not null)
            {
                if (byField is null)
                {
                    ulong? id = value switch
                    {
                        long l when l >= 0 => (ulong)l,
                        ulong u => u,
                        _ => null,
                    };
                    if (id is { } pointId && right.Get(pointId) is { } p)
                    {
                        matches = [new SourceRow(p.Id, p.Payload)];
                    }
                }
                else if (byField.TryGetValue(QueryValues.ToDisplay(value), out var list))
                {
                    matches = list;
                }
            }

            var any = false;
            foreach (var m in matches)
            {
                any = true;
                matchedRight.Add(m.Id);
                result.Add(WithJoined(row, key, m));
                if (result.Count > ctx.MaxJoinRows)
                {
                    QueryErrors.GuardRail(
                        $"JOIN {join.Table.Name} produced more than {ctx.MaxJoinRows} intermediate rows.",
                        "Join on a more selective column (the joined id is best), or filter the FROM rows first.");
                }
            }

            if (!any && join.Kind is JoinKind.Left or JoinKind.Full)
            {
                result.Add(WithJoined(row, key, null));
            }
        }

        if (join.Kind is JoinKind.Right or JoinKind.Full)
        {
            foreach (var r in RowSource.Enumerate(right, CompiledWhere.All, ctx))
            {
                if (!matchedRight.Contains(r.Primary!.Id))
                {
                    var row = new Row(null);
                    result.Add(WithJoined(row, key, r.Primary));
                }
            }
        }

        return result;
    }

    private static Row WithJoined(Row row, string key, SourceRow? source)
    {
        var copy = new Row(row.Primary)
        {
            Primary = row.Primary,
            Score = row.Score,
            VectorScore = row.VectorScore,
            Bm25Score = row.Bm25Score,
            SparseScore = row.SparseScore,
            GraphScore = row.GraphScore,
            FusedScore = row.FusedScore,
            Joined = row.Joined is null ? new(StringComparer.Ordinal) : new(row.Joined, StringComparer.Ordinal),
            Computed = row.Computed is null ? null : new(row.Computed, StringComparer.Ordinal),
        };
        copy.Joined[key] = source;
        return copy;
    }

    /// <summary>The left-side key expression and the right-side field of a join.</summary>
    private static (Expr Left, string RightField) JoinKeys(JoinClause join, string key, Scope scope)
    {
        if (join.Using is { } cols)
        {
            if (cols.Count != 1)
            {
                QueryErrors.Execution("JOIN … USING takes exactly one column.", "Write USING (id), or ON a.col = b.col.");
            }

            return (new ColumnRef(join.Pos, [scope.PrimaryKey!, cols[0]]), cols[0]);
        }

        if (join.On is CompareCondition { Op: CompareOp.Eq, Left: ColumnRef l, Right: ColumnRef r })
        {
            if (r.Parts.Count > 1 && r.Parts[0] == key)
            {
                return (l, string.Join('.', r.Parts.Skip(1)));
            }

            if (l.Parts.Count > 1 && l.Parts[0] == key)
            {
                return (r, string.Join('.', l.Parts.Skip(1)));
            }
        }

        return QueryErrors.Execution<(Expr, string)>(
            $"JOIN {key} needs ON x.col = {key}.col (an equality naming the joined alias) or USING (col).",
            $"Write JOIN {join.Table.Name} AS {key} ON {scope.PrimaryKey}.col = {key}.id.");
    }

    private static List<Row> SetOperations(CompoundSelectStatement c, ExecContext ctx)
    {
        var result = Run(c.First, ctx, operand: true);
        foreach (var op in c.Rest)
        {
            var right = Run(op.Right, ctx, operand: true);
            result = op.Operator switch
            {
                SetOperator.UnionAll => [.. result, .. right],
                SetOperator.Union => DistinctById([.. result, .. right]),
                SetOperator.Intersect => IntersectById(result, right, keep: true),
                _ => IntersectById(result, right, keep: false),
            };
            if (result.Count > QueryOptions.MaxResultRows)
            {
                QueryErrors.GuardRail($"The compound query produced more than {QueryOptions.MaxResultRows} rows.", "Add LIMIT to the operands.");
            }
        }

        return result;
    }

    private static List<Row> DistinctById(List<Row> rows)
    {
        var seen = new HashSet<ulong>();
        return rows.FindAll(r => seen.Add(r.SortId));
    }

    private static List<Row> IntersectById(List<Row> left, List<Row> right, bool keep)
    {
        var ids = right.Select(r => r.SortId).ToHashSet();
        var seen = new HashSet<ulong>();
        return left.FindAll(r => ids.Contains(r.SortId) == keep && seen.Add(r.SortId));
    }
}
