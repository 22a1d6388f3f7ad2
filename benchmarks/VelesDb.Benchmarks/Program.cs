using System.Globalization;
using BenchmarkDotNet.Running;

namespace VelesDb.Benchmarks;

/// <summary>
/// Entry point. <c>-- --filter '*Distance*'</c> runs BenchmarkDotNet suites;
/// <c>-- scan [rounds]</c> runs the interleaved scan-versus-bandwidth report;
/// <c>-- graph-bfs [output.md]</c> runs the graph traversal report;
/// <c>-- velesql [output.md]</c> runs the VelesQL overhead report.
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

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
