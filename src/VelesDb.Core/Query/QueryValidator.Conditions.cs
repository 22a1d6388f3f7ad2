using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>Condition-level rules: similarity thresholds (V001–V003), NEAR_FUSED placement (V012) and MATCH anchors (V011).</summary>
internal static partial class QueryValidator
{
    /// <summary>V011: the first node of a WHERE MATCH pattern binds to the FROM rows.</summary>
    /// <param name="graph">The graph predicate.</param>
    /// <param name="anchor">The FROM alias, or the collection name when FROM has no alias.</param>
    /// <param name="collection">The FROM collection name.</param>
    /// <param name="joins">The joins of the block (their names cannot anchor the pattern).</param>
    private static void CheckGraphAnchor(GraphMatchCondition graph, string anchor, string collection, IReadOnlyList<JoinClause> joins)
    {
        var nodes = graph.Pattern.Nodes;
        var first = nodes[0];
        if (first.Collection is not null && !string.Equals(first.Collection, collection, StringComparison.Ordinal))
        {
            QueryErrors.Validation("V011", $"The MATCH anchor names collection '@{first.Collection}', but the query reads FROM '{collection}'.",
                $"Remove '@{first.Collection}' from the first node, or write '@{collection}': the first node always binds to the FROM rows.", first.Pos);
        }

        if (first.Alias is not null && string.Equals(first.Alias, anchor, StringComparison.Ordinal))
        {
            return;
        }

        for (int i = 1; i < nodes.Count; i++)
        {
            if (string.Equals(nodes[i].Alias, anchor, StringComparison.Ordinal))
            {
                QueryErrors.Validation("V011", $"The FROM alias '{anchor}' is node {i + 1} of the MATCH pattern, but the anchor that binds to the FROM rows is the first node.",
                    $"Start the pattern at ({anchor}), reversing the relationship arrows if needed (for example MATCH ({anchor})<-[:R]-(x)).", nodes[i].Pos);
            }
        }

        foreach (var rel in graph.Pattern.Relationships)
        {
            if (string.Equals(rel.Alias, anchor, StringComparison.Ordinal))
            {
                QueryErrors.Validation("V011", $"The FROM alias '{anchor}' names a relationship of the MATCH pattern; the anchor that binds to the FROM rows is the first node.",
                    $"Rename the relationship and start the pattern at ({anchor}).", rel.Pos);
            }
        }

        if (first.Alias is not null)
        {
            foreach (var join in joins)
            {
                if (string.Equals(first.Alias, join.Table.Alias ?? join.Table.Name, StringComparison.Ordinal))
                {
                    QueryErrors.Validation("V011", $"The MATCH anchor ({first.Alias}) names the joined collection '{join.Table.Name}', but the anchor binds to the FROM rows ('{anchor}').",
                        $"Start the pattern at ({anchor}), or give the first node a name that is not declared in JOIN.", first.Pos);
                }
            }
        }
    }

    /// <summary>Walks the value expressions of a condition (similarity() context, arithmetic, subqueries).</summary>
    private static void WalkCondition(Condition condition, in ExprContext ctx)
    {
        switch (condition)
        {
            case AndCondition and:
                WalkCondition(and.Left, ctx);
                WalkCondition(and.Right, ctx);
                break;
            case OrCondition or:
                WalkCondition(or.Left, ctx);
                WalkCondition(or.Right, ctx);
                break;
            case NotCondition not:
                WalkCondition(not.Operand, ctx);
                break;
            case CompareCondition compare:
                WalkExpr(compare.Left, ctx);
                WalkExpr(compare.Right, ctx);
                break;
            case InCondition @in:
                WalkExpr(@in.Operand, ctx);
                WalkExprs(@in.Values, ctx);
                break;
            case BetweenCondition between:
                WalkExpr(between.Operand, ctx);
                WalkExpr(between.Low, ctx);
                WalkExpr(between.High, ctx);
                break;
            case LikeCondition like:
                WalkExpr(like.Operand, ctx);
                WalkExpr(like.Pattern, ctx);
                break;
            case IsNullCondition isNull:
                WalkExpr(isNull.Operand, ctx);
                break;
            case TextMatchCondition text:
                WalkExpr(text.Column, ctx);
                break;
            case ContainsTextCondition containsText:
                WalkExpr(containsText.Column, ctx);
                break;
            case ContainsCondition contains:
                WalkExpr(contains.Column, ctx);
                WalkExprs(contains.Values, ctx);
                break;
            case FunctionCondition function:
                WalkExpr(function.Call, ctx);
                break;
            default:
                // NEAR / SPARSE_NEAR / NEAR_FUSED operands are vectors or parameters, and graph
                // pattern properties are literals or parameters: nothing to walk.
                break;
        }
    }

    /// <summary>Walks each expression of a list.</summary>
    private static void WalkExprs(IReadOnlyList<Expr> exprs, in ExprContext ctx)
    {
        foreach (var e in exprs)
        {
            WalkExpr(e, ctx);
        }
    }

    /// <summary>True when <paramref name="compare"/> is a <c>similarity(field, vec) op value</c> threshold.</summary>
    private static bool IsThreshold(CompareCondition compare) =>
        compare.Left is SimilarityExpr { Field: not null } || compare.Right is SimilarityExpr { Field: not null };

    /// <summary>A threshold and the boolean context it appears in.</summary>
    /// <param name="Condition">The comparison.</param>
    /// <param name="UnderOr">An OR encloses it.</param>
    /// <param name="UnderNot">A NOT encloses it.</param>
    private readonly record struct ThresholdUse(CompareCondition Condition, bool UnderOr, bool UnderNot);

