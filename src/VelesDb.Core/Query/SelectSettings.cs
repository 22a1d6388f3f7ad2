using VelesDb.Core.Search;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>The WITH (…) options of one SELECT (spec §6.7).</summary>
internal sealed class SelectSettings
{
    /// <summary>Default GROUP BY budget.</summary>
    public const int DefaultMaxGroups = 10_000;

    /// <summary>Largest GROUP BY budget.</summary>
    public const int MaxGroupsCeiling = 1_000_000;

    private static readonly string[] Keys =
        ["mode", "quality", "ef_search", "timeout_ms", "rerank", "quantization", "oversampling", "max_groups", "group_limit"];

    /// <summary>Search quality, or null for the collection default (balanced).</summary>
    public SearchQuality? Quality { get; private set; }

    /// <summary>Explicit ef_search, or null.</summary>
    public int? EfSearch { get; private set; }

    /// <summary>Rerank oversampling factor, or null.</summary>
    public int? Oversampling { get; private set; }

    /// <summary>The GROUP BY budget.</summary>
    public int MaxGroups { get; private set; } = DefaultMaxGroups;

    /// <summary>Reads the options; unknown keys and out-of-range values are errors.</summary>
    public static SelectSettings Read(IReadOnlyList<OptionEntry> with, ExecContext ctx)
    {
        var s = new SelectSettings();
        foreach (var o in with)
        {
            switch (o.Key.ToLowerInvariant())
            {
                case "mode" or "quality":
                    s.Quality = ParseMode(ctx.String(o.Value, "WITH mode"));
                    break;
                case "ef_search":
                    {
                        var ef = ctx.Integer(o.Value, "WITH ef_search");
                        if (ef is < 16 or > 4096)
                        {
                            QueryErrors.Execution($"ef_search must be between 16 and 4096, got {ef}.", "Use WITH (ef_search = 128), or a mode such as 'accurate'.");
                        }

                        s.EfSearch = (int)ef;
                        break;
                    }

                case "timeout_ms":
                    {
                        var ms = ctx.Integer(o.Value, "WITH timeout_ms");
                        if (ms < 100)
                        {
                            QueryErrors.Execution($"timeout_ms must be at least 100, got {ms}.", "Use WITH (timeout_ms = 1000).");
                        }

                        ctx.Timeout = TimeSpan.FromMilliseconds(ms);
                        break;
                    }

                case "rerank":
                    if (ctx.Boolean(o.Value, "WITH rerank"))
                    {
                        s.Oversampling ??= 4;
                    }

                    break;
                case "oversampling":
                    {
                        var f = ctx.Number(o.Value, "WITH oversampling");
                        if (f < 1 || f > 64)
                        {
                            QueryErrors.Execution($"oversampling must be between 1 and 64, got {f}.");
                        }

                        s.Oversampling = (int)Math.Ceiling(f);
                        break;
                    }

                case "quantization":
                    {
                        var q = ctx.String(o.Value, "WITH quantization").ToLowerInvariant();
                        switch (q)
                        {
                            case "f32":
                                s.Quality = SearchQuality.Perfect;
                                break;
                            case "int8" or "auto":
                                break;
                            case "dual":
                                s.Oversampling ??= 4;
                                break;
                            default:
                                QueryErrors.Execution($"Unknown quantization '{q}'.", "Use f32, int8, dual or auto.");
                                break;
                        }

                        break;
                    }

                case "max_groups" or "group_limit":
                    {
                        var g = ctx.Integer(o.Value, "WITH " + o.Key);
                        if (g is < 1 or > MaxGroupsCeiling)
                        {
                            QueryErrors.Execution($"{o.Key} must be between 1 and {MaxGroupsCeiling}, got {g}.");
                        }

                        s.MaxGroups = (int)g;
                        break;
                    }

                default:
                    ExecContext.UnknownOption("WITH", o.Key, Keys);
                    break;
            }
        }

        return s;
    }

    /// <summary>The Core search options for these settings, cancelled with the query.</summary>
    public SearchOptions Options(Filtering.Filter? filter, CancellationToken cancellation) => new()
    {
        Cancellation = cancellation,
        Filter = filter,
        Quality = Quality ?? SearchQuality.Balanced,
        EfSearch = EfSearch,
        RescoreOversampling = Oversampling,
        WithPayload = true,
    };

    private static SearchQuality ParseMode(string mode) => mode.ToLowerInvariant() switch
    {
        "autotune" => SearchQuality.Balanced,
        "adaptive" => SearchQuality.Adaptive(64, 1024),
        var m => TryParse(m),
    };

    private static SearchQuality TryParse(string mode)
    {
        try
        {
            return SearchQuality.Parse(mode);
        }
        catch (Errors.VelesDbException e)
        {
            return QueryErrors.Execution<SearchQuality>(e.Message, "Use WITH (mode = 'fast' | 'balanced' | 'accurate' | 'perfect' | 'autotune' | 'adaptive').");
        }
    }
}
