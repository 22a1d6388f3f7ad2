using System.Text.Json;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Filtering;

/// <summary>
/// A payload filter: the JSON object <c>{"condition": {…}}</c> that search, scroll and the other
/// REST bodies carry, parsed into a tree of <see cref="Filtering.Condition"/>s. The format and its
/// semantics are specified in docs/FILTERS.md.
/// </summary>
/// <remarks>
/// Parsing is strict: unknown condition types, unknown or duplicate properties, missing or mistyped
/// properties and nesting beyond <see cref="MaxDepth"/> are rejected with
/// <see cref="VelesDbErrorCode.Query"/> and a message that starts with the JSON path of the problem,
/// e.g. <c>filter.condition.conditions[2]: unknown condition type 'eqq'. …</c>.
/// A filter is immutable; <see cref="Matches"/> is thread-safe and does not allocate for
/// comparisons, membership and pattern tests on numbers and strings.
/// </remarks>
public sealed class Filter : IEquatable<Filter>
{
    /// <summary>The deepest nesting of conditions accepted: a leaf counts 1, each <c>and</c>/<c>or</c>/<c>not</c> around it one more.</summary>
    public const int MaxDepth = 64;

    // Each condition level costs the JSON at most two levels (object + array); the slack covers
    // the wrapper and nested literal values. Deeper documents are rejected by the JSON reader.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = (2 * MaxDepth) + 64 };

    /// <summary>Wraps a condition.</summary>
    /// <param name="condition">The root condition.</param>
    public Filter(Condition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Condition = condition;
    }

    /// <summary>The root condition.</summary>
    public Condition Condition { get; }

    /// <summary>Parses filter JSON text (<c>{"condition": {…}}</c>).</summary>
    /// <param name="json">The filter as JSON text.</param>
    /// <returns>The parsed filter.</returns>
    /// <exception cref="VelesDbException">With <see cref="VelesDbErrorCode.Query"/> when the text is not valid JSON or not a valid filter.</exception>
    public static Filter Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new VelesDbException(VelesDbErrorCode.Query, $"{FilterParser.RootPath}: invalid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            return FilterParser.ParseFilter(document.RootElement);
        }
    }

    /// <summary>Reads a filter from a JSON element of the form <c>{"condition": {…}}</c>. Literals are copied, so the element's document may be disposed afterwards.</summary>
    /// <param name="element">The filter object.</param>
    /// <returns>The parsed filter.</returns>
    /// <exception cref="VelesDbException">With <see cref="VelesDbErrorCode.Query"/> when the element is not a valid filter.</exception>
    public static Filter FromJson(JsonElement element) => FilterParser.ParseFilter(element);

    /// <summary>Tests a payload; a point without payload is <c>default(JsonElement)</c>.</summary>
    /// <param name="payload">The point payload.</param>
    /// <returns>True when the payload satisfies the condition.</returns>
    public bool Matches(JsonElement payload) => Condition.Matches(payload);

    /// <summary>The filter as compact JSON; <see cref="Parse"/> turns it back into an equal filter.</summary>
    public string ToJson() => JsonText.Write(this, static (writer, filter) => filter.WriteTo(writer));

    /// <summary>Writes <c>{"condition": {…}}</c>.</summary>
    /// <param name="writer">The destination.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WritePropertyName(ConditionTypes.ConditionProperty);
        Condition.WriteTo(writer);
        writer.WriteEndObject();
    }

    /// <inheritdoc />
    public bool Equals(Filter? other) => other is not null && Condition.Equals(other.Condition);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Filter other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Condition.GetHashCode();

    /// <summary>The filter as JSON, see <see cref="ToJson"/>.</summary>
    public override string ToString() => ToJson();
}
