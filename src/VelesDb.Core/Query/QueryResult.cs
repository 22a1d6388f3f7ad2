using System.Text.Json.Nodes;

namespace VelesDb.Core.Query;

/// <summary>The result of one VelesQL statement.</summary>
/// <remarks>
/// Every statement answers with rows: a SELECT or MATCH its projected rows, an aggregation its
/// group rows, DDL and admin statements one status row (for example <c>{"deleted_count": 3}</c> for
/// TRUNCATE or <c>{"status": "flushed", "full": false}</c> for FLUSH).
/// </remarks>
public sealed class QueryResult
{
    internal QueryResult(string statementType, IReadOnlyList<JsonObject> rows, bool isAggregation = false, long affectedRows = 0, bool isGrouped = false)
    {
        StatementType = statementType;
        Rows = rows;
        IsAggregation = isAggregation;
        AffectedRows = affectedRows;
        IsGrouped = isGrouped;
    }

    /// <summary>The statement kind in upper case: <c>SELECT</c>, <c>MATCH</c>, <c>INSERT</c>, <c>EXPLAIN</c>, …</summary>
    public string StatementType { get; }

    /// <summary>The result rows, in result order.</summary>
    public IReadOnlyList<JsonObject> Rows { get; }

    /// <summary>True when the rows are aggregation groups (GROUP BY or aggregate functions without NEAR).</summary>
    public bool IsAggregation { get; }

    /// <summary>
    /// True when an aggregation has a GROUP BY (its rows are groups); false for an aggregation over the
    /// whole input, which always answers exactly one row.
    /// </summary>
    public bool IsGrouped { get; }

    /// <summary>Points, nodes or edges written or deleted by a DML statement; 0 otherwise.</summary>
    public long AffectedRows { get; }

    /// <summary>Wall-clock execution time, parse included.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>
    /// For a top-level MATCH: per row (parallel to <see cref="Rows"/>), the node ids the pattern's
    /// aliases bound, the hop count and the score. Null for every other statement.
    /// </summary>
    public IReadOnlyList<MatchRowInfo>? Matches { get; internal set; }
}

/// <summary>How one MATCH row was bound.</summary>
/// <param name="Bindings">Every node alias of the pattern with the node id it bound.</param>
/// <param name="Depth">The number of edges the match walked.</param>
/// <param name="Score">
/// The score of the first node against <see cref="QueryOptions.MatchVector"/> when one is given,
/// else against the statement's <c>similarity()</c>; null without either (or when the node has no vector).
/// </param>
public sealed record MatchRowInfo(IReadOnlyDictionary<string, ulong> Bindings, int Depth, double? Score);

/// <summary>Per-call options of <see cref="Collections.VelesDatabase.Execute"/>.</summary>
public sealed record QueryOptions
{
    /// <summary>The default options.</summary>
    public static QueryOptions Default { get; } = new();

    /// <summary>The hard result ceiling: no statement returns more rows.</summary>
    public const int MaxResultRows = 100_000;

    /// <summary>
    /// The collection a top-level MATCH statement runs in (MATCH has no FROM). Ignored by statements
    /// that name their collection.
    /// </summary>
    public string? Collection { get; init; }

    /// <summary>
    /// Per-query timeout; a <c>WITH (timeout_ms = …)</c> option overrides it. Null: the database
    /// guard-rail <see cref="GuardRails.TimeoutMs"/>.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Stops the statement when cancelled (e.g. the caller went away): looked at wherever the timeout
    /// is, and inside vector searches; the call then throws <see cref="OperationCanceledException"/>.
    /// Default: not cancellable.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Whether parsed and validated statements are cached by query text (default true).</summary>
    public bool UsePlanCache { get; init; } = true;

    /// <summary>
    /// The most rows one JOIN may produce before WHERE, grouping and LIMIT reduce them. Null: the
    /// database guard-rail <see cref="GuardRails.MaxCardinality"/> (default 100,000).
    /// </summary>
    public int? MaxJoinRows { get; init; }

    /// <summary>
    /// The deepest graph traversal a MATCH may run (at most 32). Null: the database guard-rail
    /// <see cref="GuardRails.MaxDepth"/> (default 10).
    /// </summary>
    public int? MaxTraversalDepth { get; init; }

    /// <summary>
    /// For a top-level MATCH: a query vector each row's first node is scored against (with the
    /// collection's metric), reported in <see cref="MatchRowInfo.Score"/>. The collection must store
    /// vectors of this dimension. Null: no scoring.
    /// </summary>
    public float[]? MatchVector { get; init; }

    /// <summary>
    /// With <see cref="MatchVector"/>: keeps only rows whose score is at least this (at most this for
    /// distance metrics: euclidean, hamming). Null: no cut.
    /// </summary>
    public double? MatchThreshold { get; init; }
}

/// <summary>The counters of a database's VelesQL plan cache (queries whose plan was reused or planned anew).</summary>
/// <param name="Hits">Statements that reused a cached plan.</param>
/// <param name="Misses">Statements parsed and planned because no current plan was cached (calls with the cache off are not counted).</param>
/// <param name="Size">Plans cached now.</param>
public readonly record struct PlanCacheStatistics(long Hits, long Misses, int Size);
