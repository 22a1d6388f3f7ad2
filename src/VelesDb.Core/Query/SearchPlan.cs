using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Fusion;
using VelesDb.Core.Index.Sparse;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>
/// How a SELECT finds its candidate rows: which search predicates WHERE holds (as top-level AND
/// terms), how they are fused, and the rest of WHERE compiled for pushdown.
/// </summary>
internal sealed class SearchPlan
{
    private const int WideningFactor = 4;

    private SearchPlan(Collection collection, Scope scope)
    {
        Collection = collection;
        Scope = scope;
    }

    /// <summary>The FROM collection.</summary>
    public Collection Collection { get; }

    /// <summary>The SELECT scope.</summary>
    public Scope Scope { get; }

    /// <summary>The dense NEAR term, or null.</summary>
    public NearCondition? Near { get; private set; }

    /// <summary>The SPARSE_NEAR term, or null.</summary>
    public SparseNearCondition? SparseNear { get; private set; }

    /// <summary>The NEAR_FUSED term, or null.</summary>
    public NearFusedCondition? NearFused { get; private set; }

    /// <summary>The text MATCH term, or null.</summary>
    public TextMatchCondition? Text { get; private set; }

    /// <summary>A top-level similarity threshold used to rank when there is no other search, or null.</summary>
    public CompareCondition? Threshold { get; private set; }

    /// <summary>USING FUSION options (null when absent).</summary>
    public IReadOnlyList<OptionEntry>? Fusion { get; private set; }

    /// <summary>The WHERE clause without the search terms.</summary>
    public CompiledWhere Where { get; private set; } = CompiledWhere.All;

    /// <summary>True when candidates come from a vector, sparse or text search (rows carry scores).</summary>
    public bool HasVectorSearch => Near is not null || SparseNear is not null || NearFused is not null || Text is not null || Threshold is not null;

    /// <summary>Whether higher scores rank first for the plan's headline score.</summary>
    public bool HigherIsBetter => (Near is null && NearFused is null && Threshold is null) || SparseNear is not null || Text is not null || Collection.Metric.HigherIsBetter();

    /// <summary>A short name of the access path (EXPLAIN).</summary>
    public string AccessPath => (Near, SparseNear, NearFused, Text, Threshold) switch
    {
        (not null, not null, _, _, _) => "HybridDenseSparse",
        (not null, _, _, not null, _) => "HybridDenseText",
        (not null, _, _, _, _) => "VectorSearch",
        (_, not null, _, _, _) => "SparseSearch",
        (_, _, not null, _, _) => "MultiVectorSearch",
        (_, _, _, not null, _) => "TextSearch",
        (_, _, _, _, not null) => "SimilarityScan",
        _ => Where.Ids is not null ? "IdLookup" : Where.Pushdown is not null ? "FilteredScan" : "FullScan",
    };

    /// <summary>The first vector-search term (NEAR, SPARSE_NEAR, NEAR_FUSED) among the top-level conjuncts of a WHERE.</summary>
    public static Condition? FindVectorSearch(Condition? where) =>
        where is null ? null : Predicates.Conjuncts(where).FirstOrDefault(c => c is NearCondition or SparseNearCondition or NearFusedCondition);

    /// <summary>Analyses a SELECT's WHERE.</summary>
    public static SearchPlan Create(SelectStatement s, Scope scope, ExecContext ctx)
    {
        var plan = new SearchPlan(scope.Primary!, scope) { Fusion = s.Fusion };
        if (s.Where is not null)
        {
            foreach (var c in Predicates.Conjuncts(s.Where))
            {
                switch (c)
                {
                    case NearCondition n:
                        plan.Near = plan.Near is null ? n : Duplicate<NearCondition>("NEAR");
                        break;
                    case SparseNearCondition sn:
                        plan.SparseNear = plan.SparseNear is null ? sn : Duplicate<SparseNearCondition>("SPARSE_NEAR");
                        break;
                    case NearFusedCondition nf:
                        plan.NearFused = plan.NearFused is null ? nf : Duplicate<NearFusedCondition>("NEAR_FUSED");
                        break;
                    case TextMatchCondition t:
                        plan.Text = plan.Text is null ? t : Duplicate<TextMatchCondition>("text MATCH");
                        break;
                }
            }

            if (plan.Near is null && plan.SparseNear is null && plan.NearFused is null && plan.Text is null)
            {
                plan.Threshold = Predicates.Conjuncts(s.Where).OfType<CompareCondition>()
                    .FirstOrDefault(c => c.Left is SimilarityExpr { Vector: not null } || c.Right is SimilarityExpr { Vector: not null });
            }

            if (plan.NearFused is not null && (plan.Near is not null || plan.SparseNear is not null || plan.Text is not null))
            {
                QueryErrors.Validation("V012", "NEAR_FUSED must be the only vector predicate.", "Drop the other NEAR / SPARSE_NEAR / MATCH term, or put its vector into the NEAR_FUSED list.", plan.NearFused.Pos);
            }

            if (plan.HasVectorSearch && plan.Threshold is null && !plan.Collection.HasVectors && (plan.Near ?? (Condition?)plan.NearFused) is not null)
            {
                QueryErrors.Execution($"Collection '{plan.Collection.Name}' has no vectors, so NEAR cannot run on it.", "Use a vector collection, or filter with WHERE only.");
            }
        }

        var handled = new HashSet<Condition>(ReferenceEqualityComparer.Instance);
        foreach (var c in new Condition?[] { plan.Near, plan.SparseNear, plan.NearFused, plan.Text, plan.Threshold })
        {
            if (c is not null)
            {
                handled.Add(c);
            }
        }

        plan.Where = Predicates.Split(s.Where, scope, ctx, handled.Contains);
        return plan;
    }

