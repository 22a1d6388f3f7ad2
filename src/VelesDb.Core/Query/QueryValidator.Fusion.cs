using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>V012: the <c>USING FUSION(…)</c> clause and the inline NEAR_FUSED strategy.</summary>
internal static partial class QueryValidator
{
    /// <summary>The accepted absolute error of RSF weights summing to 1.</summary>
    public const double RsfWeightTolerance = 0.001;

    /// <summary>The strategies USING FUSION accepts (spec §6.8).</summary>
    private static readonly string[] FusionStrategies = ["rrf", "weighted", "maximum", "average", "rsf", "relative_score"];

    /// <summary>The strategies NEAR_FUSED accepts (spec §6.4).</summary>
    private static readonly string[] NearFusedStrategies = ["rrf", "average", "maximum"];

    /// <summary>Every accepted USING FUSION key, mapped to its canonical name.</summary>
    private static readonly Dictionary<string, string> FusionKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        ["strategy"] = "strategy",
        ["k"] = "k",
        ["vector_weight"] = "vector_weight",
        ["graph_weight"] = "graph_weight",
        ["dense_weight"] = "dense_weight",
        ["dense_w"] = "dense_weight",
        ["sparse_weight"] = "sparse_weight",
        ["sparse_w"] = "sparse_weight",
    };

    /// <summary>The hint for a USING FUSION clause without two fusable branches.</summary>
    private const string FusionHint = "Combine vector NEAR $q with a text MATCH (body MATCH 'words') or vector SPARSE_NEAR $s in WHERE, use vector NEAR_FUSED [$a, $b], or remove USING FUSION.";

    /// <summary>Checks the trailing <c>USING FUSION</c> clause of <paramref name="select"/>.</summary>
    private static void CheckFusion(SelectStatement select, WhereFacts facts)
    {
        if (select.Fusion is null)
        {
            return;
        }

        bool fusable = facts.NearFused.Count > 0 || (facts.Near.Count > 0 && (facts.TextMatches.Count > 0 || facts.Sparse.Count > 0));
        if (!fusable)
        {
            string found = facts.Near.Count > 0 ? "only a vector NEAR branch"
                : facts.Sparse.Count > 0 ? "only a SPARSE_NEAR branch without vector NEAR"
                : facts.TextMatches.Count > 0 ? "only a text MATCH branch without vector NEAR"
                : "no ranked search branch";
            QueryErrors.Validation("V012", $"USING FUSION needs at least two ranked branches to fuse, but the query has {found}.", FusionHint, select.Pos);
        }

        var seen = new Dictionary<string, OptionEntry>(StringComparer.Ordinal);
        string? strategy = null;
        double? dense = null;
        double? sparse = null;
        foreach (var option in select.Fusion)
        {
            if (!FusionKeys.TryGetValue(option.Key, out var key))
            {
                QueryErrors.Validation("V012", $"Unknown USING FUSION option '{option.Key}'.",
                    "Use only strategy, k, vector_weight, graph_weight, dense_weight (or dense_w) and sparse_weight (or sparse_w).", option.Pos);
            }

            if (!seen.TryAdd(key, option))
            {
                QueryErrors.Validation("V012", $"USING FUSION sets '{key}' twice ('{seen[key].Key}' and '{option.Key}').",
                    $"Give '{key}' once.", option.Pos);
            }

            switch (key)
            {
                case "strategy":
                    strategy = FusionStrategy(option, FusionStrategies, "USING FUSION");
                    break;
                case "k":
                    CheckFusionK(option, "USING FUSION");
                    break;
                default:
                    double? weight = FusionWeight(option);
                    if (key == "dense_weight")
                    {
                        dense = weight;
                    }
                    else if (key == "sparse_weight")
                    {
                        sparse = weight;
                    }

                    break;
            }
        }

        if (facts.NearFused.Count > 0 && strategy is not null && !NearFusedStrategies.Contains(strategy))
        {
            QueryErrors.Validation("V012", $"NEAR_FUSED cannot be fused with the '{strategy}' strategy.",
                "Use strategy 'rrf', 'average' or 'maximum' with NEAR_FUSED, or use NEAR + SPARSE_NEAR for weighted or RSF fusion.", seen["strategy"].Pos);
        }

        if (strategy is "rsf" or "relative_score")
        {
            CheckRsfWeights(seen, dense, sparse);
        }
    }

    /// <summary>RSF weights: both given must sum to 1 (± <see cref="RsfWeightTolerance"/>); one given leaves 1 − it for the other, which must not be negative.</summary>
    private static void CheckRsfWeights(Dictionary<string, OptionEntry> seen, double? dense, double? sparse)
    {
        if (dense is { } d && sparse is { } s)
        {
            if (Math.Abs(d + s - 1) > RsfWeightTolerance)
            {
                QueryErrors.Validation("V012", $"RSF weights must sum to 1, but dense_weight + sparse_weight = {d + s:0.###}.",
                    $"Choose weights that add up to 1, for example dense_weight = {d / (d + s):0.###}, sparse_weight = {s / (d + s):0.###}.", seen["dense_weight"].Pos);
            }
        }
        else if ((dense ?? sparse) is { } one && one > 1 + RsfWeightTolerance)
        {
            var given = dense is not null ? seen["dense_weight"] : seen["sparse_weight"];
            string other = dense is not null ? "sparse_weight" : "dense_weight";
            QueryErrors.Validation("V012", $"RSF weight {given.Key} = {one:0.###} leaves {other} = 1 - {one:0.###}, which is negative.",
                "RSF weights must be between 0 and 1 and sum to 1: lower the weight or give both dense_weight and sparse_weight.", given.Pos);
        }
    }

    /// <summary>Checks the inline <c>USING FUSION 'strategy' (k = …)</c> of a NEAR_FUSED predicate.</summary>
    private static void CheckNearFusedOptions(NearFusedCondition fused)
    {
        if (fused.Strategy is not null)
        {
            string strategy = fused.Strategy.ToLowerInvariant();
            if (!NearFusedStrategies.Contains(strategy))
            {
                string known = FusionStrategies.Contains(strategy) ? $"NEAR_FUSED does not support the '{fused.Strategy}' strategy." : $"Unknown NEAR_FUSED strategy '{fused.Strategy}'.";
                QueryErrors.Validation("V012", known,
                    "Use USING FUSION 'rrf', 'average' or 'maximum' with NEAR_FUSED; weighted and RSF fusion need NEAR + SPARSE_NEAR with USING FUSION(…).", fused.Pos);
            }
        }

        foreach (var option in fused.Parameters)
        {
            if (!string.Equals(option.Key, "k", StringComparison.OrdinalIgnoreCase))
            {
                QueryErrors.Validation("V012", $"Unknown NEAR_FUSED fusion parameter '{option.Key}'.",
                    "NEAR_FUSED accepts only k, for example USING FUSION 'rrf' (k = 60).", option.Pos);
            }

            CheckFusionK(option, "NEAR_FUSED");
        }
    }

    /// <summary>Returns the lower-cased strategy of <paramref name="option"/>, or null for a parameter.</summary>
    private static string? FusionStrategy(OptionEntry option, string[] allowed, string where)
    {
        string? name = option.Value switch
        {
            StringLiteral s => s.Value,
            ColumnRef { Parts.Count: 1 } c => c.Parts[0],
            _ => null,
        };
        if (name is null)
        {
            if (option.Value is ParameterRef)
            {
                return null;
            }

            QueryErrors.Validation("V012", $"{where} strategy must be a name such as 'rrf'.",
                $"Write strategy = '{allowed[0]}' (one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}).", option.Pos);
        }

        string lower = name!.ToLowerInvariant();
        if (!allowed.Contains(lower))
        {
            QueryErrors.Validation("V012", $"Unknown {where} strategy '{name}'.",
                $"Use one of {string.Join(", ", allowed.Select(a => $"'{a}'"))}.", option.Pos);
        }

        return lower;
    }

    /// <summary>Checks that the RRF constant k is an integer of at least 1 (or a parameter).</summary>
    private static void CheckFusionK(OptionEntry option, string where)
    {
        switch (option.Value)
        {
            case ParameterRef:
                return;
            case IntegerLiteral i when i.Value >= 1:
                return;
            default:
                QueryErrors.Validation("V012", $"{where} k must be an integer of at least 1.",
                    "Write k = 60 (the usual RRF constant) or another positive integer.", option.Pos);
                return;
        }
    }

    /// <summary>Returns the weight of <paramref name="option"/> (null for a parameter); negative or non-numeric weights are V012.</summary>
    private static double? FusionWeight(OptionEntry option)
    {
        double? weight = option.Value switch
        {
            IntegerLiteral i => (double)i.Value,
            FloatLiteral f => f.Value,
            _ => null,
        };
        if (weight is null)
        {
            if (option.Value is ParameterRef)
            {
                return null;
            }

            QueryErrors.Validation("V012", $"USING FUSION {option.Key} must be a number.",
                $"Write {option.Key} = 0.5 (a number between 0 and 1).", option.Pos);
        }

        if (weight < 0)
        {
            QueryErrors.Validation("V012", $"USING FUSION {option.Key} = {weight} is negative.",
                $"Fusion weights must be 0 or more: write {option.Key} = 0 or a positive number.", option.Pos);
        }

        return weight;
    }
}
