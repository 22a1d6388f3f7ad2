using System.Diagnostics.CodeAnalysis;
using VelesDb.Core.Errors;
using VelesDb.VelesQL;

namespace VelesDb.Core.Query;

/// <summary>Builds the VelesQL errors (all VELES-010 with a finer <see cref="VelesDbException.QueryCode"/>).</summary>
internal static class QueryErrors
{
    /// <summary>A runtime failure of a valid query (bad parameter type, unsupported shape, …).</summary>
    [DoesNotReturn]
    public static void Execution(string message, string? hint = null) =>
        throw new VelesDbException(VelesDbErrorCode.Query, message) { QueryCode = "EXEC", Hint = hint };

    /// <summary>
    /// A runtime failure with its own <see cref="VelesDbException.QueryCode"/>, for failures a caller
    /// (the REST server) answers differently: <c>NO_COLLECTION</c>, <c>NOT_AGGREGATE</c>.
    /// </summary>
    [DoesNotReturn]
    public static void Execution(string queryCode, string message, string hint) =>
        throw new VelesDbException(VelesDbErrorCode.Query, message) { QueryCode = queryCode, Hint = hint };

    /// <summary>A runtime failure of a valid query, as an expression.</summary>
    [DoesNotReturn]
    public static T Execution<T>(string message, string? hint = null) =>
        throw new VelesDbException(VelesDbErrorCode.Query, message) { QueryCode = "EXEC", Hint = hint };

    /// <summary>A validation error V001…V012.</summary>
    [DoesNotReturn]
    public static void Validation(string code, string message, string hint, SourcePosition? position = null) =>
        throw new VelesDbException(VelesDbErrorCode.Query, $"[{code}] {message}") { QueryCode = code, Hint = hint, Position = position?.Offset };

    /// <summary>A guard-rail refusal (VELES-027): result ceiling, group budget, timeout, depth.</summary>
    [DoesNotReturn]
    public static void GuardRail(string message, string hint) =>
        throw new VelesDbException(VelesDbErrorCode.GuardRail, message) { QueryCode = "GUARD", Hint = hint };

    /// <summary>Wraps a parse error.</summary>
    public static VelesDbException FromParse(VelesQLParseException e) =>
        new(VelesDbErrorCode.Query, e.Message, e)
        {
            QueryCode = e.Kind == ParseErrorKind.ComplexityLimit && e.Detail.Contains("E007", StringComparison.Ordinal) ? "E007" : "PARSE",
            Hint = "Check the VelesQL syntax near the reported position.",
            Position = e.Position.Offset,
        };
}
