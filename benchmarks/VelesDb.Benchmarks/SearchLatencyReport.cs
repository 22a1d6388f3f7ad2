using System.Diagnostics;
using System.Globalization;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;

namespace VelesDb.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/VelesDb.Benchmarks -- search-latency [points] [dimension] [queries]</c>:
/// the in-process side of <c>scripts/bench-server.sh</c>. A collection of uniform random vectors
/// in [-1, 1) (default 10,000 × 384, cosine, WAL on: the default durability) is searched with
/// <c>Collection.Search(q, 10)</c> (balanced, payloads on) on one thread; prints p50, p99 and mean
/// latency in microseconds and searches per second, one <c>key=value</c> per line so the script can
/// read them; then the same searches again after <see cref="Collection.ReorderForLocality"/>.
/// </summary>
internal static class SearchLatencyReport
{
    private const int K = 10;
    private const int Warmup = 500;

    public static void Run(int points, int dimension, int queries)
    {
        var directory = Path.Combine(Path.GetTempPath(), "velesdb-bench-search-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            using var db = VelesDatabase.Open(directory);
            var collection = db.CreateCollection("bench", dimension, DistanceMetric.Cosine);
            var rng = new Random(42);
            for (var start = 0; start < points; start += 1000)
            {
                var batch = new List<Point>();
                for (var i = start; i < Math.Min(points, start + 1000); i++)
                {
                    batch.Add(Point.WithJson((ulong)i, RandomVector(rng, dimension), "{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + "}"));
                }

                collection.Upsert(batch);
            }

            var pool = Enumerable.Range(0, 256).Select(_ => RandomVector(rng, dimension)).ToArray();
            for (var i = 0; i < Warmup; i++)
            {
                collection.Search(pool[i % pool.Length], K);
            }

            var (micros, seconds) = Measure(collection, pool, queries);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"points={points} dimension={dimension} queries={queries}"));
            Console.WriteLine(string.Create(inv, $"p50_us={Percentile(micros, 0.50):F1}"));
            Console.WriteLine(string.Create(inv, $"p99_us={Percentile(micros, 0.99):F1}"));
            Console.WriteLine(string.Create(inv, $"mean_us={micros.Average():F1}"));
            Console.WriteLine(string.Create(inv, $"searches_per_s={queries / seconds:F0}"));

            // The same searches after POST {n}/locality/reorder's Core call.
            var moved = collection.ReorderForLocality();
            var (reordered, _) = Measure(collection, pool, queries);
            Console.WriteLine(string.Create(inv, $"reorder_moved_nodes={moved}"));
            Console.WriteLine(string.Create(inv, $"after_reorder_p50_us={Percentile(reordered, 0.50):F1}"));
            Console.WriteLine(string.Create(inv, $"after_reorder_mean_us={reordered.Average():F1}"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Times each search on one thread; the latencies come back sorted, with the total seconds.</summary>
    private static (double[] Micros, double Seconds) Measure(Collection collection, float[][] pool, int queries)
    {
        var micros = new double[queries];
        var total = Stopwatch.StartNew();
        for (var i = 0; i < queries; i++)
        {
            var started = Stopwatch.GetTimestamp();
            collection.Search(pool[i % pool.Length], K);
            micros[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        var seconds = total.Elapsed.TotalSeconds;
        Array.Sort(micros);
        return (micros, seconds);
    }

    private static float[] RandomVector(Random rng, int dimension)
    {
        var v = new float[dimension];
        for (var j = 0; j < dimension; j++)
        {
            v[j] = (float)((rng.NextDouble() * 2) - 1);
        }

        return v;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(p * sorted.Length))];
}
