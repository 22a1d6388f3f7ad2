using System.Text.Json;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Graph;

/// <summary>The type of a property declared by a <see cref="GraphSchema"/>.</summary>
public enum GraphPropertyType
{
    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON number without fraction or exponent that fits 64 bits.</summary>
    Integer,

    /// <summary>Any finite JSON number.</summary>
    Float,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A JSON array of numbers.</summary>
    Vector,
}

/// <summary>A node type: its name (a label in a node's <c>_labels</c>) and its typed properties.</summary>
public sealed record GraphNodeType(string Name, IReadOnlyDictionary<string, GraphPropertyType> Properties);

/// <summary>An edge type: its name (the edge label), the node types it connects and its typed properties.</summary>
public sealed record GraphEdgeType(string Name, string FromType, string ToType, IReadOnlyDictionary<string, GraphPropertyType> Properties);

/// <summary>
/// The schema of a graph collection (engine spec §5.1): schemaless, or node types with typed
/// properties and edge types from one node type to another. A typed schema is strict: a node
/// must carry <c>_labels</c> naming declared node types and only the properties they declare, with
/// the declared types (a declared property may be absent or null); an edge's label must be a
/// declared edge type whose from/to types are labels of its endpoints, with declared, typed
/// properties. Violations are VELES-017 SchemaValidation.
/// </summary>
public sealed record GraphSchema
{
    /// <summary>A schema that accepts every node and edge.</summary>
    public static GraphSchema Schemaless { get; } = new() { IsSchemaless = true };

    /// <summary>True for <see cref="Schemaless"/>.</summary>
    public bool IsSchemaless { get; init; }

    /// <summary>The declared node types.</summary>
    public IReadOnlyList<GraphNodeType> NodeTypes { get; init; } = [];

    /// <summary>The declared edge types.</summary>
    public IReadOnlyList<GraphEdgeType> EdgeTypes { get; init; } = [];

    /// <summary>Checks a node payload against the schema.</summary>
    /// <exception cref="VelesDbException">VELES-017 when it does not conform.</exception>
    public void ValidateNode(ulong id, JsonElement? payload)
    {
        if (IsSchemaless)
        {
            return;
        }

        var labels = Labels(payload);
        if (labels.Count == 0)
        {
            Fail($"Node {id} has no _labels; the schema requires a declared node type.");
        }

        var declared = new Dictionary<string, GraphPropertyType>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var type = NodeTypes.FirstOrDefault(t => t.Name == label);
            if (type is null)
            {
                Fail($"Node {id}: label '{label}' is not a node type of the schema.");
            }

            foreach (var (name, propertyType) in type!.Properties)
            {
                declared[name] = propertyType;
            }
        }

