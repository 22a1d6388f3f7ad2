using System.Globalization;
using VelesDb.AnnBench.Datasets;

namespace VelesDb.AnnBench;

/// <summary>Command-line options of the harness. Parse errors throw <see cref="ArgumentException"/>.</summary>
internal sealed class BenchOptions
{
    public const string Usage = """
        VelesDB ANN benchmark harness: recall@k, latency percentiles, single-thread QPS, build time
        and memory of VelesDB against hnswlib and usearch, same data, same parameters, same run.

        dotnet run -c Release --project benchmarks/VelesDb.AnnBench -- [options]

          --dataset clustered|fashion-mnist|all   datasets to run (default clustered)
          --engines velesdb,hnswlib,usearch       engines to run (default these three; velesdb-exact adds
                                                  the brute-force baseline, ef "exact", recall 1.0;
                                                  velesdb-sq8|-binary|-pq|-opq: quantized storage
                                                  modes, codes traversed, 4x candidates re-ranked)
          --m 16                                  HNSW M / usearch connectivity (default 16)
          --ef-construction N                     default 200 for clustered, 500 for fashion-mnist
          --ef 10,20,40,80,120,200,400            ef_search values to sweep
          --k 10                                  neighbours per query (default 10)
          --queries N                             use the first N queries (default all)
          --build-threads N                       build threads for every engine (default: all cores)
          --repeats N                             timed passes per ef, the fastest is kept (default 2)
          --warmup N                              untimed queries before each ef (default 200)
          --data-dir DIR                          dataset cache, compiled drivers, node modules (default benchmarks/data)
          --out DIR                               results, report and plots (default docs/benchmarks;
                                                  with --quick: <data-dir>/quick)
          --quick                                 small smoke run: 20,000 base vectors, 200 queries
          --no-report                             write the JSON lines only
          --report-only                           rewrite ann.md from the stored results and ann-notes.md; run nothing
          --help                                  this text
        """;

    public static readonly string[] AllEngines = ["velesdb", "velesdb-exact", "velesdb-sq8", "velesdb-binary", "velesdb-pq", "velesdb-opq", "hnswlib", "usearch"];
    public static readonly string[] DefaultEngines = ["velesdb", "hnswlib", "usearch"];
    public static readonly string[] AllDatasets = ["clustered", "fashion-mnist"];

    public IReadOnlyList<string> Datasets { get; private set; } = ["clustered"];

    public IReadOnlyList<string> Engines { get; private set; } = DefaultEngines;

    public int M { get; private set; } = 16;

    /// <summary>ef_construction given on the command line; null means the per-dataset default.</summary>
    public int? EfConstruction { get; private set; }

    public IReadOnlyList<int> Efs { get; private set; } = [10, 20, 40, 80, 120, 200, 400];

    public int K { get; private set; } = 10;

    public int? Queries { get; private set; }

    public int BuildThreads { get; private set; } = Environment.ProcessorCount;

    public int Repeats { get; private set; } = 2;

    public int Warmup { get; private set; } = 200;

    public string DataDirectory { get; private set; } = string.Empty;

    public string OutDirectory { get; private set; } = string.Empty;

    public bool Quick { get; private set; }

    public bool Report { get; private set; } = true;

    /// <summary>Regenerate the Markdown report from the stored results (after editing ann-notes.md) without running anything.</summary>
    public bool ReportOnly { get; private set; }

    public bool Help { get; private set; }

    /// <summary>The repository the harness runs in (the folder holding VelesDb.slnx).</summary>
    public string RepositoryRoot { get; private set; } = string.Empty;

    /// <summary>The arguments as given, for the report.</summary>
    public IReadOnlyList<string> Arguments { get; private set; } = [];

    /// <summary>ef_construction for <paramref name="dataset"/>: the given one, else the issue's default.</summary>
    public int EfConstructionFor(string dataset) =>
        EfConstruction ?? (dataset.StartsWith("fashion-mnist", StringComparison.Ordinal) ? 500 : 200);

    public static BenchOptions Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var options = new BenchOptions { Arguments = [.. args], RepositoryRoot = repositoryRoot };
        string? dataDirectory = null;
        string? outDirectory = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"{name} needs a value.");
                }

                return args[++i];
            }

            switch (name)
            {
                case "--dataset":
                    var dataset = Value();
                    options.Datasets = dataset == "all" ? AllDatasets : CheckedList(dataset, AllDatasets, name);
                    break;
                case "--engines":
                    options.Engines = CheckedList(Value(), AllEngines, name);
                    break;
                case "--m":
                    options.M = PositiveInt(Value(), name);
                    break;
                case "--ef-construction":
                    options.EfConstruction = PositiveInt(Value(), name);
                    break;
                case "--ef":
                    options.Efs = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => PositiveInt(v, name))];
                    if (options.Efs.Count == 0)
                    {
                        throw new ArgumentException("--ef needs at least one value.");
                    }

                    break;
                case "--k":
                    options.K = PositiveInt(Value(), name);
                    if (options.K > DatasetCatalog.GroundTruthK)
                    {
                        throw new ArgumentException($"--k {options.K} exceeds the {DatasetCatalog.GroundTruthK} stored ground-truth neighbours.");
                    }

                    break;
                case "--queries":
                    options.Queries = PositiveInt(Value(), name);
                    break;
                case "--build-threads":
                    options.BuildThreads = PositiveInt(Value(), name);
                    break;
                case "--repeats":
                    options.Repeats = PositiveInt(Value(), name);
                    break;
                case "--warmup":
                    var warmup = Value();
                    options.Warmup = int.TryParse(warmup, NumberStyles.None, CultureInfo.InvariantCulture, out var w)
                        ? w
                        : throw new ArgumentException($"--warmup: '{warmup}' is not a non-negative integer.");
                    break;
                case "--data-dir":
                    dataDirectory = Value();
                    break;
                case "--out":
                    outDirectory = Value();
                    break;
                case "--quick":
                    options.Quick = true;
                    break;
                case "--no-report":
                    options.Report = false;
                    break;
                case "--report-only":
                    options.ReportOnly = true;
                    break;
                case "--help" or "-h":
                    options.Help = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        options.DataDirectory = Path.GetFullPath(dataDirectory ?? Path.Combine(repositoryRoot, "benchmarks", "data"));
        options.OutDirectory = Path.GetFullPath(outDirectory ?? (options.Quick
            ? Path.Combine(options.DataDirectory, "quick")
            : Path.Combine(repositoryRoot, "docs", "benchmarks")));
        return options;
    }

    private static string[] CheckedList(string value, string[] allowed, string option)
    {
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var item in items)
        {
            if (Array.IndexOf(allowed, item) < 0)
            {
                throw new ArgumentException($"{option}: unknown value '{item}', expected {string.Join(", ", allowed)}.");
            }
        }

        return items.Length > 0 ? [.. items.Distinct()] : throw new ArgumentException($"{option} needs a value.");
    }

    private static int PositiveInt(string value, string option) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new ArgumentException($"{option}: '{value}' is not a positive integer.");
}
