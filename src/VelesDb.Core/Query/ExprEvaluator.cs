using System.Text.Json;
using VelesDb.Core.Distance;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Evaluates VelesQL expressions against a <see cref="Row"/>.</summary>
internal static class ExprEvaluator
{
    /// <summary>The score variables usable in ORDER BY, LET and projections.</summary>
    public static readonly HashSet<string> ScoreVariables = new(StringComparer.Ordinal)
    {
        "score", "vector_score", "bm25_score", "sparse_score", "graph_score", "fused_score",
    };

    /// <summary>Evaluates <paramref name="e"/>; <paramref name="row"/> is null for constant contexts.</summary>
    public static object? Evaluate(Expr e, Row? row, Scope scope, ExecContext ctx) => e switch
    {
        IntegerLiteral i => i.Value >= long.MinValue && i.Value <= long.MaxValue ? (long)i.Value : (ulong)i.Value,
        FloatLiteral f => f.Value,
        StringLiteral s => s.Value,
        BoolLiteral b => b.Value,
        NullLiteral => null,
        ParameterRef p => ctx.Parameter(p),
        VectorLiteral v => v.Values.Select(x => (float)x).ToArray(),
        SparseVectorLiteral => ctx.Sparse(e),
        NowExpr => ctx.NowSeconds,
        IntervalExpr iv => iv.Seconds,
        ColumnRef c => Column(c, row, scope, ctx),
        BinaryExpr b => Arithmetic(b.Op, Evaluate(b.Left, row, scope, ctx), Evaluate(b.Right, row, scope, ctx)),
        NegateExpr n => Evaluate(n.Operand, row, scope, ctx) switch
        {
            null => null,
            long l when l != long.MinValue => -l,
            var v when QueryValues.IsNumber(v) => -QueryValues.ToDouble(v),
            var v => QueryErrors.Execution<object?>($"Cannot negate a {QueryValues.TypeName(v)}."),
        },
        SimilarityExpr s => Similarity(s, row, scope, ctx),
        AggregateExpr or WindowExpr => Computed(row, ExprKeys.Key(e)) ?? Computed(row, ExprKeys.DefaultName(e)),
        SubqueryExpr q => Subquery(q, ctx),
        FunctionCall f => Function(f, row, scope, ctx),
        StarExpr => QueryErrors.Execution<object?>("* is only valid as a whole select item or in COUNT(*)."),
        _ => QueryErrors.Execution<object?>($"Unsupported expression {e.GetType().Name}."),
    };

    private static object? Computed(Row? row, string key) =>
        row?.Computed is { } c && c.TryGetValue(key, out var v) ? v : null;

    /// <summary>Resolves a column, score variable, LET name or computed value.</summary>
    public static object? Column(ColumnRef c, Row? row, Scope scope, ExecContext ctx) => Column(c, row, scope, ctx, out _);

    /// <summary>
    /// Resolves a column; <paramref name="jsonNull"/> tells an explicit JSON <c>null</c> in a payload
    /// apart from a missing field (both resolve to null).
    /// </summary>
    public static object? Column(ColumnRef c, Row? row, Scope scope, ExecContext ctx, out bool jsonNull)
    {
        jsonNull = false;
        if (row is null)
        {
            // Bare words in option positions (type = opq) read as strings.
            return c.Parts.Count == 1 ? c.Parts[0] : QueryErrors.Execution<object?>($"Column '{c.Path}' cannot be used here: there is no row.");
        }

        var parts = c.Parts;
        if (parts.Count > 1)
        {
            switch (scope.Qualifier(parts[0], out var key))
            {
                case 1:
                    return SourceValue(row.Primary, parts, 1, out jsonNull);
                case 2:
                    return SourceValue(row.Joined is { } j && j.TryGetValue(key!, out var s) ? s : null, parts, 1, out jsonNull);
            }
        }

        var path = parts.Count == 1 ? parts[0] : c.Path;
        if (row.Computed is { } computed && computed.TryGetValue(path, out var value))
        {
            return value;
        }

        if (parts.Count == 1)
        {
            var name = parts[0];
            if (ctx.Lets.TryGetValue(name, out var let))
            {
                var v = Evaluate(let, row, scope, ctx);
                row.Set(name, v);
                return v;
            }

            switch (name)
            {
                case "id": return row.Primary?.Id;
                case "score": return row.Score ?? 0.0;
                case "vector_score": return row.VectorScore;
                case "bm25_score": return row.Bm25Score;
                case "sparse_score": return row.SparseScore;
                case "graph_score": return row.GraphScore;
                case "fused_score": return row.FusedScore;
            }
        }

        if (row.Primary is not null && TryPayload(row.Primary.Payload, parts, 0, out var found))
        {
            jsonNull = found is null;
            return found;
        }

        if (row.Joined is not null)
        {
            foreach (var source in row.Joined.Values)
            {
                if (source is not null && TryPayload(source.Payload, parts, 0, out found))
                {
                    jsonNull = found is null;
                    return found;
                }
            }
        }

        return null;
    }

    private static object? SourceValue(SourceRow? source, IReadOnlyList<string> parts, int start, out bool jsonNull)
    {
        jsonNull = false;
        if (source is null)
        {
            return null;
        }

        if (parts.Count == start + 1 && parts[start] == "id")
        {
            return source.Id;
        }

        if (TryPayload(source.Payload, parts, start, out var v))
        {
            jsonNull = v is null;
            return v;
        }

        return null;
    }

