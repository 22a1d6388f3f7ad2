using System.Globalization;
using BenchmarkDotNet.Running;

namespace VelesDb.Benchmarks;

/// <summary>
/// Entry point. <c>-- --filter '*Distance*'</c> runs BenchmarkDotNet suites;
/// <c>-- scan [rounds]</c> runs the interleaved scan-versus-bandwidth report;
/// <c>-- graph-bfs [output.md]</c> runs the graph traversal report;
/// <c>-- velesql [output.md]</c> runs the VelesQL overhead report;
/// <c>-- search-latency [points] [dimension] [queries]</c> times in-process search (for scripts/bench-server.sh).
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected by the command line.</summary>
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "scan")
        {
            ScanBandwidthReport.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40);
            return;
        }

        if (args.Length > 0 && args[0] == "graph-bfs")
        {
            GraphTraversalReport.Run(args.Length > 1 ? args[1] : "docs/benchmarks/graph-traversal.md");
            return;
        }

        if (args.Length > 0 && args[0] == "velesql")
        {
            QueryOverheadReport.Run(args.Length > 1 ? args[1] : "docs/benchmarks/velesql.md");
            return;
        }

        if (args.Length > 0 && args[0] == "search-latency")
        {
            var inv = CultureInfo.InvariantCulture;
            SearchLatencyReport.Run(
                args.Length > 1 ? int.Parse(args[1], inv) : 10_000,
                args.Length > 2 ? int.Parse(args[2], inv) : 384,
                args.Length > 3 ? int.Parse(args[3], inv) : 5_000);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
