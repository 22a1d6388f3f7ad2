using System.Globalization;

namespace VelesDb.Core.Errors;

/// <summary>
/// The single exception type thrown by VelesDB. <see cref="Code"/> is stable and machine-readable;
/// the message is for people.
/// </summary>
public sealed class VelesDbException : Exception
{
    /// <summary>Creates an exception with a code and a message.</summary>
    public VelesDbException(VelesDbErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Creates an exception with a code, a message and the underlying cause.</summary>
    public VelesDbException(VelesDbErrorCode code, string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The stable error code.</summary>
    public VelesDbErrorCode Code { get; }

    /// <summary>
    /// For VelesQL errors (code VELES-010), the finer query error code: <c>V001</c>…<c>V012</c> for
    /// validation, <c>E007</c> for the graph-expansion budget, <c>PARSE</c> for syntax errors,
    /// <c>EXEC</c> for runtime failures (<c>NO_COLLECTION</c> for a MATCH run without a collection,
    /// <c>NOT_AGGREGATE</c> for a non-aggregation query given to <c>ExecuteAggregate</c>); null otherwise.
    /// </summary>
    public string? QueryCode { get; init; }

    /// <summary>For VelesQL errors, a suggestion saying how to fix the query; null otherwise.</summary>
    public string? Hint { get; init; }

    /// <summary>For VelesQL parse errors, the zero-based character offset of the error; null otherwise.</summary>
    public int? Position { get; init; }

    /// <summary>The collection the error is about, where one is named (set on VELES-002 errors); null otherwise.</summary>
    public string? Collection { get; init; }

    /// <summary>The code as rendered on the wire, e.g. <c>VELES-004</c>.</summary>
    public string CodeString => Format(Code);

    /// <summary>Renders a code as <c>VELES-0NN</c>.</summary>
    public static string Format(VelesDbErrorCode code) =>
        "VELES-" + ((int)code).ToString("D3", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => $"{CodeString}: {base.ToString()}";
}