    private static T Duplicate<T>(string what) =>
        QueryErrors.Execution<T>($"WHERE holds more than one {what} term.", $"Keep one {what}; to search with several vectors use NEAR_FUSED [$a, $b].");

    /// <summary>
    /// The candidate rows: at least <paramref name="need"/> of them when that many match. Searches rank
    /// by score (best first, ties by id); scans come in ascending id order and stop early when
    /// <paramref name="streaming"/> (nothing downstream needs more than <paramref name="need"/> rows).
    /// </summary>
    public List<Row> Fetch(int need, bool streaming, SelectSettings settings, ExecContext ctx)
    {
        var joins = Scope.Joined.Count > 0;
        if (!HasVectorSearch)
        {
            var scanned = RowSource.Enumerate(Collection, joins ? CompiledWhere.All : Where, ctx);
            return streaming ? [.. scanned.Take(need)] : [.. scanned];
        }

        if (need == 0)
        {
            return [];
        }

        if (Threshold is not null)
        {
            return SimilarityScan(ctx);
        }

        // A search returns its top-k of the pushed-down filter; the residual WHERE may drop some of
        // them, so widen k until enough survive or the collection is exhausted.
        var filter = joins ? null : Where.Pushdown;
        var k = need;
        while (true)
        {
            ctx.CheckDeadlineNow();
            var rows = Search(k, filter, settings, ctx);
            var exhausted = rows.Count < k || k >= Collection.MaxTopK;
            if (!joins && (Where.Residual is not null || Where.Ids is not null))
            {
                rows = rows.FindAll(Where.Matches);
            }

            if (rows.Count >= need || exhausted)
            {
                return rows;
            }

            k = (int)Math.Min(Collection.MaxTopK, (long)k * WideningFactor);
        }
    }

    private List<Row> Search(int k, Filtering.Filter? filter, SelectSettings settings, ExecContext ctx)
    {
        var options = settings.Options(filter, ctx.Options.Cancellation);
        List<Row> rows;
        if (Near is not null && Text is not null)
        {
            rows = DenseText(k, options, ctx);
        }
        else if (Near is not null && SparseNear is not null)
        {
            rows = DenseSparse(k, options, ctx);
        }
        else if (Near is not null)
        {
            rows = Scored(Collection.Search(ctx.Vector(Near.Vector), k, options), static (r, s) => r.VectorScore = s);
        }
        else if (SparseNear is not null)
        {
            rows = Scored(Collection.SparseSearch(ctx.Sparse(SparseNear.Vector), k, SparseNear.IndexName ?? "", filter, cancellation: options.Cancellation), static (r, s) => r.SparseScore = s);
        }
        else if (NearFused is not null)
        {
            var vectors = NearFused.Vectors.Select(ctx.Vector).ToArray();
            var fused = Collection.MultiQuerySearch(vectors, k, NearFusedStrategy(ctx), options);
            rows = Scored(fused, static (r, s) => r.FusedScore = s);
        }
        else
        {
            rows = Scored(Collection.TextSearch(ctx.String(Text!.Query, "The MATCH text"), k, filter, cancellation: options.Cancellation), static (r, s) => r.Bm25Score = s);
        }

        SortByScore(rows);
        return rows;
    }

