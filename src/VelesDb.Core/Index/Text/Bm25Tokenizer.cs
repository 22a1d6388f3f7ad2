using System.Buffers;
using System.Text;

namespace VelesDb.Core.Index.Text;

/// <summary>
/// The BM25 tokenizer: lowercase (invariant, per Unicode scalar), split on every scalar that is
/// not a letter or a digit, drop tokens of at most one scalar.
/// </summary>
/// <remarks>
/// Text is decoded as Unicode scalars (<see cref="Rune"/>), so a letter outside the BMP (a
/// surrogate pair) is one letter and counts as length 1; a lone surrogate is not a letter and
/// splits. "Length" in the drop rule is the number of scalars, not UTF-16 units or UTF-8 bytes.
/// </remarks>
internal static class Bm25Tokenizer
{
    /// <summary>Appends the tokens of <paramref name="text"/> to <paramref name="tokens"/>, in order.</summary>
    public static void Tokenize(ReadOnlySpan<char> text, List<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var buffer = ArrayPool<char>.Shared.Rent(64);
        try
        {
            var position = 0;
            int length;
            while ((length = Next(text, ref position, ref buffer)) >= 0)
            {
                tokens.Add(new string(buffer, 0, length));
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Finds the next token at or after <paramref name="position"/>, writes it lowercased to the
    /// start of <paramref name="buffer"/> (a pooled array, replaced by a larger pooled one when
    /// needed) and returns its length in chars; −1 when no token is left.
    /// </summary>
    public static int Next(ReadOnlySpan<char> text, ref int position, ref char[] buffer)
    {
        while (position < text.Length)
        {
            var length = 0;
            var scalars = 0;
            while (position < text.Length)
            {
                Rune.DecodeFromUtf16(text[position..], out var rune, out var consumed);
                if (!Rune.IsLetterOrDigit(rune) || (consumed == 1 && char.IsSurrogate(text[position])))
                {
                    // The separator itself is consumed; a lone surrogate decodes as U+FFFD, not a letter.
                    position += consumed;
                    break;
                }

                position += consumed;
                var lower = Rune.ToLowerInvariant(rune);
                if (length + 2 > buffer.Length)
                {
                    var larger = ArrayPool<char>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<char>.Shared.Return(buffer);
                    buffer = larger;
                }

                length += lower.EncodeToUtf16(buffer.AsSpan(length));
                scalars++;
            }

            if (scalars > 1)
            {
                return length;
            }
        }

        return -1;
    }
}
