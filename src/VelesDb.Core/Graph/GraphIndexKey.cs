using System.Text.Json;

namespace VelesDb.Core.Graph;

/// <summary>
/// A node property value as the graph property and range indexes see it: a boolean, a number or
/// a string. Keys of different kinds never compare equal; the total order is booleans, then
/// numbers, then strings.
/// </summary>
/// <remarks>
/// Numbers compare numerically, whatever their JSON spelling (<c>1</c>, <c>1.0</c> and <c>1e0</c>
/// are one key). Integers (up to the <c>u64</c> range, including integral decimals such as
/// <c>2.0</c>) keep their exact value, so 9007199254740993 and 9007199254740992 differ although
/// they share a double; other numbers are compared as doubles. Where a non-integral number and an
/// integer round to the same double, the non-integral one sorts first, which keeps the order
/// total. Strings compare ordinally (UTF-16 code units). Sentinel keys bound a kind in range scans.
/// </remarks>
internal readonly struct GraphIndexKey : IEquatable<GraphIndexKey>, IComparable<GraphIndexKey>
{
    private const byte Inexact = 0;
    private const byte SignedExact = 1;
    private const byte UnsignedExact = 2;

    private readonly double _number;
    private readonly long _exact;
    private readonly string? _text;
    private readonly byte _exactness;
    private readonly sbyte _sentinel;

    private GraphIndexKey(GraphIndexKeyKind kind, double number, long exact, byte exactness, string? text, sbyte sentinel)
    {
        Kind = kind;
        _number = number;
        _exact = exact;
        _exactness = exactness;
        _text = text;
        _sentinel = sentinel;
    }

    /// <summary>The value kind.</summary>
    public GraphIndexKeyKind Kind { get; }

    /// <summary>The string value (for string keys), used for memory estimates.</summary>
    public string? Text => _text;

    /// <summary>A key sorting before every real key of <paramref name="kind"/>.</summary>
    public static GraphIndexKey MinOf(GraphIndexKeyKind kind) => new(kind, 0, 0, Inexact, null, -1);

    /// <summary>A key sorting after every real key of <paramref name="kind"/>.</summary>
    public static GraphIndexKey MaxOf(GraphIndexKeyKind kind) => new(kind, 0, 0, Inexact, null, 1);

    /// <summary>
    /// Converts a JSON value. Booleans are accepted only when <paramref name="allowBoolean"/>;
    /// null, arrays, objects and numbers outside the double range are not indexable.
    /// </summary>
    public static bool TryCreate(JsonElement value, bool allowBoolean, out GraphIndexKey key)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                key = new GraphIndexKey(GraphIndexKeyKind.String, 0, 0, Inexact, value.GetString(), 0);
                return true;
            case JsonValueKind.True or JsonValueKind.False when allowBoolean:
                key = new GraphIndexKey(GraphIndexKeyKind.Boolean, 0, value.ValueKind == JsonValueKind.True ? 1 : 0, SignedExact, null, 0);
                return true;
            case JsonValueKind.Number:
                return TryCreateNumber(value, out key);
            default:
                key = default;
                return false;
        }
    }

    private static bool TryCreateNumber(JsonElement value, out GraphIndexKey key)
    {
        if (value.TryGetInt64(out var signed))
        {
            key = new GraphIndexKey(GraphIndexKeyKind.Number, signed, signed, SignedExact, null, 0);
            return true;
        }

        if (value.TryGetUInt64(out var unsigned))
        {
            key = new GraphIndexKey(GraphIndexKeyKind.Number, unsigned, unchecked((long)unsigned), UnsignedExact, null, 0);
            return true;
        }

        if (value.TryGetDecimal(out var dec) && dec == decimal.Truncate(dec))
        {
            if (dec is >= long.MinValue and <= long.MaxValue)
            {
                var l = (long)dec;
                key = new GraphIndexKey(GraphIndexKeyKind.Number, l, l, SignedExact, null, 0);
                return true;
            }

            if (dec is > long.MaxValue and <= ulong.MaxValue)
            {
                var u = (ulong)dec;
                key = new GraphIndexKey(GraphIndexKeyKind.Number, u, unchecked((long)u), UnsignedExact, null, 0);
                return true;
            }
        }

        if (value.TryGetDouble(out var d) && double.IsFinite(d))
        {
            key = new GraphIndexKey(GraphIndexKeyKind.Number, d == 0 ? 0 : d, 0, Inexact, null, 0);
            return true;
        }

        key = default;
        return false;
    }

    /// <inheritdoc />
    public int CompareTo(GraphIndexKey other)
    {
        if (Kind != other.Kind)
        {
            return Kind.CompareTo(other.Kind);
        }

        if (_sentinel != 0 || other._sentinel != 0)
        {
            return _sentinel.CompareTo(other._sentinel);
        }

        switch (Kind)
        {
            case GraphIndexKeyKind.String:
                return string.CompareOrdinal(_text, other._text);
            case GraphIndexKeyKind.Boolean:
                return _exact.CompareTo(other._exact);
            default:
                var byDouble = _number.CompareTo(other._number);
                if (byDouble != 0)
                {
                    return byDouble;
                }

                if (_exactness == Inexact || other._exactness == Inexact)
                {
                    return (_exactness == Inexact ? 0 : 1).CompareTo(other._exactness == Inexact ? 0 : 1);
                }

                if (_exactness != other._exactness)
                {
                    // Only non-negative longs can tie in double with a ulong above long.MaxValue.
                    return _exactness == SignedExact ? -1 : 1;
                }

                return _exactness == SignedExact ? _exact.CompareTo(other._exact) : ((ulong)_exact).CompareTo((ulong)other._exact);
        }
    }

    /// <inheritdoc />
    public bool Equals(GraphIndexKey other) => CompareTo(other) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GraphIndexKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Kind switch
    {
        GraphIndexKeyKind.String => HashCode.Combine(Kind, _sentinel, _text is null ? 0 : string.GetHashCode(_text, StringComparison.Ordinal)),
        GraphIndexKeyKind.Boolean => HashCode.Combine(Kind, _sentinel, _exact),
        _ => HashCode.Combine(Kind, _sentinel, _number),
    };

    /// <summary>Ordering operator.</summary>
    public static bool operator <(GraphIndexKey left, GraphIndexKey right) => left.CompareTo(right) < 0;

    /// <summary>Ordering operator.</summary>
    public static bool operator >(GraphIndexKey left, GraphIndexKey right) => left.CompareTo(right) > 0;

    /// <summary>Ordering operator.</summary>
    public static bool operator <=(GraphIndexKey left, GraphIndexKey right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering operator.</summary>
    public static bool operator >=(GraphIndexKey left, GraphIndexKey right) => left.CompareTo(right) >= 0;

    /// <summary>Equality operator.</summary>
    public static bool operator ==(GraphIndexKey left, GraphIndexKey right) => left.Equals(right);

    /// <summary>Inequality operator.</summary>
    public static bool operator !=(GraphIndexKey left, GraphIndexKey right) => !left.Equals(right);
}

/// <summary>The kinds of indexable values, in their sort order.</summary>
internal enum GraphIndexKeyKind : byte
{
    /// <summary>true / false.</summary>
    Boolean = 0,

    /// <summary>Any JSON number.</summary>
    Number = 1,

    /// <summary>Any JSON string.</summary>
    String = 2,
}
