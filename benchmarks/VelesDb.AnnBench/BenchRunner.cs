using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VelesDb.AnnBench.Datasets;
using VelesDb.AnnBench.Engines;
using VelesDb.AnnBench.Reporting;
using VelesDb.Core.Collections;
using VelesDb.Core.Quantization;

namespace VelesDb.AnnBench;

/// <summary>Runs every selected engine on every selected dataset and writes results and the report.</summary>
internal sealed class BenchRunner(BenchOptions options)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public int Run()
    {
        if (options.ReportOnly)
        {
            Console.Error.WriteLine($"report: {MarkdownReport.Write(options.OutDirectory)}");
            return 0;
        }

        Directory.CreateDirectory(options.DataDirectory);
        Directory.CreateDirectory(options.OutDirectory);
        var environment = new HarnessEnvironment(options.DataDirectory, AppContext.BaseDirectory);
        var machine = MachineProbe.Describe();
        Console.Error.WriteLine($"VelesDB ANN harness on {machine.Cpu}, {machine.Cores} cores, {machine.Simd}; data {options.DataDirectory}; out {options.OutDirectory}");

        var ready = new List<IAnnEngine>();
        var versions = new Dictionary<string, string>();
        var skipped = new Dictionary<string, string>();
        var exactBaseline = options.Engines.Contains(VelesDbEngine.ExactName);
        foreach (var name in options.Engines)
        {
            IAnnEngine? engine = name switch
            {
                "velesdb" => new VelesDbEngine(sweep: true, exact: exactBaseline),
                VelesDbEngine.ExactName => options.Engines.Contains("velesdb") ? null : new VelesDbEngine(sweep: false, exact: true),
                "velesdb-sq8" => new VelesDbEngine(sweep: true, exact: false, StorageMode.SQ8),
                "velesdb-binary" => new VelesDbEngine(sweep: true, exact: false, StorageMode.Binary),
                "velesdb-pq" => new VelesDbEngine(sweep: true, exact: false, StorageMode.ProductQuantization),
                "velesdb-opq" => new VelesDbEngine(sweep: true, exact: false, StorageMode.ProductQuantization, QuantizerType.OptimizedProductQuantization),
                "hnswlib" => new HnswlibEngine(),
                _ => new UsearchEngine(),
            };
            if (engine is null)
            {
                continue;
            }

            Console.Error.WriteLine($"[{name}] preparing ...");
            var reason = engine.Prepare(environment);
            if (reason is null)
            {
                ready.Add(engine);
                versions[name] = engine.Version;
                Console.Error.WriteLine($"[{name}] ready: {versions[name]}");
            }
            else
            {
                skipped[name] = reason;
                Console.Error.WriteLine($"[{name}] SKIPPED: {reason}");
            }
        }

        var failures = 0;
        foreach (var datasetName in options.Datasets)
        {
            try
            {
                failures += RunDataset(datasetName, ready, versions, new Dictionary<string, string>(skipped), machine);
            }
            catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException)
            {
                failures++;
                Console.Error.WriteLine($"[{datasetName}] FAILED: {e.Message}");
            }
        }

        if (options.Report)
        {
            var report = MarkdownReport.Write(options.OutDirectory);
            Console.Error.WriteLine($"report: {report}");
        }

        return failures == 0 && skipped.Count == 0 ? 0 : 1;
    }

    private int RunDataset(string datasetName, List<IAnnEngine> engines, Dictionary<string, string> versions, Dictionary<string, string> skipped, MachineInfo machine)
    {
        var dataset = DatasetCatalog.Load(datasetName, options.Quick, options.DataDirectory);
        var queries = Math.Min(options.Queries ?? dataset.QueryCount, dataset.QueryCount);
        if (options.K > dataset.GroundTruthK)
        {
            throw new InvalidDataException($"k={options.K} exceeds the {dataset.GroundTruthK} ground-truth neighbours cached for {dataset.Name}.");
        }

        var efConstruction = options.EfConstructionFor(datasetName);
        var benchCase = new BenchCase(
            dataset,
            queries,
            options.M,
            efConstruction,
            options.Efs,
            options.K,
            options.BuildThreads,
            options.Repeats,
            Math.Min(options.Warmup, queries),
            Path.Combine(options.DataDirectory, "scratch", dataset.Name));
        Console.Error.WriteLine($"[{dataset.Name}] {dataset.Count:N0} × {dataset.Dimension}, {queries:N0} queries, k={options.K}, M={options.M}, ef_construction={efConstruction}, ef={string.Join(',', options.Efs)}");

        var resultsPath = MarkdownReport.ResultsPath(options.OutDirectory, dataset.Name);
        var records = new List<ResultRecord>();
        var failures = 0;
        using (var results = new StreamWriter(resultsPath, append: false))
        {
            foreach (var engine in engines)
            {
                Console.Error.WriteLine($"[{dataset.Name}] {engine.Name}: building and querying ...");
                var watch = Stopwatch.StartNew();
                EngineResult result;
                try
                {
                    result = engine.Run(benchCase);
                }
                catch (Exception e) when (e is InvalidOperationException or InvalidDataException or IOException or Core.Errors.VelesDbException)
                {
                    failures++;
                    skipped[engine.Name] = $"failed: {e.Message}";
                    Console.Error.WriteLine($"[{dataset.Name}] {engine.Name} FAILED: {e.Message}");
                    continue;
                }

                Console.Error.WriteLine($"[{dataset.Name}] {engine.Name}: built in {result.BuildSeconds:F2} s, total {watch.Elapsed.TotalSeconds:F1} s");
                foreach (var run in result.Runs)
                {
                    var record = ToRecord(run.Engine ?? engine.Name, dataset, benchCase, result, run);
                    var line = JsonSerializer.Serialize(record, AnnJsonContext.Relaxed.ResultRecord);
                    results.WriteLine(line);
                    results.Flush();
                    Console.WriteLine(line);
                    records.Add(record);
                }
            }
        }

        var info = new RunInfo
        {
            Dataset = dataset.Name,
            Command = CommandLine(),
            DateUtc = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant),
            Machine = machine,
            EngineVersions = versions.Where(v => engines.Any(e => e.Name == v.Key)).ToDictionary(),
            Skipped = skipped,
            Notes =
            [
                $"Source: {SourceRevision()}.",
                $"Queries: the first {queries:N0} of {dataset.QueryCount:N0}; best of {options.Repeats} timed passes per ef after {benchCase.Warmup} warm-up queries.",
                $"Build threads requested: {options.BuildThreads} (VelesDB's build uses all {Environment.ProcessorCount} cores; Core has no thread option).",
            ],
        };
        File.WriteAllText(MarkdownReport.RunInfoPath(options.OutDirectory, dataset.Name), JsonSerializer.Serialize(info, AnnJsonContext.Relaxed.RunInfo) + "\n");
        PrintTable(dataset.Name, records);
        return failures;
    }

    private static ResultRecord ToRecord(string engine, Dataset dataset, BenchCase benchCase, EngineResult result, EfRun run)
    {
        var sorted = (double[])run.LatenciesMicroseconds.Clone();
        Array.Sort(sorted);
        var total = sorted.Sum();
        return new ResultRecord
        {
            Engine = engine,
            Dataset = dataset.Name,
            N = dataset.Count,
            Dim = dataset.Dimension,
            Queries = benchCase.QueryCount,
            K = benchCase.K,
            M = benchCase.M,
            EfConstruction = benchCase.EfConstruction,
            Ef = run.Ef,
            BuildSeconds = Math.Round(result.BuildSeconds, 3),
            BuildThreads = result.BuildThreads,
            RecallAt10 = benchCase.K >= 10 ? Math.Round(Metrics.Recall(dataset, benchCase.QueryCount, benchCase.K, run.Ids, 10), 5) : null,
            RecallAtK = Math.Round(Metrics.Recall(dataset, benchCase.QueryCount, benchCase.K, run.Ids, benchCase.K), 5),
            P50Us = Math.Round(Metrics.Percentile(sorted, 50), 2),
            P95Us = Math.Round(Metrics.Percentile(sorted, 95), 2),
            P99Us = Math.Round(Metrics.Percentile(sorted, 99), 2),
            MeanUs = Math.Round(total / sorted.Length, 2),
            QpsSingleThread = Math.Round(sorted.Length / (total / 1e6), 1),
            QpsBatchSingleThread = run.BatchSeconds is > 0 ? Math.Round(sorted.Length / run.BatchSeconds.Value, 1) : null,
            MemoryBytes = result.MemoryBytes,
            PeakRssBytes = result.PeakRssBytes,
            IndexBytes = result.IndexBytes,
        };
    }

    private static void PrintTable(string dataset, List<ResultRecord> records)
    {
        Console.Error.WriteLine();
        Console.Error.WriteLine($"{dataset}:");
        Console.Error.WriteLine($"{"engine",-14} {"ef",6} {"recall@10",9} {"QPS",9} {"p50 us",8} {"p95 us",8} {"p99 us",8} {"build s",8} {"mem MiB",8} {"batch QPS",9}");
        foreach (var r in records)
        {
            Console.Error.WriteLine(string.Create(Invariant, $"{r.Engine,-14} {r.Ef,6} {r.Recall,9:F4} {r.QpsSingleThread,9:F0} {r.P50Us,8:F1} {r.P95Us,8:F1} {r.P99Us,8:F1} {r.BuildSeconds,8:F2} {r.MemoryBytes / (1024.0 * 1024),8:F1} {r.QpsBatchSingleThread,9:F0}"));
        }

        Console.Error.WriteLine();
    }

    /// <summary>The git revision of the repository, marked when the working tree has uncommitted changes.</summary>
    private string SourceRevision()
    {
        var result = Shell.Run("git", ["-C", options.RepositoryRoot, "describe", "--always", "--dirty=-dirty", "--abbrev=10"]);
        return result.Succeeded ? $"commit {result.StandardOutput.Trim()}" : "not a git checkout";
    }

    private string CommandLine()
    {
        var quoted = options.Arguments.Select(a => a.Length == 0 || a.Any(c => char.IsWhiteSpace(c) || "\"'$`\\".Contains(c, StringComparison.Ordinal)) ? $"'{a.Replace("'", "'\\''", StringComparison.Ordinal)}'" : a);
        return $"scripts/bench {string.Join(' ', quoted)}".TrimEnd();
    }
}
