using System.Collections.Concurrent;
using System.Diagnostics;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.VelesQL;
using VelesDb.VelesQL.Ast;
using QueryAst = VelesDb.VelesQL.Ast.Query;

namespace VelesDb.Core.Query;

/// <summary>
/// Parses, validates and runs VelesQL statements for one database, with a plan cache keyed by query
/// text. A cached entry remembers the write generation of every collection it names; when one of them
/// has changed, the entry is re-planned (and the reuse count starts again).
/// </summary>
internal sealed class QueryEngine(VelesDatabase database)
{
    /// <summary>Entries kept before the cache is cleared.</summary>
    public const int PlanCacheCapacity = 1_024;

    private readonly ConcurrentDictionary<string, CachedPlan> _plans = new(StringComparer.Ordinal);

    private long _hits;
    private long _misses;

    /// <summary>Number of cached plans.</summary>
    public int CachedPlans => _plans.Count;

    /// <summary>The plan cache counters since the engine was created.</summary>
    public PlanCacheStatistics Statistics => new(Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), _plans.Count);

    /// <summary>Runs one statement.</summary>
    public QueryResult Execute(string text, IReadOnlyDictionary<string, object?>? parameters, QueryOptions options, bool aggregateOnly = false, bool matchOnly = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        options.Cancellation.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        var ctx = new ExecContext(database, parameters, options);
        var plan = Plan(text, options, out var hit);
        if (aggregateOnly && !IsAggregation(plan.Query.Statement))
        {
            QueryErrors.Execution("NOT_AGGREGATE", "Only aggregation queries are accepted on /aggregate.", "Use GROUP BY or an aggregate function (COUNT, SUM, AVG, MIN, MAX), or send the query to /query.");
        }

        if (matchOnly && plan.Query.Statement is not MatchStatement)
        {
            QueryErrors.Execution("NOT_MATCH", "Only MATCH queries are accepted here.", "Write MATCH (a)-[:TYPE]->(b) RETURN a, b, or send other statements to /query.");
        }

        foreach (var let in plan.Query.Lets)
        {
            ctx.Lets[let.Name] = let.Value;
        }

        ctx.Plan = plan;
        ctx.PlanCacheHit = hit;
        var result = Dispatch(plan.Query.Statement, ctx);
        result.Elapsed = Stopwatch.GetElapsedTime(started);
        return result;
    }

    /// <summary>Explains (and with <paramref name="analyze"/> runs) a SELECT or an <c>EXPLAIN SELECT</c>.</summary>
    public System.Text.Json.Nodes.JsonObject Explain(string text, IReadOnlyDictionary<string, object?>? parameters, QueryOptions options, bool analyze)
    {
        ArgumentNullException.ThrowIfNull(text);
        options.Cancellation.ThrowIfCancellationRequested();
        var ctx = new ExecContext(database, parameters, options);
        var plan = Plan(text, options, out var hit);
        ctx.Plan = plan;
        ctx.PlanCacheHit = hit;
        foreach (var let in plan.Query.Lets)
        {
            ctx.Lets[let.Name] = let.Value;
        }

        var target = plan.Query.Statement is ExplainStatement e ? e.Target : plan.Query.Statement;
        return ExplainBuilder.Build(target, ctx, analyze);
    }

    private static QueryResult Dispatch(Statement statement, ExecContext ctx) => statement switch
    {
        SelectStatement or CompoundSelectStatement => SelectExecutor.Execute(statement, ctx),
        MatchStatement m => MatchExecutor.Execute(m, ctx),
        ExplainStatement e => ExplainBuilder.Explain(e.Target, ctx),
        _ => StatementExecutor.Execute(statement, ctx),
    };

    /// <summary>True when the statement answers with aggregation groups.</summary>
    public static bool IsAggregation(Statement statement) => statement is SelectStatement s && SelectExecutor.IsAggregation(s);

    /// <summary>Parses and validates <paramref name="text"/>, or reuses a cached plan.</summary>
    public CachedPlan Plan(string text, QueryOptions options, out bool hit)
    {
        if (options.UsePlanCache && _plans.TryGetValue(text, out var cached) && cached.IsCurrent(database))
        {
            cached.Reuse();
            hit = true;
            Interlocked.Increment(ref _hits);
            return cached;
        }

        hit = false;
        if (options.UsePlanCache)
        {
            Interlocked.Increment(ref _misses);
        }

        QueryAst query;
        try
        {
            query = VelesQLParser.Parse(text);
        }
        catch (VelesQLParseException e)
        {
            throw QueryErrors.FromParse(e);
        }

        QueryValidator.Validate(query);
        var plan = new CachedPlan(query, Generations(query));
        if (options.UsePlanCache && query.Statement is SelectStatement or CompoundSelectStatement or MatchStatement or ExplainStatement)
        {
            if (_plans.Count >= PlanCacheCapacity)
            {
                _plans.Clear();
            }

            _plans[text] = plan;
        }

        return plan;
    }

    private (string Name, long Generation)[] Generations(QueryAst query)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        CollectCollections(query.Statement, names);
        var result = new List<(string, long)>();
        foreach (var n in names)
        {
            if (database.TryGetCollection(n, out var c))
            {
                result.Add((n, c.WriteGeneration));
            }
        }

        return [.. result];
    }

    private static void CollectCollections(Statement s, SortedSet<string> into)
    {
        switch (s)
        {
            case SelectStatement sel:
                into.Add(sel.From.Name);
                foreach (var j in sel.Joins)
                {
                    into.Add(j.Table.Name);
                }

                break;
            case CompoundSelectStatement c:
                CollectCollections(c.First, into);
                foreach (var r in c.Rest)
                {
                    CollectCollections(r.Right, into);
                }

                break;
            case ExplainStatement e:
                CollectCollections(e.Target, into);
                break;
        }
    }
}

/// <summary>A parsed, validated statement and the collection generations it was planned against.</summary>
/// <param name="query">The AST.</param>
/// <param name="generations">The write generation of each named collection at planning time.</param>
internal sealed class CachedPlan(QueryAst query, (string Name, long Generation)[] generations)
{
    private long _reuses;

    /// <summary>The AST.</summary>
    public QueryAst Query { get; } = query;

    /// <summary>How many times this plan was served from the cache.</summary>
    public long ReuseCount => Interlocked.Read(ref _reuses);

    /// <summary>Counts a cache hit.</summary>
    public void Reuse() => Interlocked.Increment(ref _reuses);

    /// <summary>True when no named collection changed since planning.</summary>
    public bool IsCurrent(VelesDatabase database)
    {
        foreach (var (name, generation) in generations)
        {
            if (!database.TryGetCollection(name, out var c) || c.WriteGeneration != generation)
            {
                return false;
            }
        }

        return true;
    }
}