    private FusionStrategy NearFusedStrategy(ExecContext ctx)
    {
        var k = FusionStrategy.DefaultK;
        foreach (var p in NearFused!.Parameters)
        {
            if (!p.Key.Equals("k", StringComparison.OrdinalIgnoreCase))
            {
                ExecContext.UnknownOption("NEAR_FUSED FUSION", p.Key, ["k"]);
            }

            k = (int)ctx.Integer(p.Value, "FUSION k");
        }

        return (NearFused.Strategy ?? "rrf").ToLowerInvariant() switch
        {
            "rrf" => FusionStrategy.Rrf(k),
            "average" => FusionStrategy.Average(),
            "maximum" => FusionStrategy.Maximum(),
            var other => QueryErrors.Execution<FusionStrategy>($"NEAR_FUSED cannot fuse with '{other}'.", "Use USING FUSION 'rrf', 'average' or 'maximum'."),
        };
    }

    private static List<Row> Scored(IReadOnlyList<SearchResult> hits, Action<Row, double> component)
    {
        var rows = new List<Row>(hits.Count);
        foreach (var h in hits)
        {
            var row = new Row(new SourceRow(h.Id, h.Payload)) { Score = h.Score };
            component(row, h.Score);
            rows.Add(row);
        }

        return rows;
    }

    private void SortByScore(List<Row> rows)
    {
        var higher = HigherIsBetter;
        rows.Sort((a, b) =>
        {
            var c = (a.Score ?? 0).CompareTo(b.Score ?? 0);
            return c != 0 ? (higher ? -c : c) : a.SortId.CompareTo(b.SortId);
        });
    }

    /// <summary>Reads the USING FUSION options into a strategy name and its parameters.</summary>
    private FusionOptions ReadFusion(ExecContext ctx)
    {
        var f = new FusionOptions();
        foreach (var o in Fusion ?? [])
        {
            switch (o.Key.ToLowerInvariant())
            {
                case "strategy": f.Strategy = ctx.String(o.Value, "FUSION strategy").ToLowerInvariant(); break;
                case "k": f.K = (int)ctx.Integer(o.Value, "FUSION k"); break;
                case "vector_weight": f.VectorWeight = ctx.Number(o.Value, "vector_weight"); break;
                case "graph_weight": f.GraphWeight = ctx.Number(o.Value, "graph_weight"); break;
                case "dense_weight" or "dense_w": f.DenseWeight = ctx.Number(o.Value, o.Key); break;
                case "sparse_weight" or "sparse_w": f.SparseWeight = ctx.Number(o.Value, o.Key); break;
                default:
                    ExecContext.UnknownOption("USING FUSION", o.Key, ["strategy", "k", "vector_weight", "graph_weight", "dense_weight", "sparse_weight"]);
                    break;
            }
        }

        if (f.Strategy == "relative_score")
        {
            f.Strategy = "rsf";
        }

        return f;
    }

    private List<Row> DenseText(int k, Search.SearchOptions options, ExecContext ctx)
    {
        var fusion = ReadFusion(ctx);
        var fetch = (int)Math.Min(Math.Max(2L * k, k + 10L), Collection.MaxTopK);
        var dense = Collection.Search(ctx.Vector(Near!.Vector), fetch, options with { WithPayload = false });
        var text = Collection.TextSearch(ctx.String(Text!.Query, "The MATCH text"), fetch, options.Filter, withPayload: false, options.Cancellation);
        var denseIds = ToScored(dense, Collection.Metric.HigherIsBetter());
        var textIds = ToScored(text, true);
        IReadOnlyList<(ulong Id, double Score, double V, double T)> fused;
        switch (fusion.Strategy)
        {
            case "rrf" or "weighted":
                {
                    var w = fusion.Strategy == "weighted"
                        ? (fusion.VectorWeight ?? 0.5) / ((fusion.VectorWeight ?? 0.5) + (fusion.GraphWeight ?? 0.5))
                        : fusion.VectorWeight ?? HybridFusion.DefaultVectorWeight;
                    fused = [.. HybridFusion.WeightedRrf(denseIds, textIds, (float)Math.Clamp(w, 0, 1), fusion.K, k).Select(h => (h.Id, (double)h.Score, (double)h.VectorScore, (double)h.TextScore))];
                    break;
                }

            default:
                fused = FuseLists(fusion, denseIds, textIds, k);
                break;
        }

        return Hydrate(fused, static (r, v, t) =>
        {
            r.VectorScore = v;
            r.Bm25Score = t;
        });
    }

    private List<Row> DenseSparse(int k, Search.SearchOptions options, ExecContext ctx)
    {
        var fusion = ReadFusion(ctx);
        var fetch = (int)Math.Min(Math.Max(2L * k, k + 10L), Collection.MaxTopK);
        var dense = Collection.Search(ctx.Vector(Near!.Vector), fetch, options with { WithPayload = false });
        var sparse = Collection.SparseSearch(ctx.Sparse(SparseNear!.Vector), fetch, SparseNear.IndexName ?? "", options.Filter, withPayload: false, options.Cancellation);
        var fused = FuseLists(fusion, ToScored(dense, Collection.Metric.HigherIsBetter()), ToScored(sparse, true), k);
        return Hydrate(fused, static (r, v, s) =>
        {
            r.VectorScore = v;
            r.SparseScore = s;
        });
    }

