using System.Text.Json;
using System.Text.Json.Serialization;

namespace VelesDb.Contracts;

/// <summary>A stored point as the point reads answer it (REST spec §2.3 #26, #28).</summary>
/// <param name="Id">The point id, written as a string.</param>
/// <param name="Vector">The dense vector (empty in metadata-only collections).</param>
/// <param name="Payload">The payload, or JSON null when the point has none.</param>
public sealed record PointResponse(
    [property: JsonConverter(typeof(PointIdConverter))] ulong Id,
    float[] Vector,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? Payload);

/// <summary>The answer of <c>DELETE /collections/{name}/points/{id}</c>.</summary>
/// <param name="Message">Always <c>Point deleted</c>.</param>
/// <param name="Id">The id from the path, written as a string.</param>
public sealed record PointDeletedResponse(string Message, [property: JsonConverter(typeof(PointIdConverter))] ulong Id);

/// <summary>The body of <c>POST /collections/{name}/points/scroll</c>.</summary>
/// <param name="Cursor">The exclusive start id (the previous page's <c>next_cursor</c>), or null to start.</param>
/// <param name="BatchSize">Points per page, 1 to 10 000 (default 100).</param>
/// <param name="Filter">A filter (REST spec §2.10), or null.</param>
public sealed record ScrollRequest(
    [property: JsonConverter(typeof(NullablePointIdConverter))] ulong? Cursor = null,
    int? BatchSize = null,
    JsonElement? Filter = null);

/// <summary>A page of a scroll.</summary>
/// <param name="Points">The points, ascending by id.</param>
/// <param name="NextCursor">The cursor of the next page, or JSON null when no point is left.</param>
public sealed record ScrollResponse(
    IReadOnlyList<PointResponse> Points,
    [property: JsonConverter(typeof(NullablePointIdConverter)), JsonIgnore(Condition = JsonIgnoreCondition.Never)] ulong? NextCursor);

/// <summary>The body of <c>POST /collections/{name}/points/delete</c>.</summary>
/// <param name="Ids">The ids to delete: JSON integers or decimal strings.</param>
public sealed record DeletePointsRequest([property: JsonConverter(typeof(PointIdListConverter))] IReadOnlyList<ulong>? Ids);

/// <summary>The answer of a bulk point delete.</summary>
/// <param name="Message">What was done.</param>
/// <param name="Collection">The collection name.</param>
/// <param name="DeletedCount">How many of the ids were points of the collection.</param>
public sealed record DeletePointsResponse(string Message, string Collection, int DeletedCount);

/// <summary>One outgoing edge of <c>GET /collections/{name}/points/{id}/relations</c>.</summary>
/// <param name="Id">The edge id, as a string.</param>
/// <param name="Source">The source point id, as a string.</param>
/// <param name="Target">The target point id, as a string.</param>
/// <param name="RelType">The relationship type (edge label).</param>
/// <param name="Properties">The edge properties, or JSON null.</param>
public sealed record RelationResponse(
    [property: JsonConverter(typeof(PointIdConverter))] ulong Id,
    [property: JsonConverter(typeof(PointIdConverter))] ulong Source,
    [property: JsonConverter(typeof(PointIdConverter))] ulong Target,
    string RelType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? Properties);

/// <summary>The answer of <c>GET /collections/{name}/points/{id}/relations</c>.</summary>
/// <param name="Edges">The point's outgoing edges.</param>
/// <param name="Count">The number of edges.</param>
public sealed record RelationsResponse(IReadOnlyList<RelationResponse> Edges, int Count);

/// <summary>An optional point id (REST spec §1.2): JSON null, an integer or a decimal string in; a string or null out.</summary>
public sealed class NullablePointIdConverter : JsonConverter<ulong?>
{
    private static readonly PointIdConverter Id = new();

    /// <inheritdoc />
    public override bool HandleNull => true;

    /// <inheritdoc />
    public override ulong? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Id.Read(ref reader, typeof(ulong), options);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ulong? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } id)
        {
            Id.Write(writer, id, options);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>A list of point ids (REST spec §1.2): each a JSON integer or a decimal string in, a string out.</summary>
public sealed class PointIdListConverter : JsonConverter<IReadOnlyList<ulong>>
{
    private static readonly PointIdConverter Id = new();

    /// <inheritdoc />
    public override IReadOnlyList<ulong> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A list of point ids must be a JSON array.");
        }

        var ids = new List<ulong>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            ids.Add(Id.Read(ref reader, typeof(ulong), options));
        }

        return ids;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<ulong> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var id in value)
        {
            Id.Write(writer, id, options);
        }

        writer.WriteEndArray();
    }
}

/// <summary>The body of <c>POST /collections/{name}/relations</c>.</summary>
/// <param name="Source">The source point id (number or decimal string).</param>
/// <param name="Target">The target point id (number or decimal string).</param>
/// <param name="RelType">The relationship type (edge label).</param>
/// <param name="Properties">An object of edge properties, or null.</param>
public sealed record CreateRelationRequest(
    [property: JsonConverter(typeof(NullablePointIdConverter))] ulong? Source,
    [property: JsonConverter(typeof(NullablePointIdConverter))] ulong? Target,
    string? RelType,
    JsonElement? Properties = null);

/// <summary>The answer of <c>POST /collections/{name}/relations</c>.</summary>
/// <param name="EdgeId">The new edge id, as a string.</param>
public sealed record RelationCreatedResponse([property: JsonConverter(typeof(PointIdConverter))] ulong EdgeId);
