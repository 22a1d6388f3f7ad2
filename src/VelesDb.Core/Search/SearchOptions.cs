using VelesDb.Core.Filtering;

namespace VelesDb.Core.Search;

/// <summary>Options of a vector search.</summary>
public sealed record SearchOptions
{
    /// <summary>Default options: balanced quality, no filter, payloads included.</summary>
    public static SearchOptions Default { get; } = new();

    /// <summary>Only points whose payload matches are returned.</summary>
    public Filter? Filter { get; init; }

    /// <summary>The quality mode (default balanced).</summary>
    public SearchQuality Quality { get; init; } = SearchQuality.Balanced;

    /// <summary>When set, overrides the mode's ef_search (at least k is used).</summary>
    public int? EfSearch { get; init; }

    /// <summary>
    /// On quantized collections, candidates fetched per result on the codes before exact
    /// re-ranking (1..64); default the collection's (4).
    /// </summary>
    public int? RescoreOversampling { get; init; }

    /// <summary>Whether results carry payloads (default true).</summary>
    public bool WithPayload { get; init; } = true;

    /// <summary>
    /// Stops the search when cancelled: checked on entry, every few dozen HNSW expansions and every
    /// few thousand rows of an exact scan, so a cancelled search ends within microseconds to a
    /// millisecond and throws <see cref="OperationCanceledException"/>. Default: not cancellable.
    /// </summary>
    public CancellationToken Cancellation { get; init; }
}
