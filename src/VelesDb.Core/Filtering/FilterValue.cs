using System.Text;
using System.Text.Json;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Filtering;

/// <summary>
/// A literal from a filter (<c>value</c> or one of <c>values</c>), decoded once at parse time so that
/// comparing it with a payload value neither parses nor allocates.
/// </summary>
/// <remarks>
/// Comparison rules (see docs/FILTERS.md):
/// numbers compare numerically — exactly when both sides are integers that fit a
/// <see cref="long"/>/<see cref="ulong"/>, otherwise as doubles that are equal when
/// <c>|a-b| &lt;= 1e-9 * max(1, |a|, |b|)</c>; strings compare by Unicode code point (the order of
/// their UTF-8 bytes); booleans and null only equal themselves; arrays and objects compare with
/// <see cref="JsonElement.DeepEquals"/>; values of different kinds are neither equal nor ordered.
/// </remarks>
internal sealed class FilterValue
{
    private const double RelativeEpsilon = 1e-9;

    private readonly NumberKind _numberKind;
    private readonly long _int64;
    private readonly ulong _uint64;
    private readonly double _double;
    private readonly byte[]? _utf8;

    private FilterValue(JsonElement element, NumberKind numberKind, long int64, ulong uint64, double @double, byte[]? utf8)
    {
        Element = element;
        Kind = element.ValueKind;
        _numberKind = numberKind;
        _int64 = int64;
        _uint64 = uint64;
        _double = @double;
        _utf8 = utf8;
    }

    private enum NumberKind
    {
        None,
        Int64,
        UInt64,
        Double,
    }

    /// <summary>The literal, detached from the document it came from.</summary>
    public JsonElement Element { get; }

    /// <summary>The JSON kind of the literal.</summary>
    public JsonValueKind Kind { get; }

    /// <summary>True when the literal is an integer that fits a <see cref="long"/>.</summary>
    public bool IsInt64 => _numberKind == NumberKind.Int64;

    /// <summary>The integer value when <see cref="IsInt64"/>.</summary>
    public long Int64 => _int64;

    /// <summary>The literal as UTF-8 when it is a string.</summary>
    public ReadOnlySpan<byte> Utf8 => _utf8;

    /// <summary>Decodes a literal; returns null and sets <paramref name="error"/> when it is unusable.</summary>
    public static FilterValue? TryCreate(JsonElement element, out string? error)
    {
        error = null;
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                if (element.TryGetInt64(out var int64))
                {
                    return new FilterValue(element.Clone(), NumberKind.Int64, int64, 0, int64, null);
                }

                if (element.TryGetUInt64(out var uint64))
                {
                    return new FilterValue(element.Clone(), NumberKind.UInt64, 0, uint64, uint64, null);
                }

                if (element.TryGetDouble(out var number) && double.IsFinite(number))
                {
                    return new FilterValue(element.Clone(), NumberKind.Double, 0, 0, number, null);
                }

                error = $"number {element.GetRawText()} is outside the range of a double";
                return null;
            case JsonValueKind.String:
                string text;
                try
                {
                    text = element.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    error = "string is not valid UTF-16 (lone surrogate escape)";
                    return null;
                }

                return new FilterValue(element.Clone(), NumberKind.None, 0, 0, 0, Encoding.UTF8.GetBytes(text));
            case JsonValueKind.True:
            case JsonValueKind.False:
            case JsonValueKind.Null:
            case JsonValueKind.Array:
            case JsonValueKind.Object:
                return new FilterValue(element.Clone(), NumberKind.None, 0, 0, 0, null);
            default:
                error = "expected a JSON value";
                return null;
        }
    }

    /// <summary>Decodes a literal, throwing <see cref="VelesDbErrorCode.Query"/> when it is unusable.</summary>
    public static FilterValue Create(JsonElement element, string name)
    {
        var value = TryCreate(element, out var error);
        if (value is null)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Query, name + ": " + error);
        }

        return value;
    }

    /// <summary>Equality under filter semantics (see the type remarks).</summary>
    public bool EqualTo(JsonElement candidate)
    {
        switch (Kind)
        {
            case JsonValueKind.Number:
                return candidate.ValueKind == JsonValueKind.Number && TryCompareNumber(candidate, out var order) && order == 0;
            case JsonValueKind.String:
                return candidate.ValueKind == JsonValueKind.String && candidate.ValueEquals(Utf8);
            case JsonValueKind.Array:
            case JsonValueKind.Object:
                return candidate.ValueKind == Kind && JsonElement.DeepEquals(candidate, Element);
            default:
                // true, false, null: the kind is the value.
                return candidate.ValueKind == Kind;
        }
    }

    /// <summary>
    /// Orders <paramref name="candidate"/> against this literal: negative when it is smaller, zero when
    /// equal, positive when larger. False when the two are not both numbers or both strings.
    /// </summary>
    public bool TryCompare(JsonElement candidate, out int order)
    {
        if (Kind == JsonValueKind.Number && candidate.ValueKind == JsonValueKind.Number)
        {
            return TryCompareNumber(candidate, out order);
        }

        if (Kind == JsonValueKind.String && candidate.ValueKind == JsonValueKind.String)
        {
            byte[]? rented = null;
            try
            {
                order = JsonStrings.GetUtf8(candidate, ref rented).SequenceCompareTo(Utf8);
                return true;
            }
            finally
            {
                JsonStrings.Return(rented);
            }
        }

        order = 0;
        return false;
    }

    /// <summary>Structural equality of two literals (for condition equality, not filtering).</summary>
    public bool SameAs(FilterValue other) => JsonElement.DeepEquals(Element, other.Element);

    /// <summary>A hash consistent with <see cref="SameAs"/>.</summary>
    public int GetStructuralHashCode() =>
        Kind == JsonValueKind.String ? HashCode.Combine(Kind, Element.GetString()) : (int)Kind;

    private bool TryCompareNumber(JsonElement candidate, out int order)
    {
        if (candidate.TryGetInt64(out var int64))
        {
            switch (_numberKind)
            {
                case NumberKind.Int64:
                    order = int64.CompareTo(_int64);
                    return true;
                case NumberKind.UInt64:
                    // A UInt64 literal is above long.MaxValue.
                    order = -1;
                    return true;
                default:
                    order = CompareDoubles(int64, _double);
                    return true;
            }
        }

        if (candidate.TryGetUInt64(out var uint64))
        {
            // Only reached above long.MaxValue.
            switch (_numberKind)
            {
                case NumberKind.Int64:
                    order = 1;
                    return true;
                case NumberKind.UInt64:
                    order = uint64.CompareTo(_uint64);
                    return true;
                default:
                    order = CompareDoubles(uint64, _double);
                    return true;
            }
        }

        if (candidate.TryGetDouble(out var number) && double.IsFinite(number))
        {
            order = CompareDoubles(number, _double);
            return true;
        }

        // A payload number beyond the double range (1e400) is not comparable.
        order = 0;
        return false;
    }

    private static int CompareDoubles(double a, double b)
    {
        var scale = Math.Max(1.0, Math.Max(Math.Abs(a), Math.Abs(b)));
        if (Math.Abs(a - b) <= RelativeEpsilon * scale)
        {
            return 0;
        }

        return a < b ? -1 : 1;
    }
}
