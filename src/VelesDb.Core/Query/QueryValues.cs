using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Index.Sparse;

namespace VelesDb.Core.Query;

/// <summary>
/// The runtime value model of the executor. A value is one of: <c>null</c>, <see cref="long"/>,
/// <see cref="ulong"/> (only above <see cref="long.MaxValue"/>), <see cref="double"/>,
/// <see cref="string"/>, <see cref="bool"/>, <c>float[]</c> (a dense vector),
/// <see cref="SparseVector"/>, or a <see cref="JsonElement"/> holding a JSON array or object.
/// </summary>
internal static class QueryValues
{
    /// <summary>Converts a payload JSON value to a runtime value.</summary>
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? (object)l
            : element.TryGetUInt64(out var u) ? u
            : element.GetDouble(),
        _ => element,
    };

    /// <summary>Normalises a CLR value (a bound parameter) to a runtime value.</summary>
    public static object? Normalize(object? value) => value switch
    {
        null => null,
        JsonElement e => NormalizeJson(e),
        JsonNode n => NormalizeJson(JsonSerializer.SerializeToElement(n, QueryJsonContext.Default.JsonNode)),
        string or bool or long or double or float[] or SparseVector => value,
        ulong u => u <= long.MaxValue ? (long)u : u,
        int i => (long)i,
        uint i => (long)i,
        short i => (long)i,
        ushort i => (long)i,
        byte i => (long)i,
        sbyte i => (long)i,
        float f => (double)f,
        decimal m => (double)m,
        double[] d => Array.ConvertAll(d, x => (float)x),
        IReadOnlyList<float> f => f.ToArray(),
        ReadOnlyMemory<float> m => m.ToArray(),
        _ => throw new ArgumentException($"A parameter of type {value.GetType().Name} cannot be bound; use a string, number, boolean, float[], SparseVector or JsonElement."),
    };

    private static object? NormalizeJson(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0 && e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number))
        {
            var v = new float[e.GetArrayLength()];
            var i = 0;
            foreach (var x in e.EnumerateArray())
            {
                v[i++] = x.GetSingle();
            }

            return v;
        }

        // A non-empty object in a sparse shape binds as a sparse vector; any other object is a value.
        if (e.ValueKind == JsonValueKind.Object && e.EnumerateObject().Any() && SparseVector.TryFromJson(e, out var sparse, out _))
        {
            return sparse;
        }

        return FromJson(e);
    }

    /// <summary>True for long, ulong and double.</summary>
    public static bool IsNumber(object? v) => v is long or ulong or double;

    /// <summary>The value as a double (numbers only).</summary>
    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        ulong u => u,
        double d => d,
        bool b => b ? 1 : 0,
        _ => double.NaN,
    };

    /// <summary>SQL-style equality of two runtime values (numbers compare by value across types).</summary>
    public static bool ValueEquals(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return CompareNumbers(a, b) == 0;
        }

        return a switch
        {
            string s => b is string t && string.Equals(s, t, StringComparison.Ordinal),
            bool x => b is bool y && x == y,
            JsonElement x => b is JsonElement y && JsonElement.DeepEquals(x, y),
            float[] x => b is float[] y && x.AsSpan().SequenceEqual(y),
            _ => Equals(a, b),
        };
    }

    /// <summary>
    /// Total order used by ORDER BY, MIN/MAX and window ordering: numbers &lt; strings &lt; booleans
    /// &lt; other values &lt; null (null sorts last ascending and first descending, as in PostgreSQL).
    /// </summary>
    public static int CompareForSort(object? a, object? b)
    {
        var ra = Rank(a);
        var rb = Rank(b);
        if (ra != rb)
        {
            return ra.CompareTo(rb);
        }

        return a switch
        {
            null => 0,
            string s => string.CompareOrdinal(s, (string)b!),
            bool x => x.CompareTo((bool)b!),
            _ when ra == 0 => CompareNumbers(a, b!),
            _ => string.CompareOrdinal(ToDisplay(a), ToDisplay(b)),
        };
    }

    /// <summary>
    /// Comparison for the WHERE operators &lt; &lt;= &gt; &gt;=: defined only between two numbers or
    /// two strings; null otherwise (the row does not match).
    /// </summary>
    public static int? CompareForPredicate(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            var c = CompareNumbers(a!, b!);
            return c == int.MinValue ? null : c;
        }

        if (a is string s && b is string t)
        {
            return string.CompareOrdinal(s, t);
        }

        return null;
    }

    private static int Rank(object? v) => v switch
    {
        long or ulong or double => 0,
        string => 1,
        bool => 2,
        null => 4,
        _ => 3,
    };

    private static int CompareNumbers(object a, object b)
    {
        if (a is long x && b is long y)
        {
            return x.CompareTo(y);
        }

        if (a is ulong ux && b is ulong uy)
        {
            return ux.CompareTo(uy);
        }

        if (a is double || b is double)
        {
            var dx = ToDouble(a);
            var dy = ToDouble(b);
            return double.IsNaN(dx) || double.IsNaN(dy) ? int.MinValue : dx.CompareTo(dy);
        }

        // long against ulong: the ulong is above long.MaxValue.
        return a is ulong ? 1 : -1;
    }

    /// <summary>A short display text (error messages, non-scalar ordering).</summary>
    public static string ToDisplay(object? v) => v switch
    {
        null => "NULL",
        string s => "'" + s + "'",
        bool b => b ? "TRUE" : "FALSE",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        JsonElement e => e.GetRawText(),
        float[] f => "[" + string.Join(", ", f.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]",
        SparseVector s => "{" + string.Join(", ", s.Indices.Zip(s.Values, (i, w) => i.ToString(CultureInfo.InvariantCulture) + ": " + w.ToString("R", CultureInfo.InvariantCulture))) + "}",
        _ => v.ToString() ?? "",
    };

    /// <summary>Converts a runtime value to a JSON node for a result row.</summary>
    public static JsonNode? ToNode(object? v) => v switch
    {
        null => null,
        long l => JsonValue.Create(l),
        ulong u => JsonValue.Create(u),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        JsonElement e => e.ValueKind switch
        {
            JsonValueKind.Object => JsonObject.Create(e),
            JsonValueKind.Array => JsonArray.Create(e),
            _ => ToNode(FromJson(e)),
        },
        float[] f => new JsonArray([.. f.Select(x => (JsonNode?)JsonValue.Create(x))]),
        SparseVector s => new JsonObject(s.Indices.Zip(s.Values, (i, w) => KeyValuePair.Create(i.ToString(CultureInfo.InvariantCulture), (JsonNode?)JsonValue.Create(w)))),
        _ => JsonValue.Create(ToDisplay(v)),
    };

    /// <summary>Converts a runtime value to a JSON element (filter operands, stored payloads).</summary>
    public static JsonElement ToElement(object? v)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, v);
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    /// <summary>Writes a runtime value as JSON.</summary>
    public static void Write(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case null: w.WriteNullValue(); break;
            case long l: w.WriteNumberValue(l); break;
            case ulong u: w.WriteNumberValue(u); break;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case double: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case JsonElement e: e.WriteTo(w); break;
            case float[] f:
                w.WriteStartArray();
                foreach (var x in f)
                {
                    w.WriteNumberValue(x);
                }

                w.WriteEndArray();
                break;
            default: w.WriteStringValue(ToDisplay(v)); break;
        }
    }

    /// <summary>A type name for error messages.</summary>
    public static string TypeName(object? v) => v switch
    {
        null => "null",
        long or ulong => "integer",
        double => "float",
        string => "string",
        bool => "boolean",
        float[] => "vector",
        SparseVector => "sparse vector",
        JsonElement e => e.ValueKind == JsonValueKind.Array ? "array" : "object",
        _ => v.GetType().Name,
    };
}

/// <summary>Source-generated JSON metadata for the executor (AOT-safe).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class QueryJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