        CheckProperties($"Node {id}", payload, declared, ignore: "_labels");
    }

    /// <summary>Checks an edge against the schema, given its endpoints' labels.</summary>
    /// <exception cref="VelesDbException">VELES-017 when it does not conform.</exception>
    public void ValidateEdge(GraphEdge edge, IReadOnlyCollection<string> sourceLabels, IReadOnlyCollection<string> targetLabels)
    {
        ArgumentNullException.ThrowIfNull(edge);
        if (IsSchemaless)
        {
            return;
        }

        var type = EdgeTypes.FirstOrDefault(t => t.Name == edge.Label);
        if (type is null)
        {
            Fail($"Edge {edge.Id}: label '{edge.Label}' is not an edge type of the schema.");
        }

        if (!sourceLabels.Contains(type!.FromType) || !targetLabels.Contains(type.ToType))
        {
            Fail($"Edge {edge.Id} ({edge.Label}) must go from a {type.FromType} node to a {type.ToType} node.");
        }

        CheckProperties($"Edge {edge.Id}", edge.Properties, type.Properties, ignore: null);
    }

    /// <summary>The labels of a node payload: its <c>_labels</c> array of strings (empty when absent).</summary>
    /// <exception cref="VelesDbException">VELES-017 when <c>_labels</c> is not an array of strings.</exception>
    public static IReadOnlyList<string> Labels(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } p || !p.TryGetProperty("_labels", out var labels))
        {
            return [];
        }

        if (labels.ValueKind != JsonValueKind.Array || labels.EnumerateArray().Any(l => l.ValueKind != JsonValueKind.String))
        {
            Fail("_labels must be an array of strings.");
        }

        return [.. labels.EnumerateArray().Select(l => l.GetString()!)];
    }

    /// <summary>Parses the JSON form <c>{"schemaless": bool, "node_types": [{"name", "properties": {p: TYPE}}], "edge_types": [{"name", "from_type", "to_type", "properties"}]}</c>.</summary>
    /// <exception cref="VelesDbException">VELES-009 when the JSON is not a valid schema.</exception>
    public static GraphSchema FromJson(JsonElement json)
    {
        try
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("a schema is a JSON object");
            }

            if (json.TryGetProperty("schemaless", out var schemaless) && schemaless.GetBoolean())
            {
                return Schemaless;
            }

            var nodes = json.TryGetProperty("node_types", out var n) ? n.EnumerateArray().Select(t => new GraphNodeType(Text(t, "name"), PropertyTypes(t))).ToList() : [];
            var edges = json.TryGetProperty("edge_types", out var e) ? e.EnumerateArray().Select(t => new GraphEdgeType(Text(t, "name"), Text(t, "from_type"), Text(t, "to_type"), PropertyTypes(t))).ToList() : [];
            var schema = new GraphSchema { NodeTypes = nodes, EdgeTypes = edges };
            schema.Validate();
            return schema;
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or KeyNotFoundException)
        {
            throw new VelesDbException(VelesDbErrorCode.Config, $"Invalid graph schema: {ex.Message}", ex);
        }
    }

    /// <summary>The JSON form read by <see cref="FromJson"/>.</summary>
    public JsonElement ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("schemaless", IsSchemaless);
            writer.WriteStartArray("node_types");
            foreach (var type in NodeTypes)
            {
                writer.WriteStartObject();
                writer.WriteString("name", type.Name);
                WriteProperties(writer, type.Properties);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("edge_types");
            foreach (var type in EdgeTypes)
            {
                writer.WriteStartObject();
                writer.WriteString("name", type.Name);
                writer.WriteString("from_type", type.FromType);
                writer.WriteString("to_type", type.ToType);
                WriteProperties(writer, type.Properties);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    /// <summary>Checks names are non-empty and unique and that edge types connect declared node types.</summary>
    /// <exception cref="VelesDbException">VELES-009 otherwise.</exception>
    public void Validate()
    {
        if (IsSchemaless)
        {
            return;
        }

        var nodeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in NodeTypes)
        {
            if (string.IsNullOrWhiteSpace(type.Name) || !nodeNames.Add(type.Name))
            {
                throw new VelesDbException(VelesDbErrorCode.Config, $"Invalid graph schema: node type name '{type.Name}' is empty or declared twice.");
            }
        }

        var edgeNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in EdgeTypes)
        {
            if (string.IsNullOrWhiteSpace(type.Name) || !edgeNames.Add(type.Name))
            {
                throw new VelesDbException(VelesDbErrorCode.Config, $"Invalid graph schema: edge type name '{type.Name}' is empty or declared twice.");
            }

            if (!nodeNames.Contains(type.FromType) || !nodeNames.Contains(type.ToType))
            {
                throw new VelesDbException(VelesDbErrorCode.Config, $"Invalid graph schema: edge type '{type.Name}' connects undeclared node types ({type.FromType} → {type.ToType}).");
            }
        }
    }

    private static void WriteProperties(Utf8JsonWriter writer, IReadOnlyDictionary<string, GraphPropertyType> properties)
    {
        writer.WriteStartObject("properties");
        foreach (var (name, type) in properties)
        {
            writer.WriteString(name, type.ToString().ToUpperInvariant());
        }

        writer.WriteEndObject();
    }

    private static string Text(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' must be a string");

    private static Dictionary<string, GraphPropertyType> PropertyTypes(JsonElement type)
    {
        var result = new Dictionary<string, GraphPropertyType>(StringComparer.Ordinal);
        if (type.TryGetProperty("properties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                result[property.Name] = property.Value.GetString()?.ToUpperInvariant() switch
                {
                    "STRING" => GraphPropertyType.String,
                    "INTEGER" => GraphPropertyType.Integer,
                    "FLOAT" => GraphPropertyType.Float,
                    "BOOLEAN" => GraphPropertyType.Boolean,
                    "VECTOR" => GraphPropertyType.Vector,
                    var other => throw new FormatException($"property '{property.Name}' has unknown type '{other}' (STRING, INTEGER, FLOAT, BOOLEAN or VECTOR)"),
                };
            }
        }

        return result;
    }

    private static void CheckProperties(string what, JsonElement? properties, IReadOnlyDictionary<string, GraphPropertyType> declared, string? ignore)
    {
        if (properties is not { ValueKind: JsonValueKind.Object } p)
        {
            return;
        }

        foreach (var property in p.EnumerateObject())
        {
            if (property.Name == ignore)
            {
                continue;
            }

            if (!declared.TryGetValue(property.Name, out var type))
            {
                Fail($"{what}: property '{property.Name}' is not declared by the schema.");
            }

            var value = property.Value;
            var ok = value.ValueKind == JsonValueKind.Null || type switch
            {
                GraphPropertyType.String => value.ValueKind == JsonValueKind.String,
                GraphPropertyType.Integer => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
                GraphPropertyType.Float => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d),
                GraphPropertyType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                _ => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number),
            };
            if (!ok)
            {
                Fail($"{what}: property '{property.Name}' must be {type.ToString().ToUpperInvariant()}, got {value.ValueKind}.");
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string message) => throw new VelesDbException(VelesDbErrorCode.SchemaValidation, message);
}
