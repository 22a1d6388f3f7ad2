using VelesDb.Core.Collections;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Produces the rows of one collection that satisfy a WHERE condition.</summary>
internal static class RowSource
{
    private const int PageSize = 1_024;

    /// <summary>
    /// Every point of <paramref name="collection"/> matching <paramref name="where"/> (null: all), in
    /// ascending id order. Search predicates (NEAR, MATCH text, …) are not allowed here.
    /// </summary>
    public static List<Row> Scan(Collection collection, string? alias, Condition? where, ExecContext ctx)
    {
        var scope = Scope.For(collection, alias);
        return [.. Enumerate(collection, Predicates.Split(where, scope, ctx), ctx)];
    }

    /// <summary>Streams the matching rows in ascending id order (secondary indexes serve the pushdown filter).</summary>
    public static IEnumerable<Row> Enumerate(Collection collection, CompiledWhere where, ExecContext ctx)
    {
        if (where.Ids is { } ids)
        {
            var sorted = ids.Order().ToArray();
            var points = collection.Get(sorted);
            for (var i = 0; i < sorted.Length; i++)
            {
                ctx.CheckDeadline();
                if (points[i] is { } p)
                {
                    var row = new Row(new SourceRow(p.Id, p.Payload));
                    if (where.Matches(row))
                    {
                        yield return row;
                    }
                }
            }

            yield break;
        }

        ulong? cursor = null;
        do
        {
            ctx.CheckDeadlineNow();
            var page = collection.Scroll(cursor, PageSize, where.Pushdown);
            foreach (var p in page.Points)
            {
                ctx.CheckDeadline();
                var row = new Row(new SourceRow(p.Id, p.Payload));
                if (where.Residual is null || where.Residual(row))
                {
                    yield return row;
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }
}
