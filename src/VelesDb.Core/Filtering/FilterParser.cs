using System.Text.Json;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Filtering;

/// <summary>
/// Strict reader of the filter JSON format (docs/FILTERS.md). Every error is
/// <see cref="VelesDbErrorCode.Query"/> with a message that starts with the JSON path of the
/// offending node, e.g. <c>filter.condition.conditions[2].field: expected a non-empty string, got number</c>.
/// </summary>
/// <remarks>
/// Nesting is checked against <see cref="Filter.MaxDepth"/> before recursing, so hostile input
/// cannot exhaust the stack.
/// </remarks>
internal static class FilterParser
{
    /// <summary>The path prefix of every error message.</summary>
    public const string RootPath = "filter";

    [Flags]
    private enum Slots
    {
        None = 0,
        Field = 1,
        Value = 2,
        Values = 4,
        Pattern = 8,
        Conditions = 16,
        Condition = 32,
    }

    /// <summary>Reads <c>{"condition": {…}}</c>.</summary>
    public static Filter ParseFilter(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(RootPath, $"expected an object of the form {{\"condition\": {{\"type\": …}}}}, got {Describe(element.ValueKind)}");
        }

        JsonElement condition = default;
        var found = false;
        string? unknown = null;
        foreach (var property in element.EnumerateObject())
        {
            if (!property.NameEquals(ConditionTypes.ConditionProperty))
            {
                unknown ??= property.Name;
                continue;
            }

            if (found)
            {
                throw Error(Member(RootPath, property.Name), "duplicate property");
            }

            condition = property.Value;
            found = true;
        }

        // A missing 'condition' is reported first: a flat {"k": "v"} map is the usual mistake.
        if (!found)
        {
            throw Error(RootPath, "missing field 'condition'; a filter is written {\"condition\": {\"type\": …}}");
        }

        if (unknown is not null)
        {
            throw Error(Member(RootPath, unknown), "unknown property; a filter has only the property 'condition'");
        }