    /// <summary>Fuses two ranked lists with a Core strategy and keeps each side's raw score.</summary>
    private static List<(ulong Id, double Score, double A, double B)> FuseLists(FusionOptions fusion, IReadOnlyList<ScoredId> a, IReadOnlyList<ScoredId> b, int k)
    {
        var dw = fusion.DenseWeight ?? (fusion.SparseWeight is { } sw0 ? 1 - sw0 : 0.5);
        var sw = fusion.SparseWeight ?? (1 - dw);
        FusionStrategy strategy = fusion.Strategy switch
        {
            "rrf" => FusionStrategy.Rrf(fusion.K),
            "average" => FusionStrategy.Average(),
            "maximum" => FusionStrategy.Maximum(),
            "rsf" => FusionStrategy.RelativeScore((float)dw, (float)sw),
            "weighted" => FusionStrategy.WeightedRrf([(float)dw, (float)sw], fusion.K),
            var other => QueryErrors.Execution<FusionStrategy>($"Unknown fusion strategy '{other}'.", "Use rrf, weighted, maximum, average or rsf."),
        };
        var aScores = a.GroupBy(x => x.Id).ToDictionary(g => g.Key, g => g.First().Score);
        var bScores = b.GroupBy(x => x.Id).ToDictionary(g => g.Key, g => g.First().Score);
        return [.. strategy.Fuse([a, b], k).Select(h => (h.Id, (double)h.Score, aScores.TryGetValue(h.Id, out var x) ? x : 0, bScores.TryGetValue(h.Id, out var y) ? y : 0))];
    }

    /// <summary>Search hits as fusion input (higher is better: distances are negated).</summary>
    private static List<ScoredId> ToScored(IReadOnlyList<SearchResult> hits, bool higherIsBetter) =>
        [.. hits.Select(h => new ScoredId(h.Id, higherIsBetter ? h.Score : -h.Score))];

    private List<Row> Hydrate(IReadOnlyList<(ulong Id, double Score, double A, double B)> fused, Action<Row, double, double> components)
    {
        var points = Collection.Get([.. fused.Select(f => f.Id)]);
        var rows = new List<Row>(fused.Count);
        for (var i = 0; i < fused.Count; i++)
        {
            if (points[i] is { } p)
            {
                var row = new Row(new SourceRow(p.Id, p.Payload)) { Score = fused[i].Score, FusedScore = fused[i].Score };
                components(row, fused[i].A, fused[i].B);
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>
    /// A similarity threshold without NEAR: an exact scan of every vector that passes the pushed-down
    /// filter, keeping all that meet the threshold, best first.
    /// </summary>
    private List<Row> SimilarityScan(ExecContext ctx)
    {
        var (sim, op, bound) = Threshold!.Left is SimilarityExpr s ? (s, Threshold.Op, Threshold.Right) : ((SimilarityExpr)Threshold.Right, Predicates.Flip(Threshold.Op), Threshold.Left);
        var query = ctx.Vector(sim.Vector!);
        if (query.Length != Collection.Dimension)
        {
            QueryErrors.Execution($"The similarity() vector has dimension {query.Length}; collection '{Collection.Name}' has {Collection.Dimension}.");
        }

        var t = ctx.Number(bound, "A similarity() threshold");
        var effective = Predicates.ThresholdOp(op, Scope);
        var rows = new List<Row>();
        ulong? cursor = null;
        do
        {
            ctx.CheckDeadlineNow();
            var page = Collection.Scroll(cursor, 1_024, Scope.Joined.Count > 0 ? null : Where.Pushdown);
            foreach (var p in page.Points)
            {
                ctx.CheckDeadline();
                if (p.Vector.IsEmpty)
                {
                    continue;
                }

                double score = DistanceMetrics.Score(Collection.Metric, p.Vector.Span, query);
                if (Predicates.OrderMatches(effective, score.CompareTo(t)))
                {
                    var row = new Row(new SourceRow(p.Id, p.Payload)) { Score = score, VectorScore = score };
                    if (Scope.Joined.Count > 0 || Where.Matches(row))
                    {
                        rows.Add(row);
                    }
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);
        SortByScore(rows);
        return rows;
    }

    private sealed class FusionOptions
    {
        public string Strategy { get; set; } = "rrf";

        public int K { get; set; } = FusionStrategy.DefaultK;

        public double? VectorWeight { get; set; }

        public double? GraphWeight { get; set; }

        public double? DenseWeight { get; set; }

        public double? SparseWeight { get; set; }
    }
}
