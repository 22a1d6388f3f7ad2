using System.Text.Json;
using System.Text.Json.Serialization;
using VelesDb.Core.Errors;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

/// <summary>
/// <c>config.json</c> of a collection (see docs/FORMAT.md). Replaced atomically.
/// </summary>
internal sealed class CollectionConfig
{
    /// <summary>Bumped whenever a file format changes incompatibly; a newer value is refused.</summary>
    public const int CurrentSchemaVersion = 1;

    [JsonPropertyName("schema_version")]
    public int SchemaVersion { get; set; } = CurrentSchemaVersion;

    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "vector";

    [JsonPropertyName("dimension")]
    public int Dimension { get; set; }

    [JsonPropertyName("metric")]
    public string Metric { get; set; } = "cosine";

    [JsonPropertyName("storage_mode")]
    public string StorageMode { get; set; } = "full";

    [JsonPropertyName("hnsw_m")]
    public int? HnswM { get; set; }

    [JsonPropertyName("hnsw_ef_construction")]
    public int? HnswEfConstruction { get; set; }

    /// <summary>Candidates fetched per result by quantized searches, re-ranked exactly (default 4).</summary>
    [JsonPropertyName("pq_rescore_oversampling")]
    public int? RescoreOversampling { get; set; }

    /// <summary>"pq" or "opq" once a PQ quantizer was configured by TrainQuantizer.</summary>
    [JsonPropertyName("quantizer_type")]
    public string? QuantizerType { get; set; }

    [JsonPropertyName("quantizer_m")]
    public int? QuantizerSubspaces { get; set; }

    [JsonPropertyName("quantizer_k")]
    public int? QuantizerCentroids { get; set; }

    /// <summary>The schema of a graph collection (its JSON form); absent for other kinds.</summary>
    [JsonPropertyName("graph_schema")]
    public JsonElement? GraphSchema { get; set; }

    /// <summary>Graph property and range indexes, in creation order; rebuilt at open.</summary>
    [JsonPropertyName("graph_indexes")]
    public List<GraphIndexConfig>? GraphIndexes { get; set; }

    /// <summary>Payload fields with a secondary index, in creation order; rebuilt at open.</summary>
    [JsonPropertyName("indexed_fields")]
    public List<string>? IndexedFields { get; set; }

    /// <summary>Rebuild the index after deletes that leave too many tombstones (absent: false).</summary>
    [JsonPropertyName("auto_reindex")]
    public bool? AutoReindex { get; set; }

    public CollectionConfig Clone() => (CollectionConfig)MemberwiseClone();

    public static string PathIn(string directory) => Path.Combine(directory, "config.json");

    public void Write(string directory) =>
        FileSync.WriteAtomic(PathIn(directory), JsonSerializer.SerializeToUtf8Bytes(this, CoreJsonContext.Default.CollectionConfig));

    public static CollectionConfig Read(string directory)
    {
        var path = PathIn(directory);
        CollectionConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(File.ReadAllBytes(path), CoreJsonContext.Default.CollectionConfig);
        }
        catch (JsonException ex)
        {
            throw new VelesDbException(VelesDbErrorCode.Config, $"'{path}' is not a valid collection config: {ex.Message}", ex);
        }

        if (config is null)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"'{path}' is empty.");
        }

        if (config.SchemaVersion > CurrentSchemaVersion)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IncompatibleSchemaVersion, $"Collection '{config.Name}' has schema version {config.SchemaVersion}; this build supports up to {CurrentSchemaVersion}. Upgrade VelesDB to open it.");
        }

        if (config.SchemaVersion < 1)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"'{path}' has an invalid schema version {config.SchemaVersion}.");
        }

        return config;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CollectionConfig))]
[JsonSerializable(typeof(GraphIndexConfig))]
internal sealed partial class CoreJsonContext : JsonSerializerContext;

/// <summary>One graph property or range index in <c>config.json</c>.</summary>
internal sealed class GraphIndexConfig
{
    [JsonPropertyName("label")]
    public string Label { get; set; } = "";

    [JsonPropertyName("property")]
    public string Property { get; set; } = "";

    /// <summary><c>hash</c> or <c>range</c>.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "hash";
}
