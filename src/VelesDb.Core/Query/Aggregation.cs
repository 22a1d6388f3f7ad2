using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>
/// GROUP BY, aggregates and HAVING. Without a vector search every matching row is grouped; with one,
/// GROUP BY groups the ranked hits by parent document (rows missing the key are skipped, and
/// <c>FIRST(col)</c> comes from the best-scoring row).
/// </summary>
internal static class Aggregation
{
    /// <summary>Groups <paramref name="rows"/> and returns one row per group, HAVING applied.</summary>
    public static List<Row> Group(List<Row> rows, SelectStatement s, Scope scope, ExecContext ctx, SelectSettings settings, bool parentDocuments, bool higherIsBetter)
    {
        var aggregates = new List<AggregateExpr>();
        foreach (var i in s.Items)
        {
            ExprKeys.CollectAggregates(i.Expression, aggregates);
        }

        foreach (var o in s.OrderBy)
        {
            ExprKeys.CollectAggregates(o.Expression, aggregates);
        }

        ExprKeys.CollectAggregates(s.Having, aggregates);
        foreach (var a in aggregates)
        {
            if (a.Function == AggregateFunction.First && s.GroupBy.Count == 0)
            {
                QueryErrors.Execution("FIRST(col) needs GROUP BY.", "Add GROUP BY parent_key, or use MIN/MAX.");
            }
        }

        var groups = new Dictionary<string, (object?[] Keys, List<Row> Members)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in rows)
        {
            ctx.CheckDeadline();
            var keys = new object?[s.GroupBy.Count];
            var skip = false;
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = ExprEvaluator.Evaluate(s.GroupBy[i], row, scope, ctx);
                skip |= parentDocuments && keys[i] is null;
            }

            if (skip)
            {
                continue;
            }

            var k = string.Join('\u0001', keys.Select(v => v is null ? "\u0000" : QueryValues.TypeName(v) + ":" + QueryValues.ToDisplay(v)));
            if (!groups.TryGetValue(k, out var g))
            {
                if (groups.Count >= settings.MaxGroups)
                {
                    QueryErrors.GuardRail(
                        $"GROUP BY produced more than {settings.MaxGroups} groups.",
                        $"Filter the rows first, or raise the budget with WITH (max_groups = N) (at most {SelectSettings.MaxGroupsCeiling}).");
                }

                g = (keys, []);
                groups[k] = g;
                order.Add(k);
            }

            g.Members.Add(row);
        }

        if (groups.Count == 0 && s.GroupBy.Count == 0)
        {
            groups[""] = ([], []);
            order.Add("");
        }

        var result = new List<Row>(groups.Count);
        foreach (var k in order)
        {
            var (keys, members) = groups[k];
            var group = new Row(members.Count > 0 ? members[0].Primary : null)
            {
                Score = members.Count > 0 ? members[0].Score : null,
                Joined = members.Count > 0 ? members[0].Joined : null,
            };
            for (var i = 0; i < keys.Length; i++)
            {
                group.Set(s.GroupBy[i].Path, keys[i]);
                if (s.GroupBy[i].Parts.Count > 1)
                {
                    group.Set(s.GroupBy[i].Parts[^1], keys[i]);
                }
            }

            foreach (var a in aggregates)
            {
                group.Set(ExprKeys.Key(a), Compute(a, members, scope, ctx, higherIsBetter));
            }

            result.Add(group);
        }

        if (s.Having is { } having)
        {
            var predicate = Predicates.Compile(having, scope, ctx);
            result = result.FindAll(r => predicate(r));
        }

        if (parentDocuments)
        {
            // Groups rank by their best hit, which is the first member (hits come best first).
            return result;
        }

        // Plain aggregation: groups in ascending key order.
        var sorted = result.ToArray();
        Array.Sort(sorted, (a, b) =>
        {
            foreach (var g in s.GroupBy)
            {
                var c = QueryValues.CompareForSort(a.Computed![g.Path], b.Computed![g.Path]);
                if (c != 0)
                {
                    return c;
                }
            }

            return 0;
        });
        return [.. sorted];
    }

    private static object? Compute(AggregateExpr a, List<Row> members, Scope scope, ExecContext ctx, bool higherIsBetter)
    {
        if (a.Function == AggregateFunction.Count && a.Argument is null)
        {
            return (long)members.Count;
        }

        var values = new List<object?>(members.Count);
        foreach (var m in members)
        {
            values.Add(ExprEvaluator.Evaluate(a.Argument!, m, scope, ctx));
        }

        if (a.Function == AggregateFunction.First)
        {
            return values.Count > 0 ? values[0] : null;
        }

        var present = values.Where(v => v is not null).ToList();
        switch (a.Function)
        {
            case AggregateFunction.Count:
                return (long)present.Count;
            case AggregateFunction.Sum or AggregateFunction.Avg:
                {
                    var numbers = present.Where(QueryValues.IsNumber).Select(QueryValues.ToDouble).ToList();
                    if (numbers.Count == 0)
                    {
                        return null;
                    }

                    var sum = numbers.Sum();
                    return a.Function == AggregateFunction.Sum ? sum : sum / numbers.Count;
                }

            default:
                {
                    if (present.Count == 0)
                    {
                        return null;
                    }

                    // MAX(score) on a distance metric means the best score, which is the smallest.
                    var max = a.Function == AggregateFunction.Max;
                    if (a.Argument!.Parts is ["score"] && !higherIsBetter)
                    {
                        max = !max;
                    }

                    var best = present[0];
                    foreach (var v in present)
                    {
                        var c = QueryValues.CompareForSort(v, best);
                        if (max ? c > 0 : c < 0)
                        {
                            best = v;
                        }
                    }

                    return best;
                }
        }
    }
}
