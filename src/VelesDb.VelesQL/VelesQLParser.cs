using VelesDb.VelesQL.Ast;

namespace VelesDb.VelesQL;

/// <summary>Entry point of the VelesQL front end.</summary>
internal static class VelesQLParser
{
    /// <summary>Parses one VelesQL query into its AST.</summary>
    /// <param name="query">The query text.</param>
    /// <returns>The parsed query.</returns>
    /// <exception cref="VelesQLParseException">The text is not valid VelesQL or exceeds a parse-time limit.</exception>
    public static Query Parse(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Parser.ParseQuery(query.AsSpan());
    }

    /// <summary>Parses one VelesQL query held in a span (offsets in positions are relative to the span).</summary>
    /// <param name="query">The query text.</param>
    /// <returns>The parsed query.</returns>
    /// <exception cref="VelesQLParseException">The text is not valid VelesQL or exceeds a parse-time limit.</exception>
    public static Query Parse(ReadOnlySpan<char> query) => Parser.ParseQuery(query);

    /// <summary>Parses one VelesQL query, returning null and the error instead of throwing.</summary>
    /// <param name="query">The query text.</param>
    /// <param name="error">The parse error, or null on success.</param>
    /// <returns>The parsed query, or null.</returns>
    public static Query? TryParse(string query, out VelesQLParseException? error)
    {
        try
        {
            error = null;
            return Parse(query);
        }
        catch (VelesQLParseException e)
        {
            error = e;
            return null;
        }
    }
}
