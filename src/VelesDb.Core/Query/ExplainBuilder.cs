using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using VelesDb.Core.Distance;
using VelesDb.Core.Filtering;
using VelesDb.VelesQL;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>
/// EXPLAIN: the plan of a SELECT as JSON (REST §2.9 shape: query, query_type, collection, plan steps,
/// estimated_cost, features, cache_hit, plan_reuse_count) plus a text tree. With ANALYZE the query also
/// runs and the actual row count and time are added.
/// </summary>
internal static class ExplainBuilder
{
    /// <summary>The <c>EXPLAIN</c> statement result: one row holding the plan document.</summary>
    public static QueryResult Explain(Statement target, ExecContext ctx) => new("EXPLAIN", [Build(target, ctx, false)]);

    /// <summary>The explain document.</summary>
    public static JsonObject Build(Statement target, ExecContext ctx, bool analyze)
    {
        if (target is not (SelectStatement or CompoundSelectStatement))
        {
            QueryErrors.Execution("EXPLAIN takes a SELECT (or a compound SELECT).", "Write EXPLAIN SELECT …; MATCH statements and DML cannot be explained.");
        }

        var first = target is CompoundSelectStatement c ? c.First : (SelectStatement)target;
        var steps = new List<Step>();
        var cost = new CostEstimate();
        Describe(first, ctx, steps, cost);
        if (target is CompoundSelectStatement compound)
        {
            foreach (var op in compound.Rest)
            {
                Describe(op.Right, ctx, steps, new CostEstimate());
                var what = op.Operator switch
                {
                    SetOperator.Union => "UNION: rows of both sides, deduplicated by point id",
                    SetOperator.UnionAll => "UNION ALL: rows of both sides",
                    SetOperator.Intersect => "INTERSECT: rows whose id is on both sides",
                    _ => "EXCEPT: left rows whose id is not on the right",
                };
                steps.Add(new Step("SetOperation", what, null, null));
            }
        }

        var plan = new JsonArray();
        var tree = new StringBuilder();
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            var o = new JsonObject
            {
                ["step"] = i + 1,
                ["operation"] = s.Operation,
                ["description"] = s.Description,
                ["estimated_rows"] = s.EstimatedRows,
            };
            if (s.Method is not null)
            {
                o["estimation_method"] = s.Method;
            }

            plan.Add((JsonNode)o);
            tree.Append(' ', i * 2).Append(i == 0 ? "" : "└─ ").Append(s.Operation).Append(": ").Append(s.Description).Append('\n');
        }

        var doc = new JsonObject
        {
            ["query"] = ctx.Plan is { } p ? Printer.Print(p.Query) : Printer.Statement(target),
            ["query_type"] = "SELECT",
            ["collection"] = first.From.Name,
            ["plan"] = plan,
            ["estimated_cost"] = new JsonObject
            {
                ["uses_index"] = cost.IndexName is not null || cost.UsesVectorIndex,
                ["index_name"] = cost.IndexName ?? (cost.UsesVectorIndex ? "hnsw" : null),
                ["selectivity"] = cost.Selectivity,
                ["complexity"] = cost.Complexity,
            },
            ["features"] = new JsonObject
            {
                ["has_vector_search"] = SearchPlan.FindVectorSearch(first.Where) is not null,
                ["has_filter"] = first.Where is not null,
                ["has_order_by"] = first.OrderBy.Count > 0,
                ["has_group_by"] = first.GroupBy.Count > 0,
                ["has_aggregation"] = SelectExecutor.HasAggregates(first),
                ["has_join"] = first.Joins.Count > 0,
                ["has_fusion"] = first.Fusion is not null || (first.Where is not null && Predicates.Conjuncts(first.Where).Any(x => x is NearFusedCondition)),
                ["limit"] = first.Limit is { } l ? JsonValue.Create(l) : null,
                ["offset"] = first.Offset is { } off ? JsonValue.Create(off) : null,
            },
            ["cache_hit"] = ctx.PlanCacheHit,
            ["plan_reuse_count"] = ctx.Plan?.ReuseCount ?? 0,
            ["tree"] = tree.ToString(),
        };

        if (analyze)
        {
            var clock = Stopwatch.StartNew();
            var result = SelectExecutor.Execute(target, ctx);
            var ms = clock.Elapsed.TotalMilliseconds;
            doc["actual_time_ms"] = ms;
            doc["actual_stats"] = new JsonObject
            {
                ["actual_rows"] = result.Rows.Count,
                ["actual_time_ms"] = ms,
                ["loops"] = 1,
                ["nodes_visited"] = 0,
                ["edges_traversed"] = 0,
                ["traversal_counters_approximate"] = true,
            };
        }

