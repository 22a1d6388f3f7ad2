namespace VelesDb.VelesQL;

/// <summary>Parse-time limits of VelesQL (spec §6.1), checked before the parser recurses.</summary>
public static class VelesQLLimits
{
    /// <summary>The largest accepted query, in UTF-8 bytes.</summary>
    public const int MaxQueryBytes = 16 * 1024;

    /// <summary>The deepest accepted bracket / <c>NOT</c> / AST nesting.</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>The largest accepted upper bound of a variable-length graph relationship.</summary>
    public const int MaxGraphHops = 32;

    /// <summary>The most <c>LIKE</c> / <c>ILIKE</c> terms accepted in one query.</summary>
    public const int MaxLikeTerms = 8;
}