    /// <summary>A NEAR_FUSED predicate and the boolean context it appears in.</summary>
    /// <param name="Condition">The predicate.</param>
    /// <param name="UnderOr">An OR encloses it.</param>
    /// <param name="UnderNot">A NOT encloses it.</param>
    private readonly record struct NearFusedUse(NearFusedCondition Condition, bool UnderOr, bool UnderNot);

    /// <summary>What one WHERE (or HAVING / ON) condition contains, in source order.</summary>
    private sealed class WhereFacts
    {
        /// <summary>Facts of an absent condition.</summary>
        public static readonly WhereFacts Empty = new();

        /// <summary>The similarity thresholds.</summary>
        public List<ThresholdUse> Thresholds { get; } = [];

        /// <summary>The dense NEAR predicates.</summary>
        public List<NearCondition> Near { get; } = [];

        /// <summary>The SPARSE_NEAR predicates.</summary>
        public List<SparseNearCondition> Sparse { get; } = [];

        /// <summary>The NEAR_FUSED predicates.</summary>
        public List<NearFusedUse> NearFused { get; } = [];

        /// <summary>The full-text MATCH predicates.</summary>
        public List<TextMatchCondition> TextMatches { get; } = [];

        /// <summary>The graph MATCH predicates.</summary>
        public List<GraphMatchCondition> GraphMatches { get; } = [];

        /// <summary>The first OR, or null.</summary>
        public OrCondition? FirstOr { get; private set; }

        /// <summary>True when the condition holds any vector search (NEAR, SPARSE_NEAR, NEAR_FUSED or a threshold).</summary>
        public bool HasVectorSearch => Near.Count > 0 || Sparse.Count > 0 || NearFused.Count > 0 || Thresholds.Count > 0;

        /// <summary>Collects the facts of <paramref name="condition"/>.</summary>
        public static WhereFacts Collect(Condition condition)
        {
            var facts = new WhereFacts();
            facts.Visit(condition, false, false);
            return facts;
        }

        /// <summary>Records the predicates of <paramref name="condition"/> in source order with their OR / NOT context.</summary>
        private void Visit(Condition condition, bool underOr, bool underNot)
        {
            switch (condition)
            {
                case AndCondition and:
                    Visit(and.Left, underOr, underNot);
                    Visit(and.Right, underOr, underNot);
                    break;
                case OrCondition or:
                    FirstOr ??= or;
                    Visit(or.Left, true, underNot);
                    Visit(or.Right, true, underNot);
                    break;
                case NotCondition not:
                    Visit(not.Operand, underOr, true);
                    break;
                case CompareCondition compare when IsThreshold(compare):
                    Thresholds.Add(new ThresholdUse(compare, underOr, underNot));
                    break;
                case NearCondition near:
                    Near.Add(near);
                    break;
                case SparseNearCondition sparse:
                    Sparse.Add(sparse);
                    break;
                case NearFusedCondition fused:
                    NearFused.Add(new NearFusedUse(fused, underOr, underNot));
                    break;
                case TextMatchCondition text:
                    TextMatches.Add(text);
                    break;
                case GraphMatchCondition graph:
                    GraphMatches.Add(graph);
                    break;
                default:
                    break;
            }
        }

        /// <summary>Throws the first V001/V002/V003 threshold error, then the first NEAR_FUSED (V012) error.</summary>
        public void Check()
        {
            for (int i = 0; i < Thresholds.Count; i++)
            {
                var t = Thresholds[i];
                if (t.UnderNot)
                {
                    QueryErrors.Validation("V003", "NOT similarity(…) is rejected: negating a similarity threshold needs a full scan of every vector.",
                        "Use a positive threshold instead (for example similarity(vector, $q) < 0.3 rather than NOT similarity(vector, $q) >= 0.3), or filter on metadata.", t.Condition.Pos);
                }

                if (t.UnderOr)
                {
                    QueryErrors.Validation("V002", "A similarity() threshold cannot appear under OR.",
                        "Combine the similarity() threshold with the other conditions using AND, or run the OR branches as separate queries (UNION).", t.Condition.Pos);
                }

                if (i > 0)
                {
                    QueryErrors.Validation("V001", "Only one similarity(field, vector) threshold is allowed per WHERE clause.",
                        "Write a single similarity() threshold and combine the rest with AND.", t.Condition.Pos);
                }
            }

            foreach (var use in NearFused)
            {
                var fused = use.Condition;
                if (use.UnderOr || use.UnderNot)
                {
                    QueryErrors.Validation("V012", $"NEAR_FUSED cannot appear under {(use.UnderNot ? "NOT" : "OR")}: it must be a required (AND-ed) predicate.",
                        "Combine NEAR_FUSED with metadata filters using AND only.", fused.Pos);
                }

                CheckNearFusedOptions(fused);
                if (NearFused.Count > 1 || Near.Count > 0 || Sparse.Count > 0 || Thresholds.Count > 0)
                {
                    QueryErrors.Validation("V012", "NEAR_FUSED must be the only vector predicate of the query; it cannot be combined with NEAR, SPARSE_NEAR, a similarity() threshold or another NEAR_FUSED.",
                        "Put all query vectors in one NEAR_FUSED list (vector NEAR_FUSED [$a, $b]) and combine it with metadata filters only, or use NEAR + SPARSE_NEAR with USING FUSION(…).", fused.Pos);
                }
            }
        }
    }
}
