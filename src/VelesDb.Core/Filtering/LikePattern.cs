using System.Text;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Filtering;

/// <summary>
/// A compiled SQL <c>LIKE</c> pattern: <c>%</c> matches any run of characters (including none),
/// <c>_</c> exactly one Unicode scalar value, and <c>\</c> escapes <c>%</c>, <c>_</c> or <c>\</c>
/// itself; any other escape is rejected. The whole input must match.
/// </summary>
/// <remarks>
/// Matching is the greedy two-pointer wildcard algorithm: on a mismatch it backtracks only to the
/// most recent <c>%</c>, which is sufficient because an earlier <c>%</c> can never enable a match
/// that the later one cannot. That bounds the work by input length × pattern length (no regex, no
/// exponential blow-up on patterns such as <c>%a%a%a%a%b</c>). Input is read as UTF-8 straight from
/// the payload so matching allocates nothing. The case-insensitive form compares
/// <see cref="Rune.ToLowerInvariant"/> forms, the same per-scalar mapping as
/// <see cref="string.ToLowerInvariant()"/>.
/// </remarks>
internal sealed class LikePattern
{
    // Tokens are Unicode scalars (lowered when case-insensitive) or one of these markers.
    private const int AnyRun = -1;
    private const int AnyOne = -2;

    private readonly int[] _tokens;
    private readonly bool _ignoreCase;

    private LikePattern(int[] tokens, bool ignoreCase)
    {
        _tokens = tokens;
        _ignoreCase = ignoreCase;
    }

    /// <summary>Compiles <paramref name="pattern"/>; returns null and sets <paramref name="error"/> when it is malformed.</summary>
    public static LikePattern? TryCompile(string pattern, bool ignoreCase, out string? error)
    {
        var tokens = new List<int>(pattern.Length);
        var i = 0;
        while (i < pattern.Length)
        {
            var position = i;
            var rune = ReadRune(pattern, ref i);
            switch (rune)
            {
                case '%':
                    // Consecutive runs collapse: %% is the same as %.
                    if (tokens.Count == 0 || tokens[^1] != AnyRun)
                    {
                        tokens.Add(AnyRun);
                    }

                    continue;
                case '_':
                    tokens.Add(AnyOne);
                    continue;
                case '\\':
                    if (i == pattern.Length)
                    {
                        error = $"pattern ends with an unfinished escape at position {position}; write \\\\ for a literal backslash";
                        return null;
                    }

                    var escaped = ReadRune(pattern, ref i);
                    if (escaped is not ('%' or '_' or '\\'))
                    {
                        error = $"invalid escape '\\{char.ConvertFromUtf32(escaped)}' at position {position}; only \\%, \\_ and \\\\ are escapes";
                        return null;
                    }

                    rune = escaped;
                    break;
            }

            tokens.Add(ignoreCase ? Fold(rune) : rune);
        }

        error = null;
        return new LikePattern([.. tokens], ignoreCase);
    }

    /// <summary>Compiles <paramref name="pattern"/>, throwing <see cref="VelesDbErrorCode.Query"/> when it is malformed.</summary>
    public static LikePattern Compile(string pattern, bool ignoreCase)
    {
        var compiled = TryCompile(pattern, ignoreCase, out var error);
        if (compiled is null)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Query, "pattern: " + error);
        }

        return compiled;
    }

    /// <summary>True when the whole UTF-8 <paramref name="input"/> matches.</summary>
    public bool IsMatch(ReadOnlySpan<byte> input)
    {
        var tokens = _tokens;
        var p = 0;
        var s = 0;
        var starToken = -1;
        var starInput = 0;
        while (s < input.Length)
        {
            if (p < tokens.Length)
            {
                var token = tokens[p];
                if (token == AnyRun)
                {
                    starToken = p++;
                    starInput = s;
                    continue;
                }

                var scalar = Decode(input[s..], out var length);
                if (token == AnyOne || token == (_ignoreCase ? Fold(scalar) : scalar))
                {
                    p++;
                    s += length;
                    continue;
                }
            }

            if (starToken < 0)
            {
                return false;
            }

            // Let the last % swallow one more scalar and retry the rest of the pattern after it.
            Decode(input[starInput..], out var swallowed);
            starInput += swallowed;
            s = starInput;
            p = starToken + 1;
        }

        while (p < tokens.Length && tokens[p] == AnyRun)
        {
            p++;
        }

        return p == tokens.Length;
    }

    private static int ReadRune(string text, ref int index)
    {
        // Rune.DecodeFromUtf16 maps a lone surrogate to U+FFFD and consumes it.
        Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed);
        index += consumed;
        return rune.Value;
    }

    private static int Decode(ReadOnlySpan<byte> input, out int length)
    {
        var first = input[0];
        if (first < 0x80)
        {
            length = 1;
            return first;
        }

        // The document was validated, but decode defensively: invalid bytes read as U+FFFD.
        Rune.DecodeFromUtf8(input, out var rune, out length);
        return rune.Value;
    }

    private static int Fold(int scalar)
    {
        if (scalar < 0x80)
        {
            return (uint)(scalar - 'A') <= 'Z' - 'A' ? scalar | 0x20 : scalar;
        }

        return Rune.ToLowerInvariant(new Rune(scalar)).Value;
    }
}
