using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>
/// Runs MATCH statements and MATCH predicates (engine spec §5.4). The pattern is matched graph-first
/// inside one collection's edge store by <see cref="PatternMatcher"/>; WHERE is evaluated over the
/// bindings with the shared predicate compiler; rows are deduplicated on their bound aliases, sorted,
/// cut by LIMIT and projected.
/// </summary>
internal static partial class MatchExecutor
{
    /// <summary>The key under which a row carries its relationship bindings.</summary>
    public const string EdgeBindingsKey = "_edge_bindings";

    /// <summary>The computed name of a row's total hop count.</summary>
    public const string DepthKey = "depth";

    /// <summary>The scope name of the first node when it has no alias (not a valid identifier, so it never clashes).</summary>
    private const string AnonymousStart = "(start)";

    /// <summary>Runs a top-level MATCH … RETURN.</summary>
    public static QueryResult Execute(MatchStatement statement, ExecContext ctx)
    {
        var collection = ResolveCollection(ctx);
        var pattern = statement.Pattern;
        CheckPattern(pattern, ctx);
        CheckOrderBy(statement, pattern);
        var matcher = new PatternMatcher(pattern, collection, ctx);
        var binding = new Binding(pattern, matcher, ctx);
        var where = statement.Where is null ? null : binding.CompileWhere(statement.Where);
        var similarity = SimilarityVector(statement, ctx);
        var external = MatchVector(collection, ctx);
        var higherIsBetter = collection.Metric.HigherIsBetter();
        var limit = statement.Limit is { } l ? (long)Math.Min(l, long.MaxValue) : long.MaxValue;

        var rows = new List<MatchRow>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var start in matcher.StartCandidates())
        {
            matcher.Run(start, m =>
            {
                var row = binding.RowOf(m);
                if (similarity is not null)
                {
                    row.Score = ExprEvaluator.SimilarityTo(similarity, row, binding.Scope, ctx);
                }

                binding.Current = m;
                if (where is not null && !where(row))
                {
                    return true;
                }

                var score = row.Score;
                if (external is not null)
                {
                    score = ExprEvaluator.SimilarityTo(external, row, binding.Scope, ctx);
                    if (ctx.Options.MatchThreshold is { } threshold
                        && (score is not { } s || (higherIsBetter ? s < threshold : s > threshold)))
                    {
                        return true;
                    }
                }

                // Anonymous parts of the pattern do not make rows distinct: keep the shortest path.
                var key = binding.DedupeKey(m);
                if (index.TryGetValue(key, out var at))
                {
                    if (m.Depth < rows[at].Match.Depth)
                    {
                        rows[at] = new MatchRow(m, row) { Score = score };
                    }
                }
                else
                {
                    // Rows only grow (duplicates replace), so passing the ceiling is final: stop now.
                    if (rows.Count == QueryOptions.MaxResultRows && limit > QueryOptions.MaxResultRows)
                    {
                        QueryErrors.GuardRail(
                            "The MATCH produces more than 100,000 rows, the result ceiling.",
                            "Add LIMIT (at most 100,000) or narrow the pattern with labels, types or WHERE.");
                    }

                    index[key] = rows.Count;
                    rows.Add(new MatchRow(m, row) { Score = score });
                }

                return true;
            });
        }

        if (statement.OrderBy.Count > 0)
        {
            // ORDER BY may name RETURN aliases, so every row's values are needed before sorting.
            foreach (var r in rows)
            {
                r.Values = binding.ReturnValues(statement.Return, r);
                r.SortKeys = binding.SortKeys(statement.OrderBy, r);
            }
        }

        rows.Sort((a, b) => Compare(a, b, statement.OrderBy));
        var count = (int)Math.Min(rows.Count, limit);
        var result = new List<JsonObject>(count);
        var matches = new List<MatchRowInfo>(count);
        for (var i = 0; i < count; i++)
        {
            var r = rows[i];
            if (statement.OrderBy.Count == 0)
            {
                r.Values = binding.ReturnValues(statement.Return, r);
            }

            result.Add(binding.Project(statement.Return, r));
            matches.Add(new MatchRowInfo(binding.BindingsOf(r.Match), r.Match.Depth, r.Score));
        }

