using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VelesDb.Contracts;

public sealed partial class ContractsJsonContext
{
    /// <summary>
    /// The context the server writes responses with: the settings of <see cref="Default"/>, and text
    /// written as UTF-8 as it is (<c>"café 東京"</c>, not <c>"caf\u00E9 \u6771\u4EAC"</c>); only the
    /// characters JSON requires are escaped. Responses are <c>application/json</c>, never embedded in
    /// HTML, so the HTML-sensitive escaping of the default encoder buys nothing.
    /// </summary>
    public static ContractsJsonContext Wire { get; } = new(WireOptions());

    /// <summary>The options of <see cref="Wire"/>: those of the source-generation attribute plus the relaxed encoder.</summary>
    public static JsonSerializerOptions WireOptions() => new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 64,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
