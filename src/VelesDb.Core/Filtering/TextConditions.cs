using System.Text;
using System.Text.Json;

namespace VelesDb.Core.Filtering;

/// <summary>
/// <c>contains</c>: the field is a string that contains <see cref="Value"/> as a substring
/// (ordinal, case-sensitive). An empty value matches every string; a non-string or missing field
/// never matches.
/// </summary>
public sealed class ContainsCondition : FieldCondition
{
    private readonly byte[] _utf8;

    /// <summary>Creates <c>{"type":"contains","field":…,"value":"…"}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="value">The substring to look for.</param>
    /// <exception cref="Errors.VelesDbException">The field path is empty or has an empty segment.</exception>
    public ContainsCondition(string field, string value)
        : this(FieldPath.Create(field), value)
    {
    }

    internal ContainsCondition(FieldPath path, string value)
        : base(path)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
        _utf8 = Encoding.UTF8.GetBytes(value);
    }

    /// <summary>The substring to look for.</summary>
    public string Value { get; }

    /// <inheritdoc />
    public override string Type => ConditionTypes.Contains;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload)
    {
        if (!Path.TryResolve(payload, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        // UTF-8 is self-synchronizing, so a byte match is a match on whole characters.
        byte[]? rented = null;
        try
        {
            return JsonStrings.GetUtf8(value, ref rented).IndexOf(_utf8) >= 0;
        }
        finally
        {
            JsonStrings.Return(rented);
        }
    }

    /// <inheritdoc />
    public override bool Equals(Condition? other) =>
        other is ContainsCondition contains && SameTypeAndField(contains) && string.Equals(Value, contains.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Field, Value);

    internal override void WriteTo(Utf8JsonWriter writer)
    {
        WriteHead(writer);
        writer.WriteString(ConditionTypes.ValueProperty, Value);
        writer.WriteEndObject();
    }
}

/// <summary>
/// A SQL <c>LIKE</c> test of a string field against <see cref="Pattern"/> (<c>like</c>, <c>ilike</c>).
/// </summary>
/// <remarks>
/// <c>%</c> matches any run of characters, including none; <c>_</c> matches exactly one character
/// (one Unicode scalar value, so an emoji counts as one); the whole string must match. A backslash
/// escapes the next character, which must be <c>%</c>, <c>_</c> or <c>\</c> (<c>\%</c> is a literal
/// percent sign); any other escape, or a trailing backslash, is rejected when the condition is built.
/// An empty pattern matches only the empty string. A non-string or missing field never matches.
/// Matching takes at most input length × pattern length steps; it never backtracks exponentially.
/// </remarks>
public abstract class PatternCondition : FieldCondition
{
    private readonly LikePattern _compiled;

    private protected PatternCondition(FieldPath path, string pattern, LikePattern compiled)
        : base(path)
    {
        Pattern = pattern;
        _compiled = compiled;
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <inheritdoc />
    public sealed override bool Matches(JsonElement payload)
    {
        if (!Path.TryResolve(payload, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        byte[]? rented = null;
        try
        {
            return _compiled.IsMatch(JsonStrings.GetUtf8(value, ref rented));
        }
        finally
        {
            JsonStrings.Return(rented);
        }
    }

    /// <inheritdoc />
    public sealed override bool Equals(Condition? other) =>
        other is PatternCondition pattern && SameTypeAndField(pattern) && string.Equals(Pattern, pattern.Pattern, StringComparison.Ordinal);

    /// <inheritdoc />
    public sealed override int GetHashCode() => HashCode.Combine(Type, Field, Pattern);

    internal sealed override void WriteTo(Utf8JsonWriter writer)
    {
        WriteHead(writer);
        writer.WriteString(ConditionTypes.PatternProperty, Pattern);
        writer.WriteEndObject();
    }

    private protected static LikePattern Compile(string pattern, bool ignoreCase)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return LikePattern.Compile(pattern, ignoreCase);
    }
}

/// <summary><c>like</c>: a case-sensitive pattern match, see <see cref="PatternCondition"/>.</summary>
public sealed class LikeCondition : PatternCondition
{
    /// <summary>Creates <c>{"type":"like","field":…,"pattern":"…"}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="pattern">The pattern, see <see cref="PatternCondition"/>.</param>
    /// <exception cref="Errors.VelesDbException">The field path is unusable or the pattern has an invalid escape.</exception>
    public LikeCondition(string field, string pattern)
        : this(FieldPath.Create(field), pattern, Compile(pattern, ignoreCase: false))
    {
    }

    internal LikeCondition(FieldPath path, string pattern, LikePattern compiled)
        : base(path, pattern, compiled)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.Like;
}

/// <summary>
/// <c>ilike</c>: a case-insensitive pattern match, see <see cref="PatternCondition"/>. Both sides are
/// compared in their invariant Unicode lowercase form (<see cref="string.ToLowerInvariant()"/>, one
/// scalar at a time), so <c>ÉCOLE</c> matches <c>école</c>.
/// </summary>
public sealed class ILikeCondition : PatternCondition
{
    /// <summary>Creates <c>{"type":"ilike","field":…,"pattern":"…"}</c>.</summary>
    /// <param name="field">The dot path of the field.</param>
    /// <param name="pattern">The pattern, see <see cref="PatternCondition"/>.</param>
    /// <exception cref="Errors.VelesDbException">The field path is unusable or the pattern has an invalid escape.</exception>
    public ILikeCondition(string field, string pattern)
        : this(FieldPath.Create(field), pattern, Compile(pattern, ignoreCase: true))
    {
    }

    internal ILikeCondition(FieldPath path, string pattern, LikePattern compiled)
        : base(path, pattern, compiled)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.ILike;
}
