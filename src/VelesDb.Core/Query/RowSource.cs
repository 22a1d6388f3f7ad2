using VelesDb.Core.Collections;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Produces the rows of one collection that satisfy a WHERE condition.</summary>
internal static class RowSource
{
    /// <summary>
    /// Every point of <paramref name="collection"/> matching <paramref name="where"/> (null: all), in
    /// ascending id order. Search predicates (NEAR, MATCH text, …) are not allowed here.
    /// </summary>
    public static List<Row> Scan(Collection collection, string? alias, Condition? where, ExecContext ctx) => [];
}
