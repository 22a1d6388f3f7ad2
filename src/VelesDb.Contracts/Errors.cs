using System.Text.Json.Nodes;

namespace VelesDb.Contracts;

/// <summary>Error shape A (REST spec §1.3): <c>{"error": "...", "code": "VELES-0NN"}</c>, code omitted when none applies.</summary>
/// <param name="Error">The message, saying how to fix the request.</param>
/// <param name="Code">The <c>VELES-0NN</c> code, or null.</param>
public sealed record FlatError(string Error, string? Code = null);

/// <summary>Error shape B: <c>{"error": {"code", "message", "hint", "details"?}}</c> for VelesQL semantic errors.</summary>
/// <param name="Error">The error.</param>
public sealed record VelesQlErrorResponse(VelesQlError Error);

/// <summary>The inner object of error shape B.</summary>
/// <param name="Code">A <c>VELESQL_*</c> code.</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Hint">How to fix the query.</param>
/// <param name="Details">Structured context, or null.</param>
public sealed record VelesQlError(string Code, string Message, string Hint, JsonObject? Details = null);

/// <summary>Error shape C: <c>{"error": {"type", "message", "position", "query"}}</c> for VelesQL parse errors.</summary>
/// <param name="Error">The error.</param>
public sealed record ParseErrorResponse(ParseError Error);

/// <summary>The inner object of error shape C.</summary>
/// <param name="Type">The parse error kind: <c>SyntaxError</c>, <c>UnexpectedToken</c>, <c>ComplexityLimit</c>.</param>
/// <param name="Message">What went wrong and where.</param>
/// <param name="Position">The zero-based character offset of the error.</param>
/// <param name="Query">The query text from the error position on (at most 40 characters).</param>
public sealed record ParseError(string Type, string Message, int Position, string Query);

/// <summary>Error shape D (401): <c>{"error": "Unauthorized", "message": "..."}</c>.</summary>
/// <param name="Error">Always <c>Unauthorized</c>.</param>
/// <param name="Message">Why the request was refused.</param>
public sealed record AuthError(string Error, string Message);
