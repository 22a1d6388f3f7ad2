using System.Text.Json;
using VelesDb.Core.Distance;
using VelesDb.VelesQL.Ast;
using CoreCondition = VelesDb.Core.Filtering.Condition;
using F = VelesDb.Core.Filtering;
using SqlCondition = VelesDb.VelesQL.Ast.Condition;

namespace VelesDb.Core.Query;

/// <summary>A WHERE clause split for execution.</summary>
/// <param name="Pushdown">The payload-only conjuncts as a Core filter (given to search and scroll, so secondary indexes serve them), or null.</param>
/// <param name="Residual">The remaining conjuncts, evaluated per row, or null.</param>
/// <param name="Ids">When a top-level conjunct is <c>id = v</c> or <c>id IN (…)</c>: the only ids that can match.</param>
internal sealed record CompiledWhere(F.Filter? Pushdown, Func<Row, bool>? Residual, IReadOnlySet<ulong>? Ids)
{
    /// <summary>Matches every row.</summary>
    public static CompiledWhere All { get; } = new(null, null, null);

    /// <summary>Evaluates the whole condition on one row (pushdown included).</summary>
    public bool Matches(Row row) =>
        (Ids is null || (row.Primary is { } p && Ids.Contains(p.Id)))
        && (Pushdown is null || Pushdown.Matches(row.Primary?.Payload ?? Predicates.EmptyObject))
        && (Residual is null || Residual(row));
}

/// <summary>
/// Compiles VelesQL conditions. Payload conditions are translated to Core
/// <see cref="Filtering.Condition"/>s, so WHERE has exactly the semantics of the filter engine
/// (docs/FILTERS.md: a missing field does not match <c>=</c> but matches <c>!=</c>, and so on).
/// Conditions on other values (ids, joined aliases, computed values, GEO functions) evaluate the
/// value and apply the same Core condition to it.
/// </summary>
internal static class Predicates
{
    private const string ValueField = "v";

    /// <summary><c>{"v": null}</c>: a value leaf whose column holds an explicit JSON null.</summary>
    private static readonly JsonElement NullValue = JsonDocument.Parse("""{"v":null}""").RootElement.Clone();

    /// <summary>An empty JSON object: the payload of a point that has none.</summary>
    public static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Compiles a whole condition into a row predicate (no pushdown).</summary>
    public static Func<Row, bool> Compile(SqlCondition condition, Scope scope, ExecContext ctx) =>
        Compile(condition, scope, ctx, static _ => false);

    /// <summary>
    /// Compiles a condition over computed rows (HAVING over groups): every column resolves through the
    /// row's computed values first, never straight from a point payload.
    /// </summary>
    public static Func<Row, bool> CompileComputed(SqlCondition condition, Scope scope, ExecContext ctx) =>
        Compile(condition, scope, ctx, static _ => false, payloadColumns: false);

    /// <summary>
    /// Splits <paramref name="where"/> into pushdown, residual and id set. Top-level conjuncts for which
    /// <paramref name="handled"/> is true (search predicates already applied by the caller) are dropped.
    /// </summary>
    public static CompiledWhere Split(SqlCondition? where, Scope scope, ExecContext ctx, Func<SqlCondition, bool>? handled = null)
    {
        if (where is null)
        {
            return CompiledWhere.All;
        }

        handled ??= static _ => false;
        var pushed = new List<CoreCondition>();
        var residual = new List<Func<Row, bool>>();
        HashSet<ulong>? ids = null;
        foreach (var c in Conjuncts(where))
        {
            if (handled(c))
            {
                continue;
            }

            if (TryIdSet(c, scope, ctx, out var set))
            {
                if (ids is null)
                {
                    ids = set;
                }
                else
                {
                    ids.IntersectWith(set);
                }

                continue;
            }

            if (TryTranslate(c, scope, ctx, out var core))
            {
                pushed.Add(core);
            }
            else
            {
                residual.Add(Compile(c, scope, ctx, handled));
            }
        }

        var filter = pushed.Count switch
        {
            0 => null,
            1 => new F.Filter(pushed[0]),
            _ => new F.Filter(new F.AndCondition(pushed)),
        };
        Func<Row, bool>? rest = residual.Count switch
        {
            0 => null,
            1 => residual[0],
            _ => row => residual.TrueForAll(p => p(row)),
        };
        return new CompiledWhere(filter, rest, ids);
    }

