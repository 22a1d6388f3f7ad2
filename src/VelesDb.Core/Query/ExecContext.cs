using System.Diagnostics;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Index.Sparse;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>
/// The state of one <see cref="VelesDatabase.Execute"/> call: the database, the bound parameters,
/// LET bindings, the deadline and per-query caches. Not thread-safe; one per call.
/// </summary>
internal sealed class ExecContext
{
    private readonly Dictionary<string, object?> _parameters;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<SubqueryExpr, object?> _subqueries = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(Collection, ulong), float[]?> _vectors = [];
    private long _checks;

    public ExecContext(VelesDatabase database, IReadOnlyDictionary<string, object?>? parameters, QueryOptions options)
    {
        Database = database;
        Options = options;
        _parameters = new(StringComparer.Ordinal);
        if (parameters is not null)
        {
            foreach (var (k, v) in parameters)
            {
                var name = k.StartsWith('$') ? k[1..] : k;
                _parameters[name] = QueryValues.Normalize(v);
            }
        }

        var rails = database.Guard.Current;
        Timeout = options.Timeout ?? TimeSpan.FromMilliseconds(rails.TimeoutMs);
        MaxJoinRows = options.MaxJoinRows ?? (int)rails.MaxCardinality;
        MaxTraversalDepth = options.MaxTraversalDepth ?? rails.MaxDepth;
        NowSeconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    }

    /// <summary>The plan being executed (set by the engine).</summary>
    public CachedPlan? Plan { get; set; }

    /// <summary>True when the plan came from the plan cache.</summary>
    public bool PlanCacheHit { get; set; }

    /// <summary>The database.</summary>
    public VelesDatabase Database { get; }

    /// <summary>The call options.</summary>
    public QueryOptions Options { get; }

    /// <summary>The effective JOIN row budget: the options', else the guard-rail max_cardinality.</summary>
    public int MaxJoinRows { get; }

    /// <summary>The effective traversal depth limit: the options', else the guard-rail max_depth.</summary>
    public int MaxTraversalDepth { get; }

    /// <summary>The effective timeout (WITH timeout_ms overrides the options, which override the guard-rail).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary><c>NOW()</c>: fixed for the whole query.</summary>
    public long NowSeconds { get; }

    /// <summary>LET bindings by name, in declaration order.</summary>
    public Dictionary<string, Expr> Lets { get; } = new(StringComparer.Ordinal);

    /// <summary>Values of already evaluated scalar subqueries.</summary>
    public Dictionary<SubqueryExpr, object?> Subqueries => _subqueries;

    /// <summary>Nesting of scalar subqueries being executed.</summary>
    public int SubqueryDepth { get; set; }

    /// <summary>Elapsed time since the call started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Resolves a collection, VELES-002 when absent.</summary>
    public Collection Collection(string name) => Database.GetCollection(name);

    /// <summary>The value of <c>$name</c>; VELES-010 when it was not supplied.</summary>
    public object? Parameter(ParameterRef p)
    {
        if (!_parameters.TryGetValue(p.Name, out var value))
        {
            QueryErrors.Execution($"Parameter ${p.Name} is not bound.", $"Pass a value for \"{p.Name}\" in the query parameters.");
        }

        return value;
    }

    /// <summary>True when <c>$name</c> was supplied.</summary>
    public bool HasParameter(string name) => _parameters.ContainsKey(name);

    /// <summary>
    /// Throws the timeout guard-rail once the deadline has passed, and <see cref="OperationCanceledException"/>
    /// once <see cref="QueryOptions.Cancellation"/> is cancelled. Cheap: call it in loops (it looks at
    /// the clock and the token every 256th call).
    /// </summary>
    public void CheckDeadline()
    {
        if ((++_checks & 255) == 0)
        {
            CheckDeadlineNow();
        }
    }

    /// <summary>Checks the cancellation token and the deadline now.</summary>
    public void CheckDeadlineNow()
    {
        Options.Cancellation.ThrowIfCancellationRequested();
        if (Timeout is { } t && _clock.Elapsed > t)
        {
            ThrowTimeout(t);
        }
    }

