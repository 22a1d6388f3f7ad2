namespace VelesDb.VelesQL;

/// <summary>The category of a VelesQL parse error (rendered as the <c>type</c> of a REST parse-error body).</summary>
public enum ParseErrorKind
{
    /// <summary>Malformed text: a bad literal, an unterminated string, an invalid character or a rule violation.</summary>
    SyntaxError = 0,
    /// <summary>A token other than the one the grammar expects at that point (including end of input).</summary>
    UnexpectedToken = 1,
    /// <summary>A parse-time limit was exceeded: query size, nesting depth, graph range, LIKE terms.</summary>
    ComplexityLimit = 2,
}
