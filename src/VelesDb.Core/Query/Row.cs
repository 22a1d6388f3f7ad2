using System.Text.Json;

namespace VelesDb.Core.Query;

/// <summary>One source row (a point of one collection) bound to an alias.</summary>
/// <param name="Id">The point id.</param>
/// <param name="Payload">The payload, or null.</param>
internal sealed record SourceRow(ulong Id, JsonElement? Payload);

/// <summary>
/// A row flowing through the executor: the FROM source, joined sources by alias, the scores of the
/// search that produced it, and values computed along the way (LET bindings, aggregates, window
/// values, MATCH bindings).
/// </summary>
internal sealed class Row
{
    public Row(SourceRow? primary) => Primary = primary;

    /// <summary>The FROM collection's point, or null on the unmatched side of a RIGHT/FULL join.</summary>
    public SourceRow? Primary { get; set; }

    /// <summary>The point id used for tie-breaks: the primary id, else the first joined id.</summary>
    public ulong SortId => Primary?.Id ?? Joined?.Values.FirstOrDefault(s => s is not null)?.Id ?? 0;

    /// <summary>Joined sources by alias (null entries are NULL-filled outer-join sides).</summary>
    public Dictionary<string, SourceRow?>? Joined { get; set; }

    /// <summary>The headline score (<c>similarity()</c> / <c>score</c>), or null when no search ranked the row.</summary>
    public double? Score { get; set; }

    /// <summary>Dense vector score component.</summary>
    public double VectorScore { get; set; }

    /// <summary>BM25 component.</summary>
    public double Bm25Score { get; set; }

    /// <summary>Sparse component.</summary>
    public double SparseScore { get; set; }

    /// <summary>Graph component.</summary>
    public double GraphScore { get; set; }

    /// <summary>Fused score.</summary>
    public double FusedScore { get; set; }

    /// <summary>Named computed values (LET, aggregates, window results, MATCH projections), or null.</summary>
    public Dictionary<string, object?>? Computed { get; set; }

    /// <summary>The projected output, once computed.</summary>
    public System.Text.Json.Nodes.JsonObject? Output { get; set; }

    /// <summary>Sets a computed value.</summary>
    public void Set(string name, object? value) => (Computed ??= new(StringComparer.Ordinal))[name] = value;
}