    /// <summary>The top-level AND terms of a condition.</summary>
    public static IEnumerable<SqlCondition> Conjuncts(SqlCondition c)
    {
        var stack = new Stack<SqlCondition>();
        stack.Push(c);
        while (stack.Count > 0)
        {
            var x = stack.Pop();
            if (x is AndCondition a)
            {
                stack.Push(a.Right);
                stack.Push(a.Left);
            }
            else
            {
                yield return x;
            }
        }
    }

    private static Func<Row, bool> Compile(SqlCondition c, Scope scope, ExecContext ctx, Func<SqlCondition, bool> handled, bool payloadColumns = true)
    {
        if (handled(c))
        {
            return static _ => true;
        }

        if (payloadColumns && TryTranslate(c, scope, ctx, out var core))
        {
            return row => core.Matches(row.Primary?.Payload ?? EmptyObject);
        }

        switch (c)
        {
            case AndCondition a:
                {
                    var l = Compile(a.Left, scope, ctx, handled, payloadColumns);
                    var r = Compile(a.Right, scope, ctx, handled, payloadColumns);
                    return row => l(row) && r(row);
                }

            case OrCondition o:
                {
                    var l = Compile(o.Left, scope, ctx, handled, payloadColumns);
                    var r = Compile(o.Right, scope, ctx, handled, payloadColumns);
                    return row => l(row) || r(row);
                }

            case NotCondition n:
                {
                    var inner = Compile(n.Operand, scope, ctx, handled, payloadColumns);
                    return row => !inner(row);
                }

            case CompareCondition { Left: SimilarityExpr { Vector: not null } s } cmp:
                return Threshold(s, cmp.Op, cmp.Right, scope, ctx);
            case CompareCondition { Right: SimilarityExpr { Vector: not null } s } cmp:
                return Threshold(s, Flip(cmp.Op), cmp.Left, scope, ctx);
            case GraphMatchCondition g:
                return GraphPredicate(g, scope, ctx);
            case FunctionCondition { Call.Name: "GEO_BBOX" } f:
                return GeoBox(f.Call, scope, ctx);
            case NearCondition or SparseNearCondition or NearFusedCondition or TextMatchCondition:
                return QueryErrors.Execution<Func<Row, bool>>(
                    "NEAR, SPARSE_NEAR, NEAR_FUSED and text MATCH must be top-level terms of WHERE, combined with AND.",
                    "Move the search predicate out of OR/NOT: WHERE vector NEAR $v AND (a = 1 OR b = 2).");
            case FunctionCondition f:
                return QueryErrors.Execution<Func<Row, bool>>($"{f.Call.Name} is not a boolean predicate.", "Use GEO_BBOX(col, lat_min, lng_min, lat_max, lng_max) or compare GEO_DISTANCE(col, lat, lng) to a number.");
        }

        return ValueLeaf(c, scope, ctx);
    }

    /// <summary>
    /// A leaf whose operand is not a plain payload column: evaluates the operand(s) per row and applies
    /// the same Core condition to <c>{"v": value}</c>.
    /// </summary>
    private static Func<Row, bool> ValueLeaf(SqlCondition c, Scope scope, ExecContext ctx)
    {
        if (c is CompareCondition cmp && !IsConstant(cmp.Right) && !IsConstant(cmp.Left))
        {
            // Column against column (joins, computed values): direct comparison.
            return row =>
            {
                var a = ExprEvaluator.Evaluate(cmp.Left, row, scope, ctx);
                var b = ExprEvaluator.Evaluate(cmp.Right, row, scope, ctx);
                return cmp.Op switch
                {
                    CompareOp.Eq => a is not null && QueryValues.ValueEquals(a, b),
                    CompareOp.NotEq => !(a is not null && QueryValues.ValueEquals(a, b)),
                    _ => QueryValues.CompareForPredicate(a, b) is { } order && OrderMatches(cmp.Op, order),
                };
            };
        }

        var operand = Operand(c);
        var core = TranslateLeaf(c, ValueField, ctx, out var swapped)
            ?? QueryErrors.Execution<CoreCondition>($"Unsupported condition at line {c.Pos.Line}, column {c.Pos.Column}.");
        var expr = swapped ? ((CompareCondition)c).Right : operand!;
        return row =>
        {
            // A column holding JSON null must read as null, not as missing, so that = NULL, != NULL and
            // IN (NULL) mean what they mean on a plain payload column (docs/FILTERS.md).
            var jsonNull = false;
            var value = expr is ColumnRef column
                ? ExprEvaluator.Column(column, row, scope, ctx, out jsonNull)
                : ExprEvaluator.Evaluate(expr, row, scope, ctx);
            return core.Matches(jsonNull ? NullValue : Wrap(value));
        };
    }

