using VelesDb.Core.Query;

namespace VelesDb.Core.Collections;

public sealed partial class VelesDatabase
{
    private QueryEngine? _queryEngine;

    private QueryEngine Engine => LazyInitializer.EnsureInitialized(ref _queryEngine, () => new QueryEngine(this));

    /// <summary>The VelesQL plan cache counters (hits, misses, cached plans) since the database was opened.</summary>
    public PlanCacheStatistics PlanCache => Volatile.Read(ref _queryEngine)?.Statistics ?? default;

    /// <summary>
    /// Runs one VelesQL statement (<c>LET* statement [;]</c>). Parameters are bound by name
    /// (<c>$q</c> reads <c>parameters["q"]</c>), never spliced into the text; values may be strings,
    /// numbers, booleans, <c>null</c>, <c>float[]</c> vectors, <see cref="Index.Sparse.SparseVector"/>
    /// or <see cref="System.Text.Json.JsonElement"/> (a numeric array binds as a vector, an object of
    /// <c>{"indices", "values"}</c> as a sparse vector).
    /// </summary>
    /// <param name="query">The VelesQL text (at most 16 KiB).</param>
    /// <param name="parameters">The bound parameters, or null.</param>
    /// <param name="options">Per-call options, or null for the defaults.</param>
    /// <returns>The rows; see <see cref="QueryResult"/>.</returns>
    /// <exception cref="Errors.VelesDbException">VELES-010 for parse, validation and execution errors
    /// (<see cref="Errors.VelesDbException.QueryCode"/> says which); VELES-002 for a missing collection;
    /// VELES-027 when a guard-rail (result ceiling, group budget, timeout, traversal depth) stops the
    /// query; the engine's own codes for failed writes.</exception>
    public QueryResult Execute(string query, IReadOnlyDictionary<string, object?>? parameters = null, QueryOptions? options = null)
    {
        ThrowIfDisposed();
        return Engine.Execute(query, parameters, options ?? QueryOptions.Default);
    }

    /// <summary>
    /// Runs an aggregation query (GROUP BY or aggregate functions) and returns its group rows;
    /// VELES-010 for any other statement.
    /// </summary>
    /// <inheritdoc cref="Execute" path="/param"/>
    public QueryResult ExecuteAggregate(string query, IReadOnlyDictionary<string, object?>? parameters = null, QueryOptions? options = null)
    {
        ThrowIfDisposed();
        return Engine.Execute(query, parameters, options ?? QueryOptions.Default, aggregateOnly: true);
    }

    /// <summary>
    /// Runs a top-level MATCH statement in <see cref="QueryOptions.Collection"/>; any other statement
    /// is refused with VELES-010 (query code <c>NOT_MATCH</c>) before it runs.
    /// <see cref="QueryResult.Matches"/> tells, per row, what the pattern bound.
    /// </summary>
    /// <inheritdoc cref="Execute" path="/param"/>
    public QueryResult ExecuteMatch(string query, IReadOnlyDictionary<string, object?>? parameters = null, QueryOptions? options = null)
    {
        ThrowIfDisposed();
        return Engine.Execute(query, parameters, options ?? QueryOptions.Default, matchOnly: true);
    }

    /// <summary>
    /// Explains a SELECT (or compound SELECT) without running it: the plan as JSON
    /// (<c>{query, query_type, collection, plan, estimated_cost, features, cache_hit, plan_reuse_count, tree}</c>).
    /// With <paramref name="analyze"/> the query also runs and actual row counts and timings are added.
    /// </summary>
    /// <param name="query">The VelesQL text.</param>
    /// <param name="parameters">The bound parameters, or null.</param>
    /// <param name="analyze">Run the query and report actual figures.</param>
    /// <param name="options">Per-call options, or null for the defaults.</param>
    public System.Text.Json.Nodes.JsonObject Explain(string query, IReadOnlyDictionary<string, object?>? parameters = null, bool analyze = false, QueryOptions? options = null)
    {
        ThrowIfDisposed();
        return Engine.Explain(query, parameters, options ?? QueryOptions.Default, analyze);
    }
}
