using System.Text.Json;

namespace VelesDb.Core.Filtering;

/// <summary><c>is_null</c>: the field is missing or holds JSON <c>null</c>.</summary>
public sealed class IsNullCondition : FieldCondition
{
    /// <summary>Creates <c>{"type":"is_null","field":…}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment.</exception>
    public IsNullCondition(string field)
        : this(FieldPath.Create(field))
    {
    }

    internal IsNullCondition(FieldPath path)
        : base(path)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.IsNull;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) =>
        !Path.TryResolve(payload, out var value) || value.ValueKind == JsonValueKind.Null;

    /// <inheritdoc />
    public override bool Equals(Condition? other) => other is IsNullCondition same && SameTypeAndField(same);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Field);

    internal override void WriteTo(Utf8JsonWriter writer)
    {
        WriteHead(writer);
        writer.WriteEndObject();
    }
}

/// <summary><c>is_not_null</c>: the field is present and not JSON <c>null</c> (exactly the negation of <c>is_null</c>).</summary>
public sealed class IsNotNullCondition : FieldCondition
{
    /// <summary>Creates <c>{"type":"is_not_null","field":…}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment.</exception>
    public IsNotNullCondition(string field)
        : this(FieldPath.Create(field))
    {
    }

    internal IsNotNullCondition(FieldPath path)
        : base(path)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.IsNotNull;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) =>
        Path.TryResolve(payload, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <inheritdoc />
    public override bool Equals(Condition? other) => other is IsNotNullCondition same && SameTypeAndField(same);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Field);

    internal override void WriteTo(Utf8JsonWriter writer)
    {
        WriteHead(writer);
        writer.WriteEndObject();
    }
}
