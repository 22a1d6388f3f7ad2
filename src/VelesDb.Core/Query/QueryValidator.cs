using VelesDb.VelesQL.Ast;
using QueryAst = VelesDb.VelesQL.Ast.Query;

namespace VelesDb.Core.Query;

/// <summary>Semantic validation V001–V012 (VelesQL spec §6.11), run after parsing and before execution.</summary>
internal static class QueryValidator
{
    /// <summary>Throws the first validation error of <paramref name="query"/>.</summary>
    public static void Validate(QueryAst query)
    {
    }
}