        return new QueryResult("MATCH", result) { Matches = matches };
    }

    /// <summary>The request's <see cref="QueryOptions.MatchVector"/>, checked against the collection; null when none.</summary>
    private static float[]? MatchVector(Collection collection, ExecContext ctx)
    {
        if (ctx.Options.MatchVector is not { } vector)
        {
            if (ctx.Options.MatchThreshold is not null)
            {
                QueryErrors.Execution("A MATCH similarity threshold needs a query vector.", "Give the vector the threshold applies to, or drop the threshold.");
            }

            return null;
        }

        if (!collection.HasVectors)
        {
            QueryErrors.Execution(
                $"Collection '{collection.Name}' stores no vectors, so MATCH rows cannot be scored against a query vector.",
                "Drop the vector, or run the MATCH on a collection with embeddings.");
        }

        if (vector.Length != collection.Dimension)
        {
            QueryErrors.Execution(
                $"The MATCH query vector has dimension {vector.Length}; collection '{collection.Name}' has {collection.Dimension}.",
                $"Send a vector of {collection.Dimension} components.");
        }

        return vector;
    }

    /// <summary>
    /// For <c>SELECT … FROM c WHERE … MATCH pattern</c>: the ids of <paramref name="collection"/>'s points
    /// that can bind the pattern's first node (its labels and property map included) so that the whole
    /// pattern matches.
    /// </summary>
    /// <param name="pattern">The pattern.</param>
    /// <param name="collection">The FROM collection, whose edge store is walked.</param>
    /// <param name="fromAlias">The FROM alias (the anchor is the first node whichever alias it carries; validation V011 checks the binding).</param>
    /// <param name="ctx">The query context.</param>
    public static IReadOnlySet<ulong> AnchorIds(GraphPattern pattern, Collection collection, string? fromAlias, ExecContext ctx)
    {
        CheckPattern(pattern, ctx);
        var matcher = new PatternMatcher(pattern, collection, ctx);
        var anchors = new HashSet<ulong>();
        foreach (var start in matcher.StartCandidates())
        {
            matcher.Run(start, _ =>
            {
                anchors.Add(start);
                return false;
            });
        }

        return anchors;
    }

    private static Collection ResolveCollection(ExecContext ctx)
    {
        var name = ctx.Options.Collection;
        if (string.IsNullOrEmpty(name) && ctx.HasParameter("_collection"))
        {
            name = ctx.Parameter(new ParameterRef(default, "_collection")) as string;
        }

        if (string.IsNullOrEmpty(name))
        {
            QueryErrors.Execution(
                "NO_COLLECTION",
                "MATCH needs a collection: pass QueryOptions.Collection",
                "Set QueryOptions.Collection (\"collection\" in the request body) or bind a \"_collection\" string parameter to the collection whose graph to match.");
        }

        return ctx.Collection(name);
    }

    /// <summary>Runtime checks of a pattern: the traversal depth guard and alias consistency.</summary>
    private static void CheckPattern(GraphPattern pattern, ExecContext ctx)
    {
        var limit = ctx.MaxTraversalDepth;
        foreach (var rel in pattern.Relationships)
        {
            if (rel.Range is { } range && range.Max > limit)
            {
                QueryErrors.GuardRail(
                    $"The relationship at line {rel.Pos.Line}, column {rel.Pos.Column} ranges up to {range.Max} hops, above the traversal depth limit of {limit}.",
                    $"Lower the upper bound of the range (*{Math.Min(range.Min, limit)}..{limit}) or raise QueryOptions.MaxTraversalDepth.");
            }
        }

        var nodeAliases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in pattern.Nodes)
        {
            if (node.Alias is not null)
            {
                nodeAliases.Add(node.Alias);
            }
        }

        var relAliases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rel in pattern.Relationships)
        {
            if (rel.Alias is not null && (nodeAliases.Contains(rel.Alias) || !relAliases.Add(rel.Alias)))
            {
                QueryErrors.Execution(
                    $"The alias '{rel.Alias}' of the relationship at line {rel.Pos.Line}, column {rel.Pos.Column} is already used in the pattern.",
                    "Give every relationship its own alias, different from the node aliases.");
            }
        }
    }

    private static void CheckOrderBy(MatchStatement statement, GraphPattern pattern)
    {
        foreach (var item in statement.OrderBy)
        {
            var bareAlias = item.Expression is ColumnRef { Parts.Count: 1 } c
                && (pattern.Nodes.Any(n => n.Alias == c.Parts[0]) || pattern.Relationships.Any(r => r.Alias == c.Parts[0]));
            if (bareAlias || item.Expression is AggregateExpr)
            {
                throw new VelesDbException(VelesDbErrorCode.GraphNotSupported, $"MATCH cannot ORDER BY {(bareAlias ? "a bare alias" : "an aggregate")} (line {item.Pos.Line}, column {item.Pos.Column}).")
                {
                    Hint = "Order by a property (ORDER BY a.name), depth or similarity().",
                };
            }
        }
    }

    /// <summary>The query vector of the statement's <c>similarity(field, $v)</c> (WHERE first, then ORDER BY), or null.</summary>
    private static float[]? SimilarityVector(MatchStatement statement, ExecContext ctx)
    {
        var found = FindSimilarity(statement.Where);
        foreach (var item in statement.OrderBy)
        {
            found ??= FindSimilarity(item.Expression);
        }

        return found is null ? null : ctx.Vector(found.Vector!);
    }

    private static SimilarityExpr? FindSimilarity(Condition? c) => c switch
    {
        AndCondition a => FindSimilarity(a.Left) ?? FindSimilarity(a.Right),
        OrCondition o => FindSimilarity(o.Left) ?? FindSimilarity(o.Right),
        NotCondition n => FindSimilarity(n.Operand),
        CompareCondition cmp => FindSimilarity(cmp.Left) ?? FindSimilarity(cmp.Right),
        _ => null,
    };

    private static SimilarityExpr? FindSimilarity(Expr e) => e switch
    {
        SimilarityExpr { Vector: not null } s => s,
        BinaryExpr b => FindSimilarity(b.Left) ?? FindSimilarity(b.Right),
        NegateExpr n => FindSimilarity(n.Operand),
        _ => null,
    };

    /// <summary>ORDER BY keys, then the tie-break: the first node's id, the bound ids in pattern order, the edge ids.</summary>
    private static int Compare(MatchRow a, MatchRow b, IReadOnlyList<OrderItem> orderBy)
    {
        for (var i = 0; i < orderBy.Count; i++)
        {
            var c = QueryValues.CompareForSort(a.SortKeys[i], b.SortKeys[i]);
            if (c != 0)
            {
                return orderBy[i].Descending ? -c : c;
            }
        }

        var x = a.Match;
        var y = b.Match;
        for (var i = 0; i < x.Nodes.Length; i++)
        {
            var c = x.Nodes[i].CompareTo(y.Nodes[i]);
            if (c != 0)
            {
                return c;
            }
        }

        for (var i = 0; i < x.Edges.Length; i++)
        {
            var ex = x.Edges[i];
            var ey = y.Edges[i];
            for (var j = 0; j < Math.Min(ex.Length, ey.Length); j++)
            {
                var c = ex[j].Id.CompareTo(ey[j].Id);
                if (c != 0)
                {
                    return c;
                }
            }

            if (ex.Length != ey.Length)
            {
                return ex.Length.CompareTo(ey.Length);
            }
        }

        return 0;
    }

    /// <summary>One result row on its way out: the match, the evaluation row, and the values computed for RETURN and ORDER BY.</summary>
    /// <param name="match">The match.</param>
    /// <param name="row">The row WHERE and ORDER BY see.</param>
    private sealed class MatchRow(GraphMatch match, Row row)
    {
        /// <summary>The match.</summary>
        public GraphMatch Match { get; } = match;

        /// <summary>The row WHERE and ORDER BY see.</summary>
        public Row Row { get; } = row;

        /// <summary>The RETURN values, one per item (null for <c>*</c>).</summary>
        public object?[] Values { get; set; } = [];

        /// <summary>The ORDER BY keys.</summary>
        public object?[] SortKeys { get; set; } = [];

        /// <summary>The row's score (see <see cref="MatchRowInfo.Score"/>).</summary>
        public double? Score { get; init; }
    }
}
