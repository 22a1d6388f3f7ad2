using System.Diagnostics;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Index.Hnsw;
using VelesDb.Core.Quantization;
using VelesDb.Core.Search;
using VelesDb.Core.Storage;

namespace VelesDb.AnnBench.Engines;

/// <summary>
/// VelesDB through its public Core API, in process: the whole adapter is this file, so a change of
/// the collection API is absorbed here. <c>velesdb</c> builds the collection's HNSW index with the
/// run's M / ef_construction (<see cref="HnswParameters"/>) and sweeps ef with
/// <see cref="SearchOptions.EfSearch"/>; <c>velesdb-exact</c> is the brute-force baseline
/// (<see cref="SearchQuality.Perfect"/>, recall 1.0, reported with ef "exact") on the same
/// collection, so selecting both costs one build.
/// </summary>
/// <remarks>
/// Build time is the wall time of <see cref="Collection.Upsert(IReadOnlyList{Point})"/> in batches
/// of <see cref="BatchSize"/> with durability off: the vector store plus the HNSW insertions, which
/// Core runs on all cores (the thread count is not a Core option, so build_threads reports
/// <see cref="Environment.ProcessorCount"/>). Queries run one at a time on this thread; an HNSW
/// search is single-threaded, but the exact scan splits large collections across cores inside
/// Core, so velesdb-exact latencies are NOT single-thread numbers.
/// Tiered JIT: before the first timed ef, queries run untimed for at least
/// <see cref="JitWarmup"/> so the measured code is the tier-1 (PGO) code users get in steady state.
/// </remarks>
internal sealed class VelesDbEngine(bool sweep, bool exact, StorageMode mode = StorageMode.Full, QuantizerType? train = null) : IAnnEngine
{
    public const string ExactName = "velesdb-exact";

    private const int BatchSize = 10_000;
    private static readonly TimeSpan JitWarmup = TimeSpan.FromSeconds(2);

    public string Name => !sweep ? ExactName : train == QuantizerType.OptimizedProductQuantization ? "velesdb-opq" : mode == StorageMode.Full ? "velesdb" : $"velesdb-{mode.ToCanonicalName()}";

    public string Version => $"VelesDb.Core {typeof(Collection).Assembly.GetName().Version} (in process, .NET {Environment.Version})";

    public string? Prepare(HarnessEnvironment environment) => null;

    public EngineResult Run(BenchCase benchCase)
    {
        var dataset = benchCase.Dataset;
        var directory = Path.Combine(benchCase.ScratchDirectory, Name);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        try
        {
            var rssBefore = SettledRss();
            var watch = Stopwatch.StartNew();
            using var database = VelesDatabase.Open(directory, new VelesDatabaseOptions { Durability = DurabilityMode.None });
            var collection = database.CreateCollection(
                "bench",
                dataset.Dimension,
                DistanceMetric.Euclidean,
                train is null ? mode : StorageMode.Full,
                new HnswParameters(benchCase.M, benchCase.EfConstruction));
            for (var start = 0; start < dataset.Count; start += BatchSize)
            {
                var count = Math.Min(BatchSize, dataset.Count - start);
                var points = new Point[count];
                for (var i = 0; i < count; i++)
                {
                    var row = start + i;
                    points[i] = new Point((ulong)row, dataset.Base.AsMemory(row * dataset.Dimension, dataset.Dimension));
                }

                collection.Upsert(points);
            }

            // Quantized modes train themselves on the first batch; OPQ is trained explicitly on all
            // vectors after the load (its time is part of the build).
            if (train is { } type)
            {
                collection.TrainQuantizer(new QuantizerOptions { Type = type });
            }

            var buildSeconds = watch.Elapsed.TotalSeconds;
            var memory = Math.Max(0, SettledRss() - rssBefore);

            var settings = new List<(EfSetting Ef, SearchOptions Options)>();
            if (sweep)
            {
                settings.AddRange(benchCase.Efs.Select(ef => (new EfSetting(ef), new SearchOptions { EfSearch = ef, WithPayload = false })));
            }

            if (exact)
            {
                settings.Add((EfSetting.Exact, new SearchOptions { Quality = SearchQuality.Perfect, WithPayload = false }));
            }

            WarmUpJit(collection, benchCase, settings[0].Options);
            var runs = new List<EfRun>(settings.Count);
            foreach (var (ef, options) in settings)
            {
                var run = Measure(collection, benchCase, ef, options);
                runs.Add(ef.IsExact ? run with { Engine = ExactName } : run);
            }

            return new EngineResult(buildSeconds, Environment.ProcessorCount, memory, null, runs, collection.IndexMemoryBytes);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static void WarmUpJit(Collection collection, BenchCase benchCase, SearchOptions options)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < benchCase.Warmup || watch.Elapsed < JitWarmup; i++)
        {
            collection.Search(benchCase.Dataset.QueryRow(i % benchCase.QueryCount), benchCase.K, options);
        }
    }

    private static EfRun Measure(Collection collection, BenchCase benchCase, EfSetting ef, SearchOptions options)
    {
        var dataset = benchCase.Dataset;
        var queries = benchCase.QueryCount;
        var k = benchCase.K;
        for (var q = 0; q < Math.Min(benchCase.Warmup, queries); q++)
        {
            collection.Search(dataset.QueryRow(q), k, options);
        }

        double[]? bestLatencies = null;
        long[]? bestIds = null;
        var bestTotal = double.MaxValue;
        for (var r = 0; r < benchCase.Repeats; r++)
        {
            var latencies = new double[queries];
            var ids = new long[queries * k];
            Array.Fill(ids, -1L);
            var total = 0.0;
            for (var q = 0; q < queries; q++)
            {
                var start = Stopwatch.GetTimestamp();
                var hits = collection.Search(dataset.QueryRow(q), k, options);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                latencies[q] = elapsed;
                total += elapsed;
                for (var j = 0; j < hits.Count && j < k; j++)
                {
                    ids[(q * k) + j] = (long)hits[j].Id;
                }
            }

            if (total < bestTotal)
            {
                bestTotal = total;
                bestLatencies = latencies;
                bestIds = ids;
            }
        }

        return new EfRun(ef, bestLatencies!, bestIds!);
    }

    /// <summary>Resident set size after a full blocking, compacting collection.</summary>
    private static long SettledRss()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
