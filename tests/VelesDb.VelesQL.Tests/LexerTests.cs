namespace VelesDb.VelesQL.Tests;

public class LexerTests
{
    private static List<Token> Lex(string s) => Lexer.Tokenize(s);

    [Fact]
    public void Tokenize_TracksOffsetLineAndColumn()
    {
        var t = Lex("SELECT *\n  FROM docs -- comment\nLIMIT 5");
        Assert.Equal(new[] { "SELECT", "*", "FROM", "docs", "LIMIT", "5", "" }, t.Select(x => x.Text));
        Assert.Equal(new SourcePosition(0, 1, 1), t[0].Position);
        Assert.Equal(new SourcePosition(7, 1, 8), t[1].Position);
        Assert.Equal(new SourcePosition(11, 2, 3), t[2].Position);
        Assert.Equal(new SourcePosition(16, 2, 8), t[3].Position);
        Assert.Equal(new SourcePosition(32, 3, 1), t[4].Position);
        Assert.Equal(TokenKind.End, t[^1].Kind);
    }

    [Fact]
    public void Tokenize_StringDoubledQuoteIsEscape_BackslashIsLiteral()
    {
        var t = Lex(@"'It''s' 'a\n' ''");
        Assert.Equal(TokenKind.String, t[0].Kind);
        Assert.Equal("It's", t[0].Text);
        Assert.Equal(@"a\n", t[1].Text);
        Assert.Equal("", t[2].Text);
    }

    [Fact]
    public void Tokenize_QuotedIdentifiers()
    {
        var t = Lex("`select` \"a\"\"b\"");
        Assert.Equal(TokenKind.QuotedIdentifier, t[0].Kind);
        Assert.Equal("select", t[0].Text);
        Assert.Equal("a\"b", t[1].Text);
        Assert.False(t[0].IsKeyword("select"));
    }

    [Fact]
    public void Tokenize_Numbers_IntFloatAndRange()
    {
        var t = Lex("12 3.25 1..5 7.x");
        Assert.Equal(new[] { TokenKind.Integer, TokenKind.Float, TokenKind.Integer, TokenKind.DotDot, TokenKind.Integer, TokenKind.Integer, TokenKind.Dot, TokenKind.Word, TokenKind.End },
            t.Select(x => x.Kind));
        Assert.Equal("3.25", t[1].Text);
    }

    [Fact]
    public void Tokenize_Operators()
    {
        var t = Lex("= != <> < <= > >= $p_1 @ |");
        Assert.Equal(new[] { TokenKind.Eq, TokenKind.NotEq, TokenKind.NotEq, TokenKind.Lt, TokenKind.LtEq, TokenKind.Gt, TokenKind.GtEq, TokenKind.Parameter, TokenKind.At, TokenKind.Pipe },
            t.Take(10).Select(x => x.Kind));
        Assert.Equal("p_1", t[7].Text);
    }

    [Theory]
    [InlineData("'abc", ParseErrorKind.SyntaxError, "Unterminated string")]
    [InlineData("`abc", ParseErrorKind.SyntaxError, "Unterminated quoted identifier")]
    [InlineData("a # b", ParseErrorKind.SyntaxError, "Unexpected character '#'")]
    [InlineData("$ x", ParseErrorKind.SyntaxError, "parameter name")]
    [InlineData("12abc", ParseErrorKind.SyntaxError, "Invalid number")]
    [InlineData("``", ParseErrorKind.SyntaxError, "Empty quoted identifier")]
    public void Tokenize_BadInput_Throws(string text, ParseErrorKind kind, string fragment)
    {
        var e = Assert.Throws<VelesQLParseException>(() => Lex(text));
        Assert.Equal(kind, e.Kind);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokenize_SizeLimit_CountsUtf8Bytes()
    {
        var ok = new string('a', VelesQLLimits.MaxQueryBytes);
        Assert.Equal(2, Lex(ok).Count);
        var e = Assert.Throws<VelesQLParseException>(() => Lex(ok + "a"));
        Assert.Equal(ParseErrorKind.ComplexityLimit, e.Kind);
        // 'é' is two UTF-8 bytes: 8193 of them is 16386 bytes although only 8193 chars.
        var wide = "'" + new string('é', 8192) + "'";
        Assert.Throws<VelesQLParseException>(() => Lex(wide));
    }

    [Fact]
    public void Tokenize_BracketDepthLimit()
    {
        Assert.NotNull(Lex(new string('(', 64) + new string(')', 64)));
        var e = Assert.Throws<VelesQLParseException>(() => Lex(new string('[', 65)));
        Assert.Equal(ParseErrorKind.ComplexityLimit, e.Kind);
        Assert.Equal(64, e.Position.Offset);
    }

    [Fact]
    public void Tokenize_MultiLineString_AdvancesLine()
    {
        var t = Lex("'a\nb' x");
        Assert.Equal("a\nb", t[0].Text);
        Assert.Equal(new SourcePosition(6, 2, 4), t[1].Position);
    }
}
