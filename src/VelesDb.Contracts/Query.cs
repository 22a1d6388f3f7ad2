using System.Text.Json;
using System.Text.Json.Nodes;

namespace VelesDb.Contracts;

/// <summary>The body of <c>POST /query</c> and <c>POST /aggregate</c>.</summary>
/// <param name="Query">The VelesQL text.</param>
/// <param name="Params">The bound parameters (<c>$name</c> reads <c>params.name</c>), or null.</param>
/// <param name="Collection">The collection a MATCH runs in; statements with FROM ignore it.</param>
public sealed record QueryRequest(string? Query, Dictionary<string, JsonElement>? Params = null, string? Collection = null);

/// <summary>The body of <c>POST /query/explain</c>.</summary>
/// <param name="Query">The VelesQL text.</param>
/// <param name="Params">The bound parameters, or null.</param>
/// <param name="Analyze">Run the query and add actual figures.</param>
public sealed record ExplainRequest(string? Query, Dictionary<string, JsonElement>? Params = null, bool Analyze = false);

/// <summary>The <c>meta</c> object of the VelesQL responses.</summary>
/// <param name="VelesqlContractVersion">Always <see cref="ContractVersion"/>.</param>
/// <param name="Count">Rows returned (for an aggregation object, 1).</param>
public sealed record QueryMeta(string VelesqlContractVersion, int Count)
{
    /// <summary>The VelesQL HTTP contract version this server implements.</summary>
    public const string ContractVersion = "3.0.0";
}

/// <summary>The answer of <c>POST /query</c> for a non-aggregation statement.</summary>
/// <param name="Results">The projected rows.</param>
/// <param name="TimingMs">Execution time in milliseconds.</param>
/// <param name="TookMs">Execution time rounded to whole milliseconds.</param>
/// <param name="RowsReturned">The number of rows.</param>
/// <param name="Meta">Contract version and count.</param>
public sealed record QueryResponse(IReadOnlyList<JsonObject> Results, double TimingMs, long TookMs, int RowsReturned, QueryMeta Meta);

/// <summary>The answer of <c>POST /aggregate</c>, and of <c>POST /query</c> for an aggregation.</summary>
/// <param name="Result">The group rows (an array) for a GROUP BY; the one result row (an object) for an aggregation over the whole input.</param>
/// <param name="TimingMs">Execution time in milliseconds.</param>
/// <param name="Meta">Contract version and count.</param>
public sealed record AggregationResponse(JsonNode Result, double TimingMs, QueryMeta Meta);