        return doc;
    }

    private static void Describe(SelectStatement s, ExecContext ctx, List<Step> steps, CostEstimate cost)
    {
        var collection = ctx.Collection(s.From.Name);
        var scope = Scope.For(collection, s.From.Alias);
        foreach (var j in s.Joins)
        {
            scope.AddJoin(j.Table.Alias ?? j.Table.Name, ctx.Collection(j.Table.Name));
        }

        var search = SearchPlan.Create(s, scope, ctx);
        var count = collection.Count;
        var limit = s.Limit is { } l ? (long)l : SelectExecutor.DefaultLimit;
        var access = search.AccessPath;
        var indexed = collection.ListIndexes().ToDictionary(i => i.Field, StringComparer.Ordinal);
        cost.UsesVectorIndex |= search.HasVectorSearch && search.Threshold is null && search.Text is null || search.Near is not null;
        var pushdownFields = search.Where.Pushdown is { } f ? Fields(f.Condition).ToList() : [];
        var indexedField = pushdownFields.FirstOrDefault(indexed.ContainsKey);
        cost.IndexName ??= indexedField is null ? null : "secondary:" + indexedField;
        cost.Selectivity = indexedField is not null && indexed[indexedField].DistinctValues > 0
            ? Math.Round(1.0 / indexed[indexedField].DistinctValues, 6)
            : search.Where.Pushdown is null && search.Where.Residual is null ? 1.0 : 0.5;
        cost.Complexity = search.HasVectorSearch ? "O(log n)" : search.Where.Ids is not null ? "O(k)" : indexedField is not null ? "O(matches)" : "O(n)";

        var description = access switch
        {
            "VectorSearch" => $"HNSW search on '{collection.Name}' for the {limit} nearest ({collection.Metric.ToCanonicalName()})",
            "HybridDenseText" => "HNSW search + BM25 text search, fused (" + (s.Fusion is null ? "weighted RRF" : "USING FUSION") + ")",
            "HybridDenseSparse" => "HNSW search + sparse inverted-index search, fused",
            "SparseSearch" => "sparse inverted-index search",
            "MultiVectorSearch" => "one HNSW search per NEAR_FUSED vector, fused",
            "TextSearch" => "BM25 text search",
            "SimilarityScan" => "exact scan of every vector against the similarity() threshold",
            "IdLookup" => "direct lookup of the ids in WHERE",
            "FilteredScan" => indexedField is null ? "scan in id order with the payload filter" : $"secondary index on '{indexedField}', then the rest of the filter",
            _ => $"scan of '{collection.Name}' in id order",
        };
        steps.Add(new Step(access, description, search.HasVectorSearch ? Math.Min(limit, count) : count, search.HasVectorSearch ? "limit" : "collection_count"));
        if (search.Where.Pushdown is { } pushdown)
        {
            steps.Add(new Step("Filter", "pushed down: " + pushdown.ToJson(), (long)Math.Ceiling(count * cost.Selectivity), indexedField is null ? "heuristic" : "index_cardinality"));
        }

        if (search.Where.Residual is not null)
        {
            steps.Add(new Step("ResidualFilter", "evaluated per row (ids, thresholds, graph patterns, computed values)", null, null));
        }

        foreach (var j in s.Joins)
        {
            steps.Add(new Step("Join", $"{j.Kind.ToString().ToUpperInvariant()} JOIN {j.Table.Name}" + (j.Using is null ? " ON " + Printer.Cond(j.On!) : " USING (" + string.Join(", ", j.Using) + ")"), null, null));
        }

        if (SelectExecutor.HasAggregates(s))
        {
            steps.Add(new Step(search.HasVectorSearch ? "ParentDocumentGroup" : "Aggregate", s.GroupBy.Count == 0 ? "one group" : "GROUP BY " + string.Join(", ", s.GroupBy.Select(g => g.Path)), null, null));
        }

        if (s.Distinct)
        {
            steps.Add(new Step("Distinct", "on the projected columns", null, null));
        }

        if (s.Items.Any(i => i.Expression is WindowExpr))
        {
            steps.Add(new Step("Window", "ROW_NUMBER / RANK / DENSE_RANK", null, null));
        }

        if (s.OrderBy.Count > 0)
        {
            steps.Add(new Step("Sort", string.Join(", ", s.OrderBy.Select(o => Printer.Expr(o.Expression) + (o.Descending ? " DESC" : " ASC"))) + ", ties by id", null, null));
        }

        steps.Add(new Step("Limit", string.Create(CultureInfo.InvariantCulture, $"LIMIT {limit}{(s.Offset is { } off ? $" OFFSET {off}" : "")}"), limit, "limit"));
        steps.Add(new Step("Project", string.Join(", ", s.Items.Select(i => Printer.Expr(i.Expression) + (i.Alias is null ? "" : " AS " + i.Alias))), null, null));
    }

    private static IEnumerable<string> Fields(Filtering.Condition c) => c switch
    {
        FieldCondition f => [f.Field],
        Filtering.AndCondition a => a.Conditions.SelectMany(Fields),
        _ => [],
    };

    private sealed record Step(string Operation, string Description, long? EstimatedRows, string? Method);

    private sealed class CostEstimate
    {
        public string? IndexName { get; set; }

        public bool UsesVectorIndex { get; set; }

        public double Selectivity { get; set; } = 1.0;

        public string Complexity { get; set; } = "O(n)";
    }
}
