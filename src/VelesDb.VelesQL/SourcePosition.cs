namespace VelesDb.VelesQL;

/// <summary>A location in the query text: a zero-based character offset and one-based line and column.</summary>
/// <param name="Offset">Zero-based UTF-16 character offset into the query string.</param>
/// <param name="Line">One-based line number.</param>
/// <param name="Column">One-based column number (in characters) within the line.</param>
public readonly record struct SourcePosition(int Offset, int Line, int Column)
{
    /// <summary>The start of a query.</summary>
    public static SourcePosition Start => new(0, 1, 1);

    /// <inheritdoc />
    public override string ToString() => $"line {Line}, column {Column} (offset {Offset})";
}