        return new Filter(ParseCondition(condition, Member(RootPath, ConditionTypes.ConditionProperty), depth: 1));
    }

    /// <summary>Reads one condition object found at <paramref name="path"/>, nested <paramref name="depth"/> deep.</summary>
    public static Condition ParseCondition(JsonElement element, string path, int depth)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"expected a condition object, got {Describe(element.ValueKind)}");
        }

        var type = ReadType(element, path);
        var allowed = AllowedSlots(type, path);

        JsonElement field = default, value = default, values = default, pattern = default, conditions = default, child = default;
        var seen = Slots.None;
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals(ConditionTypes.TypeProperty))
            {
                continue;
            }

            var slot = property.Name switch
            {
                ConditionTypes.FieldProperty => Slots.Field,
                ConditionTypes.ValueProperty => Slots.Value,
                ConditionTypes.ValuesProperty => Slots.Values,
                ConditionTypes.PatternProperty => Slots.Pattern,
                ConditionTypes.ConditionsProperty => Slots.Conditions,
                ConditionTypes.ConditionProperty => Slots.Condition,
                _ => Slots.None,
            };
            if ((slot & allowed) == Slots.None)
            {
                throw Error(
                    Member(path, property.Name),
                    $"unexpected property for condition type '{type}'. Allowed properties: {AllowedList(allowed)}");
            }

            if ((seen & slot) != Slots.None)
            {
                throw Error(Member(path, property.Name), "duplicate property");
            }

            seen |= slot;
            switch (slot)
            {
                case Slots.Field:
                    field = property.Value;
                    break;
                case Slots.Value:
                    value = property.Value;
                    break;
                case Slots.Values:
                    values = property.Value;
                    break;
                case Slots.Pattern:
                    pattern = property.Value;
                    break;
                case Slots.Conditions:
                    conditions = property.Value;
                    break;
                default:
                    child = property.Value;
                    break;
            }
        }

        // Every allowed property is required.
        var missing = allowed & ~seen;
        if (missing != Slots.None)
        {
            throw Error(path, $"missing required property '{FirstName(missing)}' for condition type '{type}'");
        }

        return type switch
        {
            ConditionTypes.Eq => new EqCondition(ReadField(field, path), ReadValue(value, Member(path, ConditionTypes.ValueProperty))),
            ConditionTypes.Neq => new NeqCondition(ReadField(field, path), ReadValue(value, Member(path, ConditionTypes.ValueProperty))),
            ConditionTypes.Gt => new GtCondition(ReadField(field, path), ReadValue(value, Member(path, ConditionTypes.ValueProperty))),
            ConditionTypes.Gte => new GteCondition(ReadField(field, path), ReadValue(value, Member(path, ConditionTypes.ValueProperty))),
            ConditionTypes.Lt => new LtCondition(ReadField(field, path), ReadValue(value, Member(path, ConditionTypes.ValueProperty))),
            ConditionTypes.Lte => new LteCondition(ReadField(field, path), ReadValue(value, Member(path, ConditionTypes.ValueProperty))),
            ConditionTypes.In => new InCondition(ReadField(field, path), ReadValues(values, path)),
            ConditionTypes.Contains => new ContainsCondition(ReadField(field, path), ReadString(value, Member(path, ConditionTypes.ValueProperty))),
            ConditionTypes.IsNull => new IsNullCondition(ReadField(field, path)),
            ConditionTypes.IsNotNull => new IsNotNullCondition(ReadField(field, path)),
            ConditionTypes.And => new AndCondition(ReadChildren(conditions, path, depth)),
            ConditionTypes.Or => new OrCondition(ReadChildren(conditions, path, depth)),
            ConditionTypes.Not => new NotCondition(ReadChild(child, path, depth)),
            ConditionTypes.Like => ReadLike(field, pattern, path, ignoreCase: false),
            ConditionTypes.ILike => ReadLike(field, pattern, path, ignoreCase: true),
            ConditionTypes.ArrayContains => new ArrayContainsCondition(ReadField(field, path), ReadValue(value, Member(path, ConditionTypes.ValueProperty))),
            ConditionTypes.ArrayContainsAny => new ArrayContainsAnyCondition(ReadField(field, path), ReadValues(values, path)),
            ConditionTypes.ArrayContainsAll => new ArrayContainsAllCondition(ReadField(field, path), ReadValues(values, path)),
            _ => throw Error(path, $"unhandled condition type '{type}'"),
        };
    }

    private static string ReadType(JsonElement element, string path)
    {
        string? type = null;
        foreach (var property in element.EnumerateObject())
        {
            if (!property.NameEquals(ConditionTypes.TypeProperty))
            {
                continue;
            }

            var typePath = Member(path, ConditionTypes.TypeProperty);
            if (type is not null)
            {
                throw Error(typePath, "duplicate property");
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(typePath, $"expected a string, got {Describe(property.Value.ValueKind)}");
            }

            type = property.Value.GetString()!;
        }

        return type ?? throw Error(path, $"missing required property 'type'. Expected one of: {ConditionTypes.All}");
    }

    private static Slots AllowedSlots(string type, string path) => type switch
    {
        ConditionTypes.Eq or ConditionTypes.Neq or ConditionTypes.Gt or ConditionTypes.Gte or ConditionTypes.Lt
            or ConditionTypes.Lte or ConditionTypes.Contains or ConditionTypes.ArrayContains => Slots.Field | Slots.Value,
        ConditionTypes.In or ConditionTypes.ArrayContainsAny or ConditionTypes.ArrayContainsAll => Slots.Field | Slots.Values,
        ConditionTypes.IsNull or ConditionTypes.IsNotNull => Slots.Field,
        ConditionTypes.And or ConditionTypes.Or => Slots.Conditions,
        ConditionTypes.Not => Slots.Condition,
        ConditionTypes.Like or ConditionTypes.ILike => Slots.Field | Slots.Pattern,
        "geo_distance" or "geo_bbox" => throw Error(path, $"condition type '{type}' is not supported yet. Expected one of: {ConditionTypes.All}"),
        _ => throw Error(path, $"unknown condition type '{type}'. Expected one of: {ConditionTypes.All}"),
    };

    private static FieldPath ReadField(JsonElement element, string path)
    {
        var fieldPath = Member(path, ConditionTypes.FieldProperty);
        if (element.ValueKind != JsonValueKind.String)
        {
            throw Error(fieldPath, $"expected a non-empty string, got {Describe(element.ValueKind)}");
        }

        var field = element.GetString()!;
        var error = FieldPath.Validate(field);
        return error is null ? FieldPath.Create(field) : throw Error(fieldPath, error);
    }

    private static FilterValue ReadValue(JsonElement element, string path) =>
        FilterValue.TryCreate(element, out var error) ?? throw Error(path, error!);

    private static FilterValue[] ReadValues(JsonElement element, string path)
    {
        var valuesPath = Member(path, ConditionTypes.ValuesProperty);
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Error(valuesPath, $"expected an array, got {Describe(element.ValueKind)}");
        }

        var operands = new FilterValue[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            operands[i] = ReadValue(item, $"{valuesPath}[{i}]");
            i++;
        }

        return operands;
    }

    private static string ReadString(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw Error(path, $"expected a string, got {Describe(element.ValueKind)}");
        }

        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            throw new VelesDbException(VelesDbErrorCode.Query, $"{path}: string is not valid UTF-16 (lone surrogate escape)", ex);
        }
    }

    private static PatternCondition ReadLike(JsonElement field, JsonElement pattern, string path, bool ignoreCase)
    {
        var fieldPath = ReadField(field, path);
        var patternPath = Member(path, ConditionTypes.PatternProperty);
        var text = ReadString(pattern, patternPath);
        var compiled = LikePattern.TryCompile(text, ignoreCase, out var error) ?? throw Error(patternPath, error!);
        return ignoreCase ? new ILikeCondition(fieldPath, text, compiled) : new LikeCondition(fieldPath, text, compiled);
    }

    private static Condition[] ReadChildren(JsonElement element, string path, int depth)
    {
        var childrenPath = Member(path, ConditionTypes.ConditionsProperty);
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Error(childrenPath, $"expected an array of conditions, got {Describe(element.ValueKind)}");
        }

        var children = new Condition[element.GetArrayLength()];
        if (children.Length > 0)
        {
            CheckDepth(depth + 1, childrenPath + "[0]");
        }

        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            children[i] = ParseCondition(item, $"{childrenPath}[{i}]", depth + 1);
            i++;
        }

        return children;
    }

    private static Condition ReadChild(JsonElement element, string path, int depth)
    {
        var childPath = Member(path, ConditionTypes.ConditionProperty);
        CheckDepth(depth + 1, childPath);
        return ParseCondition(element, childPath, depth + 1);
    }

    private static void CheckDepth(int depth, string path)
    {
        if (depth > Filter.MaxDepth)
        {
            throw Error(path, $"conditions are nested deeper than the maximum depth of {Filter.MaxDepth}");
        }
    }

    private static string AllowedList(Slots allowed)
    {
        var names = new List<string> { ConditionTypes.TypeProperty };
        for (var slot = Slots.Field; slot <= Slots.Condition; slot = (Slots)((int)slot << 1))
        {
            if ((allowed & slot) != Slots.None)
            {
                names.Add(Name(slot));
            }
        }

        return string.Join(", ", names);
    }

    private static string FirstName(Slots slots)
    {
        for (var slot = Slots.Field; slot <= Slots.Condition; slot = (Slots)((int)slot << 1))
        {
            if ((slots & slot) != Slots.None)
            {
                return Name(slot);
            }
        }

        return string.Empty;
    }

    private static string Name(Slots slot) => slot switch
    {
        Slots.Field => ConditionTypes.FieldProperty,
        Slots.Value => ConditionTypes.ValueProperty,
        Slots.Values => ConditionTypes.ValuesProperty,
        Slots.Pattern => ConditionTypes.PatternProperty,
        Slots.Conditions => ConditionTypes.ConditionsProperty,
        _ => ConditionTypes.ConditionProperty,
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Member(string path, string name) => path + "." + name;

    private static VelesDbException Error(string path, string message) => new(VelesDbErrorCode.Query, $"{path}: {message}");
}