    private static JsonElement Wrap(object? value)
    {
        if (value is null)
        {
            return EmptyObject;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(32);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName(ValueField);
            QueryValues.Write(w, value);
            w.WriteEndObject();
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    internal static bool OrderMatches(CompareOp op, int order) => op switch
    {
        CompareOp.Lt => order < 0,
        CompareOp.LtEq => order <= 0,
        CompareOp.Gt => order > 0,
        CompareOp.GtEq => order >= 0,
        CompareOp.Eq => order == 0,
        _ => order != 0,
    };

    internal static CompareOp Flip(CompareOp op) => op switch
    {
        CompareOp.Lt => CompareOp.Gt,
        CompareOp.LtEq => CompareOp.GtEq,
        CompareOp.Gt => CompareOp.Lt,
        CompareOp.GtEq => CompareOp.LtEq,
        _ => op,
    };

    /// <summary>
    /// <c>similarity(field, v) op t</c>, metric-aware: for distance metrics (Euclidean, Hamming) the
    /// comparison is inverted, so <c>similarity() &gt; 0.8</c> keeps distances below 0.8.
    /// </summary>
    public static Func<Row, bool> Threshold(SimilarityExpr s, CompareOp op, Expr threshold, Scope scope, ExecContext ctx)
    {
        var vector = ctx.Vector(s.Vector!);
        var t = ctx.Number(threshold, "A similarity() threshold");
        var effective = ThresholdOp(op, scope);
        return row => ExprEvaluator.SimilarityTo(vector, row, scope, ctx) is { } score && OrderMatches(effective, score.CompareTo(t));
    }

    /// <summary>The comparison actually applied to the metric score for a user's similarity operator.</summary>
    public static CompareOp ThresholdOp(CompareOp op, Scope scope) =>
        scope.Primary is { } c && !c.Metric.HigherIsBetter() ? Flip(op) : op;

    private static Func<Row, bool> GraphPredicate(GraphMatchCondition g, Scope scope, ExecContext ctx)
    {
        if (scope.Primary is null)
        {
            return QueryErrors.Execution<Func<Row, bool>>("MATCH in WHERE needs a FROM collection.");
        }

        IReadOnlySet<ulong>? anchors = null;
        return row =>
        {
            anchors ??= MatchExecutor.AnchorIds(g.Pattern, scope.Primary, scope.PrimaryAlias, ctx);
            return row.Primary is { } p && anchors.Contains(p.Id);
        };
    }

    private static Func<Row, bool> GeoBox(FunctionCall call, Scope scope, ExecContext ctx)
    {
        if (call.Arguments.Count != 5)
        {
            return QueryErrors.Execution<Func<Row, bool>>("GEO_BBOX takes 5 arguments.", "GEO_BBOX(col, lat_min, lng_min, lat_max, lng_max)");
        }

        var bounds = call.Arguments.Skip(1).Select(a => ctx.Number(a, "A GEO_BBOX bound")).ToArray();
        return row => GeoMath.TryPoint(ExprEvaluator.Evaluate(call.Arguments[0], row, scope, ctx), out var lat, out var lng)
            && lat >= bounds[0] && lat <= bounds[2] && lng >= bounds[1] && lng <= bounds[3];
    }

    private static bool TryIdSet(SqlCondition c, Scope scope, ExecContext ctx, out HashSet<ulong> ids)
    {
        ids = [];
        switch (c)
        {
            case CompareCondition { Op: CompareOp.Eq } cmp when IsId(cmp.Left, scope, ctx) && IsConstant(cmp.Right):
                AddId(ctx.Constant(cmp.Right), ids);
                return true;
            case CompareCondition { Op: CompareOp.Eq } cmp when IsId(cmp.Right, scope, ctx) && IsConstant(cmp.Left):
                AddId(ctx.Constant(cmp.Left), ids);
                return true;
            case InCondition { Negated: false } i when IsId(i.Operand, scope, ctx) && i.Values.All(IsConstant):
                foreach (var v in i.Values)
                {
                    AddId(ctx.Constant(v), ids);
                }

                return true;
            default:
                return false;
        }
    }

    private static void AddId(object? v, HashSet<ulong> ids)
    {
        switch (v)
        {
            case long l and >= 0: ids.Add((ulong)l); break;
            case ulong u: ids.Add(u); break;
            case double d when d >= 0 && d == Math.Floor(d) && d < 1.8e19: ids.Add((ulong)d); break;
        }
    }

    private static bool IsId(Expr e, Scope scope, ExecContext ctx) =>
        e is ColumnRef c && !ctx.Lets.ContainsKey("id")
        && ((c.Parts.Count == 1 && c.Parts[0] == "id") || (c.Parts.Count == 2 && c.Parts[1] == "id" && scope.Qualifier(c.Parts[0], out _) == 1));

    /// <summary>True when an expression reads no row (literal, parameter, NOW, INTERVAL, subquery, arithmetic of those).</summary>
    public static bool IsConstant(Expr e) => e switch
    {
        IntegerLiteral or FloatLiteral or StringLiteral or BoolLiteral or NullLiteral or ParameterRef
            or VectorLiteral or SparseVectorLiteral or NowExpr or IntervalExpr or SubqueryExpr => true,
        BinaryExpr b => IsConstant(b.Left) && IsConstant(b.Right),
        NegateExpr n => IsConstant(n.Operand),
        _ => false,
    };

    /// <summary>The payload path of a column on the FROM source, or null when it is something else.</summary>
    private static string? PayloadPath(Expr e, Scope scope, ExecContext ctx)
    {
        if (e is not ColumnRef c || scope.Primary is null || scope.Joined.Count > 0)
        {
            return null;
        }

        var parts = c.Parts;
        if (parts.Count > 1 && scope.Qualifier(parts[0], out _) == 1)
        {
            parts = [.. parts.Skip(1)];
        }
        else if (parts.Count == 1 && (ctx.Lets.ContainsKey(parts[0]) || ExprEvaluator.ScoreVariables.Contains(parts[0])))
        {
            return null;
        }

        return parts.Count == 1 && parts[0] == "id" ? null : string.Join('.', parts);
    }

    /// <summary>Translates a condition over FROM payload columns and constants to a Core condition.</summary>
    public static bool TryTranslate(SqlCondition c, Scope scope, ExecContext ctx, out CoreCondition core)
    {
        core = null!;
        switch (c)
        {
            case AndCondition a:
                if (TryTranslate(a.Left, scope, ctx, out var l) && TryTranslate(a.Right, scope, ctx, out var r))
                {
                    core = new F.AndCondition(l, r);
                    return true;
                }

                return false;
            case OrCondition o:
                if (TryTranslate(o.Left, scope, ctx, out var ol) && TryTranslate(o.Right, scope, ctx, out var or))
                {
                    core = new F.OrCondition(ol, or);
                    return true;
                }

                return false;
            case NotCondition n:
                if (TryTranslate(n.Operand, scope, ctx, out var inner))
                {
                    core = new F.NotCondition(inner);
                    return true;
                }

                return false;
        }

        string? field;
        if (c is CompareCondition cmp && PayloadPath(cmp.Left, scope, ctx) is null && PayloadPath(cmp.Right, scope, ctx) is { } rightField && IsConstant(cmp.Left))
        {
            field = rightField;
        }
        else
        {
            var operand = Operand(c);
            field = operand is null ? null : PayloadPath(operand, scope, ctx);
        }

        if (field is null || !ValuesConstant(c))
        {
            return false;
        }

        var translated = TranslateLeaf(c, field, ctx, out _);
        if (translated is null)
        {
            return false;
        }

        core = translated;
        return true;
    }

    private static bool ValuesConstant(SqlCondition c) => c switch
    {
        CompareCondition cmp => IsConstant(cmp.Right) || IsConstant(cmp.Left),
        InCondition i => i.Values.All(IsConstant),
        BetweenCondition b => IsConstant(b.Low) && IsConstant(b.High),
        LikeCondition l => IsConstant(l.Pattern),
        ContainsTextCondition t => IsConstant(t.Text),
        ContainsCondition k => k.Values.All(IsConstant),
        IsNullCondition => true,
        _ => false,
    };

    private static Expr? Operand(SqlCondition c) => c switch
    {
        CompareCondition cmp => cmp.Left,
        InCondition i => i.Operand,
        BetweenCondition b => b.Operand,
        LikeCondition l => l.Operand,
        IsNullCondition n => n.Operand,
        ContainsTextCondition t => t.Column,
        ContainsCondition k => k.Column,
        _ => null,
    };

    /// <summary>Builds the Core condition of a leaf on <paramref name="field"/>; null when the leaf has no Core form.</summary>
    private static CoreCondition? TranslateLeaf(SqlCondition c, string field, ExecContext ctx, out bool swapped)
    {
        swapped = false;
        switch (c)
        {
            case CompareCondition cmp:
                {
                    var op = cmp.Op;
                    var valueExpr = cmp.Right;
                    if (!IsConstant(cmp.Right))
                    {
                        swapped = true;
                        op = Flip(op);
                        valueExpr = cmp.Left;
                    }

                    if (!IsConstant(valueExpr) || cmp.Left is SimilarityExpr || cmp.Right is SimilarityExpr)
                    {
                        return null;
                    }

                    var value = ctx.Constant(valueExpr);
                    if (op is not (CompareOp.Eq or CompareOp.NotEq) && !(QueryValues.IsNumber(value) || value is string))
                    {
                        return value is null
                            ? Never(field)
                            : QueryErrors.Execution<CoreCondition>($"{cmp.Op} compares numbers or strings, not a {QueryValues.TypeName(value)} (line {cmp.Pos.Line}, column {cmp.Pos.Column}).");
                    }

                    var element = QueryValues.ToElement(value);
                    return op switch
                    {
                        CompareOp.Eq => new F.EqCondition(field, element),
                        CompareOp.NotEq => new F.NeqCondition(field, element),
                        CompareOp.Lt => new F.LtCondition(field, element),
                        CompareOp.LtEq => new F.LteCondition(field, element),
                        CompareOp.Gt => new F.GtCondition(field, element),
                        _ => new F.GteCondition(field, element),
                    };
                }

            case InCondition i:
                {
                    var values = i.Values.Select(v => QueryValues.ToElement(ctx.Constant(v))).ToArray();
                    CoreCondition inCond = new F.InCondition(field, values);
                    return i.Negated ? new F.NotCondition(inCond) : inCond;
                }

            case BetweenCondition b:
                {
                    var low = ctx.Constant(b.Low);
                    var high = ctx.Constant(b.High);
                    if (!(QueryValues.IsNumber(low) || low is string) || !(QueryValues.IsNumber(high) || high is string))
                    {
                        return QueryErrors.Execution<CoreCondition>("BETWEEN bounds must be numbers or strings.");
                    }

                    CoreCondition range = new F.AndCondition(new F.GteCondition(field, QueryValues.ToElement(low)), new F.LteCondition(field, QueryValues.ToElement(high)));
                    return b.Negated ? new F.NotCondition(range) : range;
                }

            case LikeCondition l:
                {
                    var pattern = ctx.Constant(l.Pattern) as string ?? QueryErrors.Execution<string>("A LIKE pattern must be a string.");
                    CoreCondition like = l.CaseInsensitive ? new F.ILikeCondition(field, pattern) : new F.LikeCondition(field, pattern);
                    return l.Negated ? new F.NotCondition(like) : like;
                }

            case IsNullCondition n:
                return n.Negated ? new F.IsNotNullCondition(field) : new F.IsNullCondition(field);
            case ContainsTextCondition t:
                return new F.ContainsCondition(field, ctx.Constant(t.Text) as string ?? QueryErrors.Execution<string>("CONTAINS_TEXT needs a string."));
            case ContainsCondition k:
                {
                    var values = k.Values.Select(v => QueryValues.ToElement(ctx.Constant(v))).ToArray();
                    return k.Mode switch
                    {
                        ContainsMode.Single => new F.ArrayContainsCondition(field, values[0]),
                        ContainsMode.Any => new F.ArrayContainsAnyCondition(field, values),
                        _ => new F.ArrayContainsAllCondition(field, values),
                    };
                }

            default:
                return null;
        }
    }

    /// <summary>A condition no payload satisfies (ordering against NULL).</summary>
    private static F.AndCondition Never(string field) => new F.AndCondition(new F.IsNullCondition(field), new F.IsNotNullCondition(field));
}
