using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Index.Sparse;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

internal static partial class StatementExecutor
{
    /// <summary>Points written per upsert call by UPDATE (keeps one WAL record bounded).</summary>
    private const int UpdateBatch = 10_000;

    /// <summary>The column holding the point id.</summary>
    private const string IdColumn = "id";

    /// <summary>The column holding the dense vector.</summary>
    private const string VectorColumn = "vector";

    /// <summary>The column holding the default (unnamed) sparse vector.</summary>
    private const string SparseColumn = "sparse_vector";

    /// <summary>
    /// <c>INSERT|UPSERT INTO c (cols) VALUES (…), …</c>: one point per row, written with one Core
    /// call (all or nothing). <c>id</c> is required, <c>vector</c> is the dense vector,
    /// <c>sparse_vector</c> the default sparse vector, every other column a payload field. INSERT
    /// refuses ids that already exist (checked under the collection's write lock); UPSERT replaces.
    /// </summary>
    private static QueryResult Insert(InsertStatement s, ExecContext ctx)
    {
        var collection = ctx.Collection(s.Collection);
        var verb = s.Upsert ? "UPSERT" : "INSERT";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in s.Columns)
        {
            if (!seen.Add(column))
            {
                QueryErrors.Execution($"{verb} INTO {s.Collection}: column '{column}' is listed twice.", "List each column once.");
            }
        }

        var idIndex = IndexOf(s.Columns, IdColumn);
        if (idIndex < 0)
        {
            QueryErrors.Execution(
                $"{verb} INTO {s.Collection} needs an id column.",
                $"Add id to the column list: {verb} INTO {s.Collection} (id, …) VALUES (…).");
        }

        var points = new List<Point>(s.Rows.Count);
        foreach (var row in s.Rows)
        {
            ctx.CheckDeadline();
            var id = UInt64(row[idIndex], "id", ctx);
            ReadOnlyMemory<float> vector = ReadOnlyMemory<float>.Empty;
            Dictionary<string, SparseVector>? sparse = null;
            JsonObject? payload = null;
            for (var c = 0; c < s.Columns.Count; c++)
            {
                var column = s.Columns[c];
                var expr = row[c];
                if (expr is ColumnRef bare)
                {
                    QueryErrors.Execution(
                        $"{verb} VALUES take constants, but column '{column}' is given the name '{bare.Path}'.",
                        "Quote strings ('text'), or bind the value as a $parameter.");
                }

                switch (column)
                {
                    case IdColumn:
                        break;
                    case VectorColumn:
                        if (expr is not NullLiteral)
                        {
                            vector = ctx.Vector(expr);
                        }

                        break;
                    case SparseColumn:
                        if (expr is not NullLiteral)
                        {
                            sparse = new(StringComparer.Ordinal) { [""] = ctx.Sparse(expr) };
                        }

                        break;
                    default:
                        payload ??= [];
                        payload[column] = QueryValues.ToNode(ctx.Constant(expr));
                        break;
                }
            }

            points.Add(new Point(id, vector, payload is null ? null : ToElement(payload)) { Sparse = sparse });
        }

        if (s.Upsert)
        {
            collection.Upsert(points);
        }
        else if (!collection.TryInsert(points, out var existing))
        {
            QueryErrors.Execution(
                $"Point {existing} already exists in collection '{s.Collection}'; INSERT only adds new points.",
                "Use UPSERT INTO to replace existing points, or choose ids that are not taken.");
        }

