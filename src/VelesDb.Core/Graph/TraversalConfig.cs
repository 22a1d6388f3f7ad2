using VelesDb.Core.Errors;

namespace VelesDb.Core.Graph;

/// <summary>Which edges a traversal follows from a node.</summary>
/// <remarks>Not persisted; the numeric values are nonetheless kept stable.</remarks>
public enum TraversalDirection
{
    /// <summary>Follow edges from source to target.</summary>
    Outgoing = 0,

    /// <summary>Follow edges backwards, from target to source.</summary>
    Incoming = 1,

    /// <summary>Follow edges either way (outgoing edges of a node first, then incoming ones).</summary>
    Both = 2,
}

/// <summary>
/// Options of a graph traversal (spec §5.3). Defaults: depth 1..3, limit 100, every relationship
/// type, outgoing edges, no deadline. Checked by <see cref="Validate"/> when a traversal starts.
/// </summary>
public sealed record TraversalConfig
{
    /// <summary>The hard depth cap (<c>SAFETY_MAX_DEPTH</c>); unbounded ranges are capped to it.</summary>
    public const int SafetyMaxDepth = 100;

    /// <summary>The default maximum depth (<c>DEFAULT_MAX_DEPTH</c>).</summary>
    public const int DefaultMaxDepth = 3;

    /// <summary>The default result limit.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The shallowest depth emitted (0 and 1 behave the same: the start node is never emitted).</summary>
    public int MinDepth { get; init; } = 1;

    /// <summary>The deepest depth reached, at most <see cref="SafetyMaxDepth"/>.</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>The most results returned; traversal stops once reached.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Relationship types to follow; empty follows every edge. Unknown labels match nothing.</summary>
    public IReadOnlyList<string> RelTypes { get; init; } = [];

    /// <summary>Which way edges are followed.</summary>
    public TraversalDirection Direction { get; init; } = TraversalDirection.Outgoing;

    /// <summary>
    /// When set (UTC; a local time is converted, an unspecified kind is taken as UTC), traversal stops at this instant and returns what it found so far, with
    /// <see cref="TraversalOutcome.TimedOut"/> set.
    /// </summary>
    public DateTime? Deadline { get; init; }

    /// <summary>Emits depths <paramref name="min"/>..<paramref name="max"/>.</summary>
    public TraversalConfig WithRange(int min, int max) => this with { MinDepth = min, MaxDepth = max };

    /// <summary>Emits depths from <paramref name="min"/> up to <see cref="SafetyMaxDepth"/>.</summary>
    public TraversalConfig WithUnboundedRange(int min) => this with { MinDepth = min, MaxDepth = SafetyMaxDepth };

    /// <summary>Sets the maximum depth.</summary>
    public TraversalConfig WithMaxDepth(int max) => this with { MaxDepth = max };

    /// <summary>Sets the result limit.</summary>
    public TraversalConfig WithLimit(int limit) => this with { Limit = limit };

    /// <summary>Follows only edges with one of these labels.</summary>
    public TraversalConfig WithRelTypes(params string[] relTypes) => this with { RelTypes = relTypes };

    /// <summary>Sets the direction.</summary>
    public TraversalConfig WithDirection(TraversalDirection direction) => this with { Direction = direction };

    /// <summary>Sets the deadline (UTC).</summary>
    public TraversalConfig WithDeadline(DateTime? deadline) => this with { Deadline = deadline };

    /// <summary>
    /// Throws <see cref="VelesDbErrorCode.Config"/> unless 0 ≤ MinDepth ≤ MaxDepth ≤
    /// <see cref="SafetyMaxDepth"/>, Limit ≥ 1, the direction is defined and no rel type is null.
    /// An explicit MaxDepth above the cap is rejected rather than silently capped; only
    /// <see cref="WithUnboundedRange"/> caps.
    /// </summary>
    public void Validate()
    {
        if (MinDepth < 0)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Traversal min_depth must be at least 0, got {MinDepth}.");
        }

        if (MaxDepth > SafetyMaxDepth)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Traversal max_depth must be at most {SafetyMaxDepth}, got {MaxDepth}.");
        }

        if (MinDepth > MaxDepth)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Traversal min_depth ({MinDepth}) must not exceed max_depth ({MaxDepth}).");
        }

        if (Limit < 1)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Traversal limit must be at least 1, got {Limit}.");
        }

        if (!Enum.IsDefined(Direction))
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Undefined traversal direction {(int)Direction}.");
        }

        if (RelTypes is null)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, "Traversal rel_types must not be null; use an empty list for every type.");
        }

        for (var i = 0; i < RelTypes.Count; i++)
        {
            if (RelTypes[i] is null)
            {
                ThrowHelper.Throw(VelesDbErrorCode.Config, $"Traversal rel_types[{i}] is null.");
            }
        }
    }
}

/// <summary>One node reached by a traversal.</summary>
/// <param name="StartId">The node the traversal started from (distinguishes results of a parallel traversal).</param>
/// <param name="TargetId">The node reached; never the start node.</param>
/// <param name="Depth">The number of edges in <paramref name="Path"/>.</param>
/// <param name="Path">The edge ids walked from the start to the target.</param>
public sealed record TraversalResult(ulong StartId, ulong TargetId, int Depth, ulong[] Path);

/// <summary>The results of a traversal and how it ended.</summary>
/// <param name="Results">The results in traversal order.</param>
/// <param name="TimedOut">True when the deadline stopped the traversal; the results are partial.</param>
/// <param name="LimitReached">True when the traversal stopped because it had <see cref="TraversalConfig.Limit"/> results.</param>
/// <param name="EdgesScanned">Adjacency entries examined (including those the rel-type filter rejected).</param>
/// <param name="NodesVisited">Distinct nodes reached, the start nodes excluded (summed over starts for a parallel traversal).</param>
public sealed record TraversalOutcome(IReadOnlyList<TraversalResult> Results, bool TimedOut, bool LimitReached, long EdgesScanned, long NodesVisited);
