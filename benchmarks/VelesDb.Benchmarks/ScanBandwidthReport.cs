using System.Diagnostics;
using System.Globalization;

namespace VelesDb.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/VelesDb.Benchmarks -- scan [rounds]</c>:
/// interleaves the exact scan and the memory-read baseline in one process, round after round,
/// and reports the best and median time of each. On a shared VM the best time is the stable
/// estimate of what the hardware allows; interleaving exposes both to the same neighbours.
/// </summary>
internal static class ScanBandwidthReport
{
    public static void Run(int rounds)
    {
        var bench = new ExactScanBenchmarks { N = 1_000_000 };
        Console.WriteLine($"Building {bench.N:N0} x 128 collection...");
        bench.Setup();
        try
        {
            var scan = new List<double>();
            var baseline = new List<double>();
            var baselinePrefetch = new List<double>();
            for (var warm = 0; warm < 3; warm++)
            {
                bench.ExactSearchTop10();
                bench.MemoryReadBaseline();
            }

            for (var r = 0; r < rounds; r++)
            {
                var sw = Stopwatch.StartNew();
                bench.MemoryReadBaseline();
                baseline.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                bench.MemoryReadPrefetchBaseline();
                baselinePrefetch.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                bench.ExactSearchTop10();
                scan.Add(sw.Elapsed.TotalMilliseconds);
            }

            var gb = bench.Bytes / 1e9;
            scan.Sort();
            baseline.Sort();
            baselinePrefetch.Sort();
            if (baselinePrefetch[0] < baseline[0])
            {
                baseline = baselinePrefetch;
            }
            string Line(string name, List<double> t) => string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {t[0]:F2} | {t[t.Count / 2]:F2} | {gb / (t[0] / 1000):F1} | {gb / (t[t.Count / 2] / 1000):F1} |");
            Console.WriteLine($"{rounds} interleaved rounds, {bench.Bytes:N0} bytes per pass, {Environment.ProcessorCount} threads");
            Console.WriteLine("| | best ms | median ms | best GB/s | median GB/s |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            Console.WriteLine(Line("exact scan, top-10", scan));
            Console.WriteLine(Line("memory read baseline (faster probe)", baseline));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scan / bandwidth: best {baseline[0] / scan[0]:P1}, median {baseline[baseline.Count / 2] / scan[scan.Count / 2]:P1}"));
        }
        finally
        {
            bench.Cleanup();
        }
    }
}
