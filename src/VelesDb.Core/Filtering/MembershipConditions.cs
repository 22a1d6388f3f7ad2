using System.Collections.Immutable;
using System.Text.Json;

namespace VelesDb.Core.Filtering;

/// <summary>
/// A condition on a field and a list of literal <see cref="Values"/> (<c>in</c>,
/// <c>array_contains_any</c>, <c>array_contains_all</c>). Each literal is compared with
/// <c>eq</c> semantics (see <see cref="ComparisonCondition"/>).
/// </summary>
public abstract class FieldValuesCondition : FieldCondition
{
    // Above this many integer literals a hash set beats a linear scan.
    private const int SetThreshold = 8;

    private readonly FilterValue[] _operands;
    private readonly HashSet<long>? _int64Set;

    private protected FieldValuesCondition(FieldPath path, FilterValue[] operands)
        : base(path)
    {
        _operands = operands;
        var builder = ImmutableArray.CreateBuilder<JsonElement>(operands.Length);
        var allInt64 = true;
        foreach (var operand in operands)
        {
            builder.Add(operand.Element);
            allInt64 &= operand.IsInt64;
        }

        Values = builder.MoveToImmutable();
        if (allInt64 && operands.Length > SetThreshold)
        {
            _int64Set = new HashSet<long>(operands.Length);
            foreach (var operand in operands)
            {
                _int64Set.Add(operand.Int64);
            }
        }
    }

    /// <summary>The literals, in the order given.</summary>
    public ImmutableArray<JsonElement> Values { get; }

    internal ReadOnlySpan<FilterValue> Operands => _operands;

    /// <inheritdoc />
    public sealed override bool Equals(Condition? other)
    {
        if (other is not FieldValuesCondition values || !SameTypeAndField(values) || values._operands.Length != _operands.Length)
        {
            return false;
        }

        for (var i = 0; i < _operands.Length; i++)
        {
            if (!_operands[i].SameAs(values._operands[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public sealed override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.Add(Field);
        foreach (var operand in _operands)
        {
            hash.Add(operand.GetStructuralHashCode());
        }

        return hash.ToHashCode();
    }

    internal sealed override void WriteTo(Utf8JsonWriter writer)
    {
        WriteHead(writer);
        writer.WriteStartArray(ConditionTypes.ValuesProperty);
        foreach (var operand in _operands)
        {
            operand.Element.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>True when <paramref name="candidate"/> equals any of the literals.</summary>
    private protected bool EqualsAny(JsonElement candidate)
    {
        if (_int64Set is not null && candidate.ValueKind == JsonValueKind.Number && candidate.TryGetInt64(out var int64))
        {
            // Integer against integer literals compares exactly, so set membership is the whole answer.
            return _int64Set.Contains(int64);
        }

        foreach (var operand in _operands)
        {
            if (operand.EqualTo(candidate))
            {
                return true;
            }
        }

        return false;
    }

    internal static FilterValue[] CreateOperands(IEnumerable<JsonElement> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var operands = new List<FilterValue>();
        foreach (var value in values)
        {
            operands.Add(FilterValue.Create(value, $"{ConditionTypes.ValuesProperty}[{operands.Count}]"));
        }

        return [.. operands];
    }
}

/// <summary><c>in</c>: the field equals one of the values. A missing field, or an empty list, never matches.</summary>
public sealed class InCondition : FieldValuesCondition
{
    /// <summary>Creates <c>{"type":"in","field":…,"values":[…]}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="values">The accepted values; they are copied.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment, or a number is out of range.</exception>
    public InCondition(string field, params IEnumerable<JsonElement> values)
        : this(FieldPath.Create(field), CreateOperands(values))
    {
    }

    internal InCondition(FieldPath path, FilterValue[] operands)
        : base(path, operands)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.In;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) => Path.TryResolve(payload, out var value) && EqualsAny(value);
}

/// <summary>
/// <c>array_contains_any</c>: the field is an array holding at least one of the values. A non-array
/// or missing field, or an empty list, never matches.
/// </summary>
public sealed class ArrayContainsAnyCondition : FieldValuesCondition
{
    /// <summary>Creates <c>{"type":"array_contains_any","field":…,"values":[…]}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="values">The wanted elements; they are copied.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment, or a number is out of range.</exception>
    public ArrayContainsAnyCondition(string field, params IEnumerable<JsonElement> values)
        : this(FieldPath.Create(field), CreateOperands(values))
    {
    }

    internal ArrayContainsAnyCondition(FieldPath path, FilterValue[] operands)
        : base(path, operands)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.ArrayContainsAny;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload)
    {
        if (!Path.TryResolve(payload, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var element in array.EnumerateArray())
        {
            if (EqualsAny(element))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// <c>array_contains_all</c>: the field is an array holding every one of the values (in any order,
/// duplicates not required). An empty list matches every array; a non-array or missing field never
/// matches.
/// </summary>
public sealed class ArrayContainsAllCondition : FieldValuesCondition
{
    /// <summary>Creates <c>{"type":"array_contains_all","field":…,"values":[…]}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="values">The required elements; they are copied.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment, or a number is out of range.</exception>
    public ArrayContainsAllCondition(string field, params IEnumerable<JsonElement> values)
        : this(FieldPath.Create(field), CreateOperands(values))
    {
    }

    internal ArrayContainsAllCondition(FieldPath path, FilterValue[] operands)
        : base(path, operands)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.ArrayContainsAll;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload)
    {
        if (!Path.TryResolve(payload, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var operand in Operands)
        {
            if (!ArrayContainsCondition.Holds(array, operand))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// <c>array_contains</c>: the field is an array holding an element equal (<c>eq</c> semantics) to
/// the value. A non-array or missing field never matches.
/// </summary>
public sealed class ArrayContainsCondition : FieldCondition
{
    /// <summary>Creates <c>{"type":"array_contains","field":…,"value":…}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="value">The wanted element; it is copied.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment, or a number is out of range.</exception>
    public ArrayContainsCondition(string field, JsonElement value)
        : this(FieldPath.Create(field), FilterValue.Create(value, ConditionTypes.ValueProperty))
    {
    }

    internal ArrayContainsCondition(FieldPath path, FilterValue operand)
        : base(path)
    {
        Operand = operand;
    }

    /// <summary>The wanted element.</summary>
    public JsonElement Value => Operand.Element;

    /// <inheritdoc />
    public override string Type => ConditionTypes.ArrayContains;

    internal FilterValue Operand { get; }

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) =>
        Path.TryResolve(payload, out var array) && array.ValueKind == JsonValueKind.Array && Holds(array, Operand);

    /// <inheritdoc />
    public override bool Equals(Condition? other) =>
        other is ArrayContainsCondition contains && SameTypeAndField(contains) && Operand.SameAs(contains.Operand);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Field, Operand.GetStructuralHashCode());

    internal override void WriteTo(Utf8JsonWriter writer)
    {
        WriteHead(writer);
        writer.WritePropertyName(ConditionTypes.ValueProperty);
        Operand.Element.WriteTo(writer);
        writer.WriteEndObject();
    }

    internal static bool Holds(JsonElement array, FilterValue operand)
    {
        foreach (var element in array.EnumerateArray())
        {
            if (operand.EqualTo(element))
            {
                return true;
            }
        }

        return false;
    }
}
