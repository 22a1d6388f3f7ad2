namespace VelesDb.Core.Filtering;

/// <summary>The JSON tags and property names of the filter format (docs/FILTERS.md).</summary>
internal static class ConditionTypes
{
    public const string Eq = "eq";
    public const string Neq = "neq";
    public const string Gt = "gt";
    public const string Gte = "gte";
    public const string Lt = "lt";
    public const string Lte = "lte";
    public const string In = "in";
    public const string Contains = "contains";
    public const string IsNull = "is_null";
    public const string IsNotNull = "is_not_null";
    public const string And = "and";
    public const string Or = "or";
    public const string Not = "not";
    public const string Like = "like";
    public const string ILike = "ilike";
    public const string ArrayContains = "array_contains";
    public const string ArrayContainsAny = "array_contains_any";
    public const string ArrayContainsAll = "array_contains_all";

    /// <summary>Every accepted tag, in the order error messages list them.</summary>
    public const string All =
        "eq, neq, gt, gte, lt, lte, in, contains, is_null, is_not_null, and, or, not, like, ilike, " +
        "array_contains, array_contains_any, array_contains_all";

    public const string TypeProperty = "type";
    public const string FieldProperty = "field";
    public const string ValueProperty = "value";
    public const string ValuesProperty = "values";
    public const string PatternProperty = "pattern";
    public const string ConditionsProperty = "conditions";
    public const string ConditionProperty = "condition";
}
