using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>ROW_NUMBER, RANK and DENSE_RANK over (PARTITION BY … ORDER BY …); no frames.</summary>
internal static class Windows
{
    /// <summary>Computes every window item of <paramref name="s"/> into each row's computed values.</summary>
    public static void Apply(List<Row> rows, SelectStatement s, Scope scope, ExecContext ctx)
    {
        foreach (var item in s.Items)
        {
            if (item.Expression is not WindowExpr w)
            {
                continue;
            }

            var key = ExprKeys.Key(w);
            var partitions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var i = 0; i < rows.Count; i++)
            {
                var p = string.Join('\u0001', w.PartitionBy.Select(c => QueryValues.ToDisplay(ExprEvaluator.Evaluate(c, rows[i], scope, ctx))));
                (partitions.TryGetValue(p, out var list) ? list : partitions[p] = []).Add(i);
            }

            foreach (var members in partitions.Values)
            {
                ctx.CheckDeadline();
                var keys = members.ToDictionary(i => i, i => w.OrderBy.Select(o => SortKey(o.Expression, rows[i], scope, ctx)).ToArray());
                var ordered = members.ToArray();

                // Stable: equal keys keep the incoming order.
                var position = members.Select((m, n) => (m, n)).ToDictionary(x => x.m, x => x.n);
                Array.Sort(ordered, (a, b) =>
                {
                    var c = SelectExecutor.CompareKeys(keys[a], keys[b], w.OrderBy);
                    return c != 0 ? c : position[a].CompareTo(position[b]);
                });
                long rank = 0, dense = 0;
                for (var n = 0; n < ordered.Length; n++)
                {
                    var tie = n > 0 && w.OrderBy.Count > 0 && SelectExecutor.CompareKeys(keys[ordered[n - 1]], keys[ordered[n]], w.OrderBy) == 0;
                    if (!tie)
                    {
                        rank = w.OrderBy.Count == 0 ? 1 : n + 1;
                        dense = w.OrderBy.Count == 0 ? 1 : dense + 1;
                    }

                    object value = w.Function switch
                    {
                        WindowFunction.RowNumber => (long)(n + 1),
                        WindowFunction.Rank => rank,
                        _ => dense,
                    };
                    rows[ordered[n]].Set(key, value);
                }
            }
        }
    }

    private static object? SortKey(Expr e, Row row, Scope scope, ExecContext ctx) => ExprEvaluator.Evaluate(e, row, scope, ctx);
}
