using System.Text;

namespace VelesDb.VelesQL;

/// <summary>
/// Turns VelesQL text into tokens. It also runs the pre-scan of spec §6.1: the query must be at
/// most <see cref="VelesQLLimits.MaxQueryBytes"/> UTF-8 bytes and its bracket nesting at most
/// <see cref="VelesQLLimits.MaxNestingDepth"/> deep.
/// </summary>
internal static class Lexer
{
    /// <summary>Tokenizes <paramref name="query"/>; the list always ends with a <see cref="TokenKind.End"/> token.</summary>
    /// <exception cref="VelesQLParseException">The text is too large, too deeply nested or lexically invalid.</exception>
    public static List<Token> Tokenize(ReadOnlySpan<char> query)
    {
        if (query.Length > VelesQLLimits.MaxQueryBytes || Encoding.UTF8.GetByteCount(query) > VelesQLLimits.MaxQueryBytes)
        {
            throw new VelesQLParseException(ParseErrorKind.ComplexityLimit,
                $"Query too large: {Encoding.UTF8.GetByteCount(query)} bytes, max={VelesQLLimits.MaxQueryBytes}", SourcePosition.Start);
        }

        var tokens = new List<Token>();
        int i = 0, line = 1, lineStart = 0, depth = 0;
        while (true)
        {
            // Skip whitespace and comments.
            while (i < query.Length)
            {
                char w = query[i];
                if (w == '\n')
                {
                    i++;
                    line++;
                    lineStart = i;
                }
                else if (char.IsWhiteSpace(w))
                {
                    i++;
                }
                else if (w == '-' && i + 1 < query.Length && query[i + 1] == '-')
                {
                    while (i < query.Length && query[i] != '\n')
                    {
                        i++;
                    }
                }
                else
                {
                    break;
                }
            }

            var pos = new SourcePosition(i, line, i - lineStart + 1);
            if (i >= query.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", pos));
                return tokens;
            }

            char c = query[i];
            if (IsIdentStart(c))
            {
                int start = i;
                while (i < query.Length && IsIdentPart(query[i]))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Word, query[start..i].ToString(), pos));
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                int start = i;
                while (i < query.Length && char.IsAsciiDigit(query[i]))
                {
                    i++;
                }

                var kind = TokenKind.Integer;
                if (i + 1 < query.Length && query[i] == '.' && char.IsAsciiDigit(query[i + 1]))
                {
                    i++;
                    while (i < query.Length && char.IsAsciiDigit(query[i]))
                    {
                        i++;
                    }

                    kind = TokenKind.Float;
                }

                if (i < query.Length && IsIdentStart(query[i]))
                {
                    throw new VelesQLParseException(ParseErrorKind.SyntaxError,
                        $"Invalid number: unexpected '{query[i]}' after '{query[start..i].ToString()}'", pos);
                }

                tokens.Add(new Token(kind, query[start..i].ToString(), pos));
                continue;
            }

            switch (c)
            {
                case '\'':
                    tokens.Add(new Token(TokenKind.String, ReadQuoted(query, ref i, '\'', true, pos, "string"), pos));
                    CountLines(query, pos.Offset, i, ref line, ref lineStart);
                    continue;
                case '"':
                    tokens.Add(new Token(TokenKind.QuotedIdentifier, ReadQuoted(query, ref i, '"', true, pos, "quoted identifier"), pos));
                    CountLines(query, pos.Offset, i, ref line, ref lineStart);
                    continue;
                case '`':
                    tokens.Add(new Token(TokenKind.QuotedIdentifier, ReadQuoted(query, ref i, '`', false, pos, "quoted identifier"), pos));
                    CountLines(query, pos.Offset, i, ref line, ref lineStart);
                    continue;
                case '$':
                    {
                        int start = ++i;
                        while (i < query.Length && IsIdentPart(query[i]))
                        {
                            i++;
                        }

                        if (i == start)
                        {
                            throw new VelesQLParseException(ParseErrorKind.SyntaxError, "Expected a parameter name after '$'", pos);
                        }

                        tokens.Add(new Token(TokenKind.Parameter, query[start..i].ToString(), pos));
                        continue;
                    }
                default:
                    break;
            }

            char next = i + 1 < query.Length ? query[i + 1] : '\0';
            (TokenKind k, int len) = c switch
            {
                '(' => (TokenKind.LParen, 1),
                ')' => (TokenKind.RParen, 1),
                '[' => (TokenKind.LBracket, 1),
                ']' => (TokenKind.RBracket, 1),
                '{' => (TokenKind.LBrace, 1),
                '}' => (TokenKind.RBrace, 1),
                ',' => (TokenKind.Comma, 1),
                '.' when next == '.' => (TokenKind.DotDot, 2),
                '.' => (TokenKind.Dot, 1),
                ';' => (TokenKind.Semicolon, 1),
                ':' => (TokenKind.Colon, 1),
                '*' => (TokenKind.Star, 1),
                '+' => (TokenKind.Plus, 1),
                '-' => (TokenKind.Minus, 1),
                '/' => (TokenKind.Slash, 1),
                '=' => (TokenKind.Eq, 1),
                '!' when next == '=' => (TokenKind.NotEq, 2),
                '<' when next == '>' => (TokenKind.NotEq, 2),
                '<' when next == '=' => (TokenKind.LtEq, 2),
                '<' => (TokenKind.Lt, 1),
                '>' when next == '=' => (TokenKind.GtEq, 2),
                '>' => (TokenKind.Gt, 1),
                '@' => (TokenKind.At, 1),
                '|' => (TokenKind.Pipe, 1),
                _ => throw new VelesQLParseException(ParseErrorKind.SyntaxError, $"Unexpected character '{c}'", pos),
            };

            if (k is TokenKind.LParen or TokenKind.LBracket or TokenKind.LBrace)
            {
                if (++depth > VelesQLLimits.MaxNestingDepth)
                {
                    throw new VelesQLParseException(ParseErrorKind.ComplexityLimit,
                        $"Nesting too deep: max={VelesQLLimits.MaxNestingDepth}", pos);
                }
            }
            else if (k is TokenKind.RParen or TokenKind.RBracket or TokenKind.RBrace && depth > 0)
            {
                depth--;
            }

            tokens.Add(new Token(k, query.Slice(i, len).ToString(), pos));
            i += len;
        }
    }

    /// <summary>Accounts for newlines inside a quoted token spanning <c>[start, end)</c>.</summary>
    private static void CountLines(ReadOnlySpan<char> q, int start, int end, ref int line, ref int lineStart)
    {
        for (int k = start; k < end; k++)
        {
            if (q[k] == '\n')
            {
                line++;
                lineStart = k + 1;
            }
        }
    }

    private static bool IsIdentStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static string ReadQuoted(ReadOnlySpan<char> q, ref int i, char quote, bool doubling, SourcePosition pos, string what)
    {
        var sb = new StringBuilder();
        i++;
        while (i < q.Length)
        {
            char ch = q[i];
            if (ch == quote)
            {
                if (doubling && i + 1 < q.Length && q[i + 1] == quote)
                {
                    sb.Append(quote);
                    i += 2;
                    continue;
                }

                i++;
                if (what != "string" && sb.Length == 0)
                {
                    throw new VelesQLParseException(ParseErrorKind.SyntaxError, $"Empty {what}", pos);
                }

                return sb.ToString();
            }

            sb.Append(ch);
            i++;
        }

        throw new VelesQLParseException(ParseErrorKind.SyntaxError, $"Unterminated {what}: expected closing {quote} but found end of input", pos);
    }
}
