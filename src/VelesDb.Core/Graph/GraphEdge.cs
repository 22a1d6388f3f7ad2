using System.Text.Json;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Graph;

/// <summary>
/// A directed, labelled edge between two nodes (points) of one collection.
/// </summary>
/// <remarks>
/// The label is trimmed; a label that is empty after trimming is rejected with
/// <see cref="VelesDbErrorCode.InvalidEdgeLabel"/> (VELES-021). Properties must be a JSON object;
/// a JSON <c>null</c> or an absent value means "no properties". Any other JSON kind is rejected
/// with <see cref="VelesDbErrorCode.Config"/> (VELES-009): it is malformed input, not a violation
/// of a declared <c>GraphSchema</c>, which is what <see cref="VelesDbErrorCode.SchemaValidation"/>
/// reports (and a schemaless collection has no schema to violate). The properties are cloned, so
/// the edge never depends on the caller's <see cref="JsonDocument"/> staying alive.
/// </remarks>
public sealed record GraphEdge
{
    /// <summary>Creates and validates an edge.</summary>
    /// <param name="id">The edge id, unique within the collection.</param>
    /// <param name="source">The node the edge leaves.</param>
    /// <param name="target">The node the edge enters.</param>
    /// <param name="label">The relationship type; trimmed, must not be empty.</param>
    /// <param name="properties">A JSON object, or null / JSON null for none.</param>
    public GraphEdge(ulong id, ulong source, ulong target, string label, JsonElement? properties = null)
    {
        var trimmed = label?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            ThrowHelper.Throw(VelesDbErrorCode.InvalidEdgeLabel, $"Edge {id} has an empty label; a label must contain a non-whitespace character.");
        }

        Id = id;
        Source = source;
        Target = target;
        Label = trimmed;
        Properties = NormalizeProperties(id, properties);
    }

    /// <summary>The edge id, unique within the collection.</summary>
    public ulong Id { get; }

    /// <summary>The node the edge leaves.</summary>
    public ulong Source { get; }

    /// <summary>The node the edge enters.</summary>
    public ulong Target { get; }

    /// <summary>The trimmed, non-empty relationship type (case-sensitive).</summary>
    public string Label { get; }

    /// <summary>The edge properties as a JSON object, or null when it has none.</summary>
    public JsonElement? Properties { get; }

    /// <summary>Checks the properties' shape and detaches them from the caller's document.</summary>
    private static JsonElement? NormalizeProperties(ulong id, JsonElement? properties)
    {
        if (properties is not { } element || element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Properties of edge {id} must be a JSON object, got {element.ValueKind}.");
        }

        return element.Clone();
    }
}