        return StatusResult(verb, points.Count, new JsonObject { [s.Upsert ? "upserted" : "inserted"] = points.Count });
    }

    private static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// <c>UPDATE c SET k = v, … [WHERE]</c>: the matching points get their payload fields set
    /// (dotted keys set nested fields, creating objects on the way), <c>vector</c> replaces the
    /// dense vector and <c>sparse_vector</c> the default sparse vector. Values may read the row
    /// being updated (<c>SET stars = stars + 1</c>).
    /// </summary>
    private static QueryResult Update(UpdateStatement s, ExecContext ctx)
    {
        var collection = ctx.Collection(s.Collection);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in s.Assignments)
        {
            CheckUnique(seen, a, "UPDATE SET");
            if (a.Key == IdColumn)
            {
                QueryErrors.Execution("UPDATE cannot change a point's id.", "Insert the point under the new id and delete the old one.");
            }

            if (a.Key.StartsWith('.') || a.Key.EndsWith('.') || a.Key.Contains("..", StringComparison.Ordinal))
            {
                QueryErrors.Execution($"UPDATE SET: '{a.Key}' is not a valid field path.", "Write field paths as name or name.nested.");
            }
        }

        var rows = RowSource.Scan(collection, null, s.Where, ctx);
        var scope = Scope.For(collection, null);
        var updated = 0L;
        for (var start = 0; start < rows.Count; start += UpdateBatch)
        {
            var count = Math.Min(UpdateBatch, rows.Count - start);
            var ids = new ulong[count];
            for (var i = 0; i < count; i++)
            {
                ids[i] = rows[start + i].Primary!.Id;
            }

            var current = collection.Get(ids);
            var points = new List<Point>(count);
            for (var i = 0; i < count; i++)
            {
                ctx.CheckDeadline();
                if (current[i] is not { } old)
                {
                    continue; // deleted since the scan
                }

                points.Add(Apply(s, old, rows[start + i], scope, ctx));
            }

            collection.Upsert(points);
            updated += points.Count;
        }

        return StatusResult("UPDATE", updated, new JsonObject { ["updated"] = updated });
    }

    /// <summary>The point after the assignments of an UPDATE.</summary>
    private static Point Apply(UpdateStatement s, Point old, Row row, Scope scope, ExecContext ctx)
    {
        var vector = old.Vector;
        var sparse = old.Sparse;
        JsonObject? payload = null;
        foreach (var a in s.Assignments)
        {
            var value = ExprEvaluator.Evaluate(a.Value, row, scope, ctx);
            switch (a.Key)
            {
                case VectorColumn:
                    vector = value as float[] ?? QueryErrors.Execution<float[]>(
                        $"SET vector needs a dense vector, got {QueryValues.TypeName(value)}.",
                        "Bind the parameter to an array of numbers, or write a literal such as [0.1, 0.2].");
                    break;
                case SparseColumn:
                    var sv = value as SparseVector ?? QueryErrors.Execution<SparseVector>(
                        $"SET sparse_vector needs a sparse vector, got {QueryValues.TypeName(value)}.",
                        "Bind the parameter to a SparseVector or write a literal such as {12: 0.5}.");
                    var copy = sparse is null ? new Dictionary<string, SparseVector>(StringComparer.Ordinal) : new Dictionary<string, SparseVector>(sparse, StringComparer.Ordinal);
                    copy[""] = sv;
                    sparse = copy;
                    break;
                default:
                    payload ??= MutablePayload(old.Payload);
                    SetPath(payload, a.Key, QueryValues.ToNode(value));
                    break;
            }
        }

        return new Point(old.Id, vector, payload is null ? old.Payload : ToElement(payload)) { Sparse = sparse };
    }

    /// <summary>Sets a dotted path in a payload, creating intermediate objects.</summary>
    private static void SetPath(JsonObject payload, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var target = payload;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            var next = target[parts[i]];
            if (next is null)
            {
                var created = new JsonObject();
                target[parts[i]] = created;
                target = created;
            }
            else if (next is JsonObject obj)
            {
                target = obj;
            }
            else
            {
                QueryErrors.Execution(
                    $"UPDATE SET {path}: '{string.Join('.', parts, 0, i + 1)}' holds a {next.GetValueKind().ToString().ToLowerInvariant()}, not an object.",
                    $"Set '{string.Join('.', parts, 0, i + 1)}' itself, or choose a path through objects only.");
            }
        }

        target[parts[^1]] = value;
    }

    /// <summary><c>DELETE FROM c WHERE …</c>: the matching points (and their edges) are deleted.</summary>
    private static QueryResult Delete(DeleteStatement s, ExecContext ctx)
    {
        var collection = ctx.Collection(s.Collection);
        var rows = RowSource.Scan(collection, null, s.Where, ctx);
        var ids = new ulong[rows.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = rows[i].Primary!.Id;
        }

        var deleted = collection.Delete(ids);
        return StatusResult("DELETE", deleted, new JsonObject { ["deleted"] = deleted });
    }
}
