using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace VelesDb.Core.Filtering;

/// <summary>
/// Reads the text of a JSON string element as UTF-8 without allocating. Unescaped strings (the
/// common case) are a view into the document; strings holding escapes are decoded into a pooled
/// buffer that the caller hands back with <see cref="Return"/>.
/// </summary>
/// <remarks>
/// Comparing UTF-8 bytes is what makes string ranges, <c>contains</c> and <c>like</c> free of
/// per-point allocations: <see cref="JsonElement.GetString"/> would allocate a string per point.
/// </remarks>
internal static class JsonStrings
{
    /// <summary>The unescaped UTF-8 of <paramref name="element"/>, which must be a string.</summary>
    /// <param name="element">A string element.</param>
    /// <param name="rented">Set to a pooled buffer when one was needed; pass it to <see cref="Return"/>.</param>
    public static ReadOnlySpan<byte> GetUtf8(JsonElement element, ref byte[]? rented)
    {
        // The raw value of a string token includes its quotes.
        var raw = JsonMarshal.GetRawUtf8Value(element);
        raw = raw[1..^1];
        var firstEscape = raw.IndexOf((byte)'\\');
        if (firstEscape < 0)
        {
            return raw;
        }

        // Unescaping never lengthens the text: \uXXXX (6 bytes) becomes at most 3, a pair (12) becomes 4.
        rented = ArrayPool<byte>.Shared.Rent(raw.Length);
        var written = Unescape(raw, firstEscape, rented);
        return rented.AsSpan(0, written);
    }

    /// <summary>Returns a buffer obtained from <see cref="GetUtf8"/>, if any.</summary>
    public static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // The document has been validated by the JSON reader, so every escape is well-formed.
    private static int Unescape(ReadOnlySpan<byte> raw, int firstEscape, Span<byte> destination)
    {
        raw[..firstEscape].CopyTo(destination);
        var written = firstEscape;
        var i = firstEscape;
        while (i < raw.Length)
        {
            var b = raw[i];
            if (b != (byte)'\\')
            {
                destination[written++] = b;
                i++;
                continue;
            }

            var escape = raw[i + 1];
            i += 2;
            switch (escape)
            {
                case (byte)'b':
                    destination[written++] = (byte)'\b';
                    break;
                case (byte)'f':
                    destination[written++] = (byte)'\f';
                    break;
                case (byte)'n':
                    destination[written++] = (byte)'\n';
                    break;
                case (byte)'r':
                    destination[written++] = (byte)'\r';
                    break;
                case (byte)'t':
                    destination[written++] = (byte)'\t';
                    break;
                case (byte)'u':
                    var unit = ReadHex4(raw[i..]);
                    i += 4;
                    int scalar;
                    if (char.IsHighSurrogate((char)unit)
                        && i + 6 <= raw.Length
                        && raw[i] == (byte)'\\'
                        && raw[i + 1] == (byte)'u'
                        && char.IsLowSurrogate((char)ReadHex4(raw[(i + 2)..])))
                    {
                        scalar = char.ConvertToUtf32((char)unit, (char)ReadHex4(raw[(i + 2)..]));
                        i += 6;
                    }
                    else
                    {
                        // A lone surrogate has no UTF-8 form; substitute U+FFFD as decoders do.
                        scalar = char.IsSurrogate((char)unit) ? 0xFFFD : unit;
                    }

                    written += new Rune(scalar).EncodeToUtf8(destination[written..]);
                    break;
                default:
                    // \" \\ and \/ stand for themselves.
                    destination[written++] = escape;
                    break;
            }
        }

        return written;
    }

    private static int ReadHex4(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            int c = hex[i];
            var digit = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
            value = (value << 4) | digit;
        }

        return value;
    }
}
