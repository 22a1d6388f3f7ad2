using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VelesDb.Contracts;

/// <summary>
/// The wire form of a point id (REST spec §1.2): read from a JSON integer ≥ 0 or a decimal digit
/// string (at most <see cref="ulong.MaxValue"/>), written as a JSON string so JavaScript clients keep
/// every digit.
/// </summary>
public sealed class PointIdConverter : JsonConverter<ulong>
{
    /// <inheritdoc />
    public override ulong Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetUInt64(out var number))
            {
                return number;
            }

            throw new JsonException("A point id must be an integer between 0 and 18446744073709551615.");
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            var span = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
            if (span.Length > 0 && IsDigits(span) && Utf8Parser.TryParse(span, out ulong parsed, out var consumed) && consumed == span.Length)
            {
                return parsed;
            }

            throw new JsonException("A point id string must hold only decimal digits, at most 18446744073709551615.");
        }

        throw new JsonException("A point id must be a JSON integer or a decimal digit string.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ulong value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }

    private static bool IsDigits(ReadOnlySpan<byte> span)
    {
        foreach (var b in span)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }
}
