namespace VelesDb.VelesQL;

/// <summary>
/// The only exception the VelesQL parser throws. It carries a <see cref="Kind"/>, a message naming
/// what was expected and what was found, and the <see cref="Position"/> of the offending text.
/// </summary>
public sealed class VelesQLParseException : Exception
{
    /// <summary>Creates a parse error.</summary>
    /// <param name="kind">The error category.</param>
    /// <param name="message">A human-readable description (without the position suffix).</param>
    /// <param name="position">Where in the query the error was detected.</param>
    public VelesQLParseException(ParseErrorKind kind, string message, SourcePosition position)
        : base($"{message} at line {position.Line}, column {position.Column}")
    {
        Kind = kind;
        Position = position;
        Detail = message;
    }

    /// <summary>The error category.</summary>
    public ParseErrorKind Kind { get; }

    /// <summary>Where in the query the error was detected.</summary>
    public SourcePosition Position { get; }

    /// <summary>The message without the position suffix.</summary>
    public string Detail { get; }
}
