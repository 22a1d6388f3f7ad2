namespace VelesDb.VelesQL;

/// <summary>The lexical category of a <see cref="Token"/>.</summary>
internal enum TokenKind
{
    /// <summary>End of input.</summary>
    End,
    /// <summary>A bare word <c>[A-Za-z_][A-Za-z0-9_]*</c> (keyword or identifier).</summary>
    Word,
    /// <summary>A backtick- or double-quoted identifier (never a keyword).</summary>
    QuotedIdentifier,
    /// <summary>A single-quoted string literal (text already unescaped).</summary>
    String,
    /// <summary>An unsigned integer literal <c>\d+</c>.</summary>
    Integer,
    /// <summary>An unsigned float literal <c>\d+\.\d+</c>.</summary>
    Float,
    /// <summary>A parameter <c>$name</c> (text is the name without <c>$</c>).</summary>
    Parameter,
    /// <summary><c>(</c></summary>
    LParen,
    /// <summary><c>)</c></summary>
    RParen,
    /// <summary><c>[</c></summary>
    LBracket,
    /// <summary><c>]</c></summary>
    RBracket,
    /// <summary><c>{</c></summary>
    LBrace,
    /// <summary><c>}</c></summary>
    RBrace,
    /// <summary><c>,</c></summary>
    Comma,
    /// <summary><c>.</c></summary>
    Dot,
    /// <summary><c>..</c></summary>
    DotDot,
    /// <summary><c>;</c></summary>
    Semicolon,
    /// <summary><c>:</c></summary>
    Colon,
    /// <summary><c>*</c></summary>
    Star,
    /// <summary><c>+</c></summary>
    Plus,
    /// <summary><c>-</c></summary>
    Minus,
    /// <summary><c>/</c></summary>
    Slash,
    /// <summary><c>=</c></summary>
    Eq,
    /// <summary><c>!=</c> or <c>&lt;&gt;</c></summary>
    NotEq,
    /// <summary><c>&lt;</c></summary>
    Lt,
    /// <summary><c>&lt;=</c></summary>
    LtEq,
    /// <summary><c>&gt;</c></summary>
    Gt,
    /// <summary><c>&gt;=</c></summary>
    GtEq,
    /// <summary><c>@</c></summary>
    At,
    /// <summary><c>|</c></summary>
    Pipe,
}

/// <summary>One lexical token.</summary>
/// <param name="Kind">The category.</param>
/// <param name="Text">The token text (unescaped for strings and quoted identifiers, name only for parameters).</param>
/// <param name="Position">Where the token starts.</param>
internal readonly record struct Token(TokenKind Kind, string Text, SourcePosition Position)
{
    /// <summary>Whether this is the bare word <paramref name="keyword"/> (case-insensitive).</summary>
    public bool IsKeyword(string keyword) =>
        Kind == TokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>A short description for error messages.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.Word => $"'{Text}'",
        TokenKind.QuotedIdentifier => $"quoted identifier \"{Text}\"",
        TokenKind.String => $"string '{Text}'",
        TokenKind.Integer or TokenKind.Float => $"number {Text}",
        TokenKind.Parameter => $"parameter ${Text}",
        _ => $"'{Text}'",
    };
}
