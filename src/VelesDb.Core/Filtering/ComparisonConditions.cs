using System.Text.Json;

namespace VelesDb.Core.Filtering;

/// <summary>
/// A comparison of a field with a literal <see cref="Value"/> (<c>eq</c>, <c>neq</c>, <c>gt</c>,
/// <c>gte</c>, <c>lt</c>, <c>lte</c>).
/// </summary>
/// <remarks>
/// Numbers compare numerically: exactly when both sides are integers that fit a 64-bit integer,
/// otherwise as doubles that count as equal when <c>|a-b| &lt;= 1e-9 * max(1, |a|, |b|)</c> (so
/// <c>1</c> equals <c>1.0</c>). Strings compare ordinally, by Unicode code point. Booleans and null
/// only equal themselves; arrays and objects compare structurally. Values of different kinds are
/// never equal and never ordered.
/// </remarks>
public abstract class ComparisonCondition : FieldCondition
{
    private protected ComparisonCondition(FieldPath path, FilterValue operand)
        : base(path)
    {
        Operand = operand;
    }

    /// <summary>The literal the field is compared with.</summary>
    public JsonElement Value => Operand.Element;

    internal FilterValue Operand { get; }

    /// <inheritdoc />
    public sealed override bool Equals(Condition? other) =>
        other is ComparisonCondition comparison && SameTypeAndField(comparison) && Operand.SameAs(comparison.Operand);

    /// <inheritdoc />
    public sealed override int GetHashCode() => HashCode.Combine(Type, Field, Operand.GetStructuralHashCode());

    internal sealed override void WriteTo(Utf8JsonWriter writer)
    {
        WriteHead(writer);
        writer.WritePropertyName(ConditionTypes.ValueProperty);
        Operand.Element.WriteTo(writer);
        writer.WriteEndObject();
    }

    /// <summary>Orders the field against <see cref="Value"/>; false when missing or not comparable.</summary>
    private protected bool TryCompare(JsonElement payload, out int order)
    {
        if (Path.TryResolve(payload, out var value))
        {
            return Operand.TryCompare(value, out order);
        }

        order = 0;
        return false;
    }
}

/// <summary><c>eq</c>: the field equals <see cref="ComparisonCondition.Value"/>. A missing field never matches; a <c>null</c> value matches an explicit JSON null only.</summary>
public sealed class EqCondition : ComparisonCondition
{
    /// <summary>Creates <c>{"type":"eq","field":…,"value":…}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="value">Any JSON value; it is copied.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment, or a number is out of range.</exception>
    public EqCondition(string field, JsonElement value)
        : this(FieldPath.Create(field), FilterValue.Create(value, ConditionTypes.ValueProperty))
    {
    }

    internal EqCondition(FieldPath path, FilterValue operand)
        : base(path, operand)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.Eq;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) => Path.TryResolve(payload, out var value) && Operand.EqualTo(value);
}

/// <summary>
/// <c>neq</c>: exactly the negation of <c>eq</c>. A missing field therefore <b>matches</b>, as does a
/// field of another kind.
/// </summary>
public sealed class NeqCondition : ComparisonCondition
{
    /// <summary>Creates <c>{"type":"neq","field":…,"value":…}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="value">Any JSON value; it is copied.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment, or a number is out of range.</exception>
    public NeqCondition(string field, JsonElement value)
        : this(FieldPath.Create(field), FilterValue.Create(value, ConditionTypes.ValueProperty))
    {
    }

    internal NeqCondition(FieldPath path, FilterValue operand)
        : base(path, operand)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.Neq;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) => !(Path.TryResolve(payload, out var value) && Operand.EqualTo(value));
}

/// <summary><c>gt</c>: the field is greater than the value. Only number/number and string/string pairs are ordered; anything else (including a missing field) does not match.</summary>
public sealed class GtCondition : ComparisonCondition
{
    /// <summary>Creates <c>{"type":"gt","field":…,"value":…}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="value">A number or a string (other kinds never match); it is copied.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment, or a number is out of range.</exception>
    public GtCondition(string field, JsonElement value)
        : this(FieldPath.Create(field), FilterValue.Create(value, ConditionTypes.ValueProperty))
    {
    }

    internal GtCondition(FieldPath path, FilterValue operand)
        : base(path, operand)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.Gt;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) => TryCompare(payload, out var order) && order > 0;
}

/// <summary><c>gte</c>: the field is greater than or equal to the value. Only number/number and string/string pairs are ordered; anything else (including a missing field) does not match.</summary>
public sealed class GteCondition : ComparisonCondition
{
    /// <summary>Creates <c>{"type":"gte","field":…,"value":…}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="value">A number or a string (other kinds never match); it is copied.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment, or a number is out of range.</exception>
    public GteCondition(string field, JsonElement value)
        : this(FieldPath.Create(field), FilterValue.Create(value, ConditionTypes.ValueProperty))
    {
    }

    internal GteCondition(FieldPath path, FilterValue operand)
        : base(path, operand)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.Gte;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) => TryCompare(payload, out var order) && order >= 0;
}

/// <summary><c>lt</c>: the field is less than the value. Only number/number and string/string pairs are ordered; anything else (including a missing field) does not match.</summary>
public sealed class LtCondition : ComparisonCondition
{
    /// <summary>Creates <c>{"type":"lt","field":…,"value":…}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="value">A number or a string (other kinds never match); it is copied.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment, or a number is out of range.</exception>
    public LtCondition(string field, JsonElement value)
        : this(FieldPath.Create(field), FilterValue.Create(value, ConditionTypes.ValueProperty))
    {
    }

    internal LtCondition(FieldPath path, FilterValue operand)
        : base(path, operand)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.Lt;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) => TryCompare(payload, out var order) && order < 0;
}

/// <summary><c>lte</c>: the field is less than or equal to the value. Only number/number and string/string pairs are ordered; anything else (including a missing field) does not match.</summary>
public sealed class LteCondition : ComparisonCondition
{
    /// <summary>Creates <c>{"type":"lte","field":…,"value":…}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="value">A number or a string (other kinds never match); it is copied.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment, or a number is out of range.</exception>
    public LteCondition(string field, JsonElement value)
        : this(FieldPath.Create(field), FilterValue.Create(value, ConditionTypes.ValueProperty))
    {
    }

    internal LteCondition(FieldPath path, FilterValue operand)
        : base(path, operand)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.Lte;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) => TryCompare(payload, out var order) && order <= 0;
}