    private static void ThrowTimeout(TimeSpan t) =>
        QueryErrors.GuardRail($"The query ran past its timeout of {t.TotalMilliseconds:0} ms and was stopped.", "Narrow the query (a filter, a smaller LIMIT) or raise WITH (timeout_ms = …).");

    /// <summary>Evaluates an expression that may not read any row: literals, parameters, NOW(), INTERVAL, arithmetic over those, scalar subqueries.</summary>
    public object? Constant(Expr e) => ExprEvaluator.Evaluate(e, null, Scope.Empty, this);

    /// <summary>Evaluates a dense vector operand (a parameter or a literal).</summary>
    public float[] Vector(Expr e)
    {
        var v = Constant(e);
        return v as float[] ?? QueryErrors.Execution<float[]>(
            $"Expected a dense vector at line {e.Pos.Line}, column {e.Pos.Column}, got {QueryValues.TypeName(v)}.",
            "Bind the parameter to an array of numbers, or write a literal such as [0.1, 0.2].");
    }

    /// <summary>Evaluates a sparse vector operand (a parameter or a literal).</summary>
    public SparseVector Sparse(Expr e)
    {
        if (e is SparseVectorLiteral lit)
        {
            return SparseVector.Create([.. lit.Entries.Select(x => x.Index)], [.. lit.Entries.Select(x => (float)x.Weight)]);
        }

        var v = Constant(e);
        return v as SparseVector ?? QueryErrors.Execution<SparseVector>(
            $"Expected a sparse vector at line {e.Pos.Line}, column {e.Pos.Column}, got {QueryValues.TypeName(v)}.",
            "Bind the parameter to a SparseVector, or JSON {\"indices\": [...], \"values\": [...]}.");
    }

    /// <summary>Evaluates a constant that must be a string.</summary>
    public string String(Expr e, string what)
    {
        var v = e is ColumnRef { Parts.Count: 1 } bare ? bare.Parts[0] : Constant(e);
        return v as string ?? QueryErrors.Execution<string>($"{what} must be a string, got {QueryValues.TypeName(v)}.");
    }

    /// <summary>Evaluates a constant that must be an integer.</summary>
    public long Integer(Expr e, string what)
    {
        var v = Constant(e);
        return v switch
        {
            long l => l,
            double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            _ => QueryErrors.Execution<long>($"{what} must be an integer, got {QueryValues.TypeName(v)}."),
        };
    }

    /// <summary>Evaluates a constant that must be a number.</summary>
    public double Number(Expr e, string what)
    {
        var v = Constant(e);
        return QueryValues.IsNumber(v) ? QueryValues.ToDouble(v) : QueryErrors.Execution<double>($"{what} must be a number, got {QueryValues.TypeName(v)}.");
    }

    /// <summary>Evaluates a constant that must be a boolean.</summary>
    public bool Boolean(Expr e, string what)
    {
        var v = e is ColumnRef { Parts.Count: 1 } bare ? bare.Parts[0].ToLowerInvariant() switch { "true" => true, "false" => false, _ => (object)bare.Parts[0] } : Constant(e);
        return v as bool? ?? QueryErrors.Execution<bool>($"{what} must be TRUE or FALSE, got {QueryValues.TypeName(v)}.");
    }

    /// <summary>The stored vector of a point (cached per query); null when it has none.</summary>
    public float[]? RowVector(Collection collection, ulong id)
    {
        if (!_vectors.TryGetValue((collection, id), out var v))
        {
            var point = collection.Get(id);
            v = point is null || point.Vector.IsEmpty ? null : point.Vector.ToArray();
            _vectors[(collection, id)] = v;
        }

        return v;
    }

    /// <summary>Unknown-option error shared by WITH, ALTER, TRAIN, CREATE, FUSION.</summary>
    public static void UnknownOption(string clause, string key, IEnumerable<string> allowed) =>
        QueryErrors.Execution($"Unknown {clause} option '{key}'.", $"Allowed options: {string.Join(", ", allowed)}.");

    /// <summary>Throws VELES-002 for a missing collection (for callers holding only a name).</summary>
    public static void CollectionNotFound(string name) => ThrowHelper.CollectionNotFound(name);
}
