using VelesDb.AnnBench.Datasets;

namespace VelesDb.AnnBench.Engines;

/// <summary>
/// One engine under test. Engines only build and query; recall, percentiles and QPS are computed
/// by the harness from the raw per-query numbers, identically for every engine.
/// </summary>
internal interface IAnnEngine
{
    /// <summary>Engine name in results (<c>velesdb</c>, <c>hnswlib</c>, <c>usearch</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Installs or compiles what the engine needs. Returns null when ready, otherwise the reason
    /// the engine is skipped in this run.
    /// </summary>
    string? Prepare(HarnessEnvironment environment);

    /// <summary>Library/runtime versions for the report (e.g. <c>libhnswlib-dev 0.6.2-2</c>).</summary>
    string Version { get; }

    /// <summary>Builds an index over the base set and runs the queries once per ef.</summary>
    EngineResult Run(BenchCase benchCase);
}

/// <summary>Where the harness keeps its files.</summary>
/// <param name="DataDirectory">Dataset cache, compiled drivers, node modules, scratch.</param>
/// <param name="AssetDirectory">Folder holding <c>native/</c> and <c>node/</c> driver sources (next to the binary).</param>
internal sealed record HarnessEnvironment(string DataDirectory, string AssetDirectory);

/// <summary>One engine × dataset configuration.</summary>
/// <param name="Dataset">The data.</param>
/// <param name="QueryCount">Queries used: the first <c>QueryCount</c> of the query set.</param>
/// <param name="M">HNSW M (usearch connectivity).</param>
/// <param name="EfConstruction">HNSW ef_construction (usearch expansion_add).</param>
/// <param name="Efs">ef_search values to sweep (usearch expansion_search).</param>
/// <param name="K">Neighbours per query.</param>
/// <param name="BuildThreads">Threads for the build.</param>
/// <param name="Repeats">Timed passes per ef; the fastest pass is kept.</param>
/// <param name="Warmup">Untimed queries before each ef.</param>
/// <param name="ScratchDirectory">A private folder the engine may write to.</param>
internal sealed record BenchCase(
    Dataset Dataset,
    int QueryCount,
    int M,
    int EfConstruction,
    IReadOnlyList<int> Efs,
    int K,
    int BuildThreads,
    int Repeats,
    int Warmup,
    string ScratchDirectory);

/// <summary>What an engine measured.</summary>
/// <param name="BuildSeconds">Wall time to build the index over the whole base set.</param>
/// <param name="BuildThreads">Threads the build used.</param>
/// <param name="MemoryBytes">Resident memory the built index added (RSS after minus before the build).</param>
/// <param name="PeakRssBytes">Peak RSS of the engine's process when it runs out of process; null in-process.</param>
/// <param name="Runs">One entry per ef setting.</param>
internal sealed record EngineResult(double BuildSeconds, int BuildThreads, long MemoryBytes, long? PeakRssBytes, IReadOnlyList<EfRun> Runs, long? IndexBytes = null);

/// <summary>Raw results of one ef setting: per-query latency and ids (nearest first, −1 pads).</summary>
/// <param name="Ef">The ef setting.</param>
/// <param name="LatenciesMicroseconds">Latency of each query, in µs.</param>
/// <param name="Ids">QueryCount × K base indexes.</param>
/// <param name="Engine">Engine name for this run's results when it differs from the engine's (velesdb's exact baseline).</param>
/// <param name="BatchSeconds">Time of one single-threaded batch call over all queries, where the engine's per-call overhead makes it worth reporting (usearch).</param>
internal sealed record EfRun(EfSetting Ef, double[] LatenciesMicroseconds, long[] Ids, string? Engine = null, double? BatchSeconds = null);

/// <summary>An ef_search value, or <see cref="Exact"/> for an exact scan.</summary>
internal readonly record struct EfSetting(int Value)
{
    public static EfSetting Exact => new(0);

    public bool IsExact => Value == 0;

    public override string ToString() => IsExact ? "exact" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
