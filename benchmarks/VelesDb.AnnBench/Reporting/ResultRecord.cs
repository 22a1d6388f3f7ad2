using System.Text.Json;
using System.Text.Json.Serialization;
using VelesDb.AnnBench.Engines;

namespace VelesDb.AnnBench.Reporting;

/// <summary>One JSON line of results: one engine × dataset × ef configuration.</summary>
internal sealed record ResultRecord
{
    [JsonPropertyName("engine")]
    public required string Engine { get; init; }

    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    [JsonPropertyName("n")]
    public int N { get; init; }

    [JsonPropertyName("dim")]
    public int Dim { get; init; }

    [JsonPropertyName("queries")]
    public int Queries { get; init; }

    [JsonPropertyName("k")]
    public int K { get; init; }

    [JsonPropertyName("M")]
    public int M { get; init; }

    [JsonPropertyName("ef_construction")]
    public int EfConstruction { get; init; }

    /// <summary>ef_search as a number, or the string "exact" for a brute-force scan.</summary>
    [JsonPropertyName("ef")]
    [JsonConverter(typeof(EfSettingJsonConverter))]
    public EfSetting Ef { get; init; }

    [JsonPropertyName("build_seconds")]
    public double BuildSeconds { get; init; }

    [JsonPropertyName("build_threads")]
    public int BuildThreads { get; init; }

    /// <summary>recall@10 (null when k &lt; 10).</summary>
    [JsonPropertyName("recall_at_10")]
    public double? RecallAt10 { get; init; }

    [JsonPropertyName("recall_at_k")]
    public double RecallAtK { get; init; }

    [JsonPropertyName("p50_us")]
    public double P50Us { get; init; }

    [JsonPropertyName("p95_us")]
    public double P95Us { get; init; }

    [JsonPropertyName("p99_us")]
    public double P99Us { get; init; }

    [JsonPropertyName("mean_us")]
    public double MeanUs { get; init; }

    /// <summary>Queries per second of one thread: queries / sum of per-query latencies.</summary>
    [JsonPropertyName("qps_single_thread")]
    public double QpsSingleThread { get; init; }

    /// <summary>
    /// Queries per second of one single-threaded batch call over all queries; only for engines whose
    /// per-call overhead hides their search speed (usearch's JS binding). Null otherwise.
    /// </summary>
    [JsonPropertyName("qps_batch_single_thread")]
    public double? QpsBatchSingleThread { get; init; }

    /// <summary>RSS the built index added (index plus its copy of the vectors).</summary>
    [JsonPropertyName("memory_bytes")]
    public long MemoryBytes { get; init; }

    /// <summary>
    /// Bytes the vector index itself holds (graph links, node codes or vectors, quantizer), as the
    /// engine reports it; VelesDB only. Quantized modes also keep float32 vectors in the
    /// memory-mapped vectors.dat for re-ranking, which the OS pages in and out on demand.
    /// </summary>
    [JsonPropertyName("index_bytes")]
    public long? IndexBytes { get; init; }

    /// <summary>Peak RSS of an out-of-process driver (includes its copy of the dataset); null in process.</summary>
    [JsonPropertyName("peak_rss_bytes")]
    public long? PeakRssBytes { get; init; }

    /// <summary>The recall the report uses: recall@10 when defined, else recall@k.</summary>
    [JsonIgnore]
    public double Recall => RecallAt10 ?? RecallAtK;
}

/// <summary>Facts about one dataset's run, for the report: the command, machine, versions.</summary>
internal sealed record RunInfo
{
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    [JsonPropertyName("command")]
    public required string Command { get; init; }

    [JsonPropertyName("date_utc")]
    public required string DateUtc { get; init; }

    [JsonPropertyName("machine")]
    public required MachineInfo Machine { get; init; }

    [JsonPropertyName("engine_versions")]
    public required Dictionary<string, string> EngineVersions { get; init; }

    [JsonPropertyName("skipped")]
    public required Dictionary<string, string> Skipped { get; init; }

    [JsonPropertyName("notes")]
    public required List<string> Notes { get; init; }
}

/// <summary>The machine a run used.</summary>
internal sealed record MachineInfo
{
    [JsonPropertyName("cpu")]
    public required string Cpu { get; init; }

    [JsonPropertyName("cores")]
    public int Cores { get; init; }

    [JsonPropertyName("memory_bytes")]
    public long MemoryBytes { get; init; }

    [JsonPropertyName("simd")]
    public required string Simd { get; init; }

    [JsonPropertyName("os")]
    public required string Os { get; init; }

    [JsonPropertyName("runtime")]
    public required string Runtime { get; init; }
}

/// <summary>Writes <see cref="EfSetting"/> as a number, or "exact".</summary>
internal sealed class EfSettingJsonConverter : JsonConverter<EfSetting>
{
    public override EfSetting Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? reader.GetString() == "exact" ? EfSetting.Exact : throw new JsonException("ef must be a number or \"exact\".")
            : new EfSetting(reader.GetInt32());

    public override void Write(Utf8JsonWriter writer, EfSetting value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.IsExact)
        {
            writer.WriteStringValue("exact");
        }
        else
        {
            writer.WriteNumberValue(value.Value);
        }
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ResultRecord))]
[JsonSerializable(typeof(RunInfo))]
internal sealed partial class AnnJsonContext : JsonSerializerContext
{
    /// <summary>The context with relaxed escaping, so command lines and versions stay readable ('+', quotes).</summary>
    public static AnnJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
