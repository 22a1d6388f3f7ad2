using System.Diagnostics.Metrics;

namespace VelesDb.Core.Diagnostics;

/// <summary>
/// The engine's instruments, on the meter <see cref="MeterName"/> (System.Diagnostics.Metrics; any
/// <see cref="MeterListener"/> or exporter can collect them, Core itself exports nothing).
/// </summary>
public static class CoreMetrics
{
    /// <summary>The name of the engine's meter.</summary>
    public const string MeterName = "VelesDb.Core";

    /// <summary>The bucket bounds (seconds) advised for the WAL fsync histogram: 100 µs to 1 s.</summary>
    private static readonly double[] FsyncBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

    private static readonly Meter EngineMeter = new(MeterName);

    /// <summary>Seconds each fsync of a write-ahead log took (one record per fsync, shared by a group commit).</summary>
    internal static Histogram<double> WalFsyncSeconds { get; } = EngineMeter.CreateHistogram(
        "velesdb_wal_fsync_duration_seconds",
        unit: "s",
        description: "Seconds each fsync of a write-ahead log took.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FsyncBuckets });
}