    /// <summary>Reads a dot path from a payload; false when a segment is missing or not an object.</summary>
    public static bool TryPayload(JsonElement? payload, IReadOnlyList<string> parts, int start, out object? value)
    {
        value = null;
        if (payload is not { ValueKind: JsonValueKind.Object } current)
        {
            return false;
        }

        for (var i = start; i < parts.Count; i++)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(parts[i], out current))
            {
                return false;
            }
        }

        value = QueryValues.FromJson(current);
        return true;
    }

    /// <summary>Applies + - * / to two runtime values (null propagates; division by zero gives null).</summary>
    public static object? Arithmetic(ArithmeticOp op, object? a, object? b)
    {
        if (a is null || b is null)
        {
            return null;
        }

        if (!QueryValues.IsNumber(a) || !QueryValues.IsNumber(b))
        {
            return QueryErrors.Execution<object?>($"Arithmetic needs numbers, got {QueryValues.TypeName(a)} and {QueryValues.TypeName(b)}.");
        }

        if (a is long x && b is long y && op != ArithmeticOp.Divide)
        {
            try
            {
                return op switch
                {
                    ArithmeticOp.Add => checked(x + y),
                    ArithmeticOp.Subtract => checked(x - y),
                    _ => checked(x * y),
                };
            }
            catch (OverflowException)
            {
                // Fall through to floating point.
            }
        }

        var dx = QueryValues.ToDouble(a);
        var dy = QueryValues.ToDouble(b);
        return op switch
        {
            ArithmeticOp.Add => dx + dy,
            ArithmeticOp.Subtract => dx - dy,
            ArithmeticOp.Multiply => dx * dy,
            _ => dy == 0 ? null : dx / dy,
        };
    }

    private static object? Similarity(SimilarityExpr s, Row? row, Scope scope, ExecContext ctx)
    {
        if (row is null)
        {
            return QueryErrors.Execution<object?>("similarity() needs a row: use it in SELECT, WHERE or ORDER BY of a query over a collection.");
        }

        if (s.Vector is null)
        {
            return row.Score;
        }

        return SimilarityTo(ctx.Vector(s.Vector), row, scope, ctx);
    }

    /// <summary>The metric score of the row's vector against <paramref name="query"/>; null when the row has no vector.</summary>
    public static double? SimilarityTo(float[] query, Row row, Scope scope, ExecContext ctx)
    {
        var collection = scope.Primary;
        if (collection is null || row.Primary is null || !collection.HasVectors)
        {
            return null;
        }

        if (query.Length != collection.Dimension)
        {
            return QueryErrors.Execution<double?>($"The similarity() vector has dimension {query.Length}; collection '{collection.Name}' has {collection.Dimension}.");
        }

        var vector = ctx.RowVector(collection, row.Primary.Id);
        return vector is null ? null : DistanceMetrics.Score(collection.Metric, vector, query);
    }

    private static object? Subquery(SubqueryExpr q, ExecContext ctx)
    {
        if (ctx.Subqueries.TryGetValue(q, out var cached))
        {
            return cached;
        }

        var value = SelectExecutor.ScalarSubquery(q, ctx);
        ctx.Subqueries[q] = value;
        return value;
    }

    private static object? Function(FunctionCall f, Row? row, Scope scope, ExecContext ctx)
    {
        if (f.Name == "GEO_DISTANCE" && f.Arguments.Count == 3)
        {
            var point = Evaluate(f.Arguments[0], row, scope, ctx);
            var lat = Evaluate(f.Arguments[1], row, scope, ctx);
            var lng = Evaluate(f.Arguments[2], row, scope, ctx);
            return GeoMath.TryPoint(point, out var plat, out var plng) && QueryValues.IsNumber(lat) && QueryValues.IsNumber(lng)
                ? GeoMath.HaversineMetres(plat, plng, QueryValues.ToDouble(lat), QueryValues.ToDouble(lng))
                : null;
        }

        return QueryErrors.Execution<object?>($"Unknown function {f.Name}/{f.Arguments.Count}.", "Supported functions: GEO_DISTANCE(col, lat, lng), GEO_BBOX(col, lat_min, lng_min, lat_max, lng_max), NOW().");
    }
}

/// <summary>Geographic helpers for GEO_DISTANCE and GEO_BBOX.</summary>
internal static class GeoMath
{
    private const double EarthRadiusMetres = 6_371_008.8;

    /// <summary>Reads a point stored as <c>{"lat": …, "lon"|"lng": …}</c> or <c>[lat, lng]</c>.</summary>
    public static bool TryPoint(object? value, out double lat, out double lng)
    {
        lat = lng = 0;
        if (value is not JsonElement e)
        {
            return false;
        }

        if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2
            && e[0].ValueKind == JsonValueKind.Number && e[1].ValueKind == JsonValueKind.Number)
        {
            lat = e[0].GetDouble();
            lng = e[1].GetDouble();
            return true;
        }

        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("lat", out var la) && la.ValueKind == JsonValueKind.Number
            && (e.TryGetProperty("lon", out var lo) || e.TryGetProperty("lng", out lo)) && lo.ValueKind == JsonValueKind.Number)
        {
            lat = la.GetDouble();
            lng = lo.GetDouble();
            return true;
        }

        return false;
    }

    /// <summary>Great-circle distance in metres.</summary>
    public static double HaversineMetres(double lat1, double lng1, double lat2, double lng2)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLng = Rad(lng2 - lng1);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLng / 2) * Math.Sin(dLng / 2));
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
