using System.Numerics;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Index.Hnsw;
using VelesDb.Core.Search;
using VelesDb.Core.Storage;

namespace VelesDb.Benchmarks;

/// <summary>
/// Single-query exact (brute-force) scan over N×128 float32 vectors, against the machine's memory
/// read bandwidth measured in the same run over the same number of bytes with the same number of
/// threads. Effective GB/s = N·128·4 bytes / mean time; the ratio to the bandwidth baseline is
/// the fraction of memory bandwidth the scan achieves.
/// </summary>
[MemoryDiagnoser(false)]
public class ExactScanBenchmarks
{
    private const int Dim = 128;

    private static readonly SearchOptions ExactOptions = new() { Quality = SearchQuality.Perfect, WithPayload = false };

    private string _directory = "";
    private VelesDatabase? _db;
    private Collection? _collection;
    private float[] _query = [];
    private float[] _flat = [];

    /// <summary>Number of vectors.</summary>
    [Params(1_000_000)]
    public int N { get; set; }

    /// <summary>Bytes of vector data one scan reads.</summary>
    public long Bytes => (long)N * Dim * sizeof(float);

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "velesdb-bench-" + Guid.NewGuid().ToString("N"));
        _db = VelesDatabase.Open(_directory, new VelesDatabaseOptions { Durability = DurabilityMode.None });
        // The exact scan is measured; a minimal HNSW graph keeps the set-up short.
        _collection = _db.CreateCollection("scan", Dim, DistanceMetric.Euclidean, hnsw: new HnswParameters(2, 4));
        var rng = new Random(42);
        const int batchSize = 10_000;
        var batch = new Point[batchSize];
        for (var start = 0; start < N; start += batchSize)
        {
            for (var i = 0; i < batchSize; i++)
            {
                var v = new float[Dim];
                for (var j = 0; j < Dim; j++)
                {
                    v[j] = (float)rng.NextDouble();
                }

                batch[i] = new Point((ulong)(start + i), v);
            }

            _collection.Upsert(batch);
        }

        _query = new float[Dim];
        for (var j = 0; j < Dim; j++)
        {
            _query[j] = (float)rng.NextDouble();
        }

        _flat = new float[(long)N * Dim];
        rng.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_flat.AsSpan()));
        for (var i = 0; i < _flat.Length; i++)
        {
            _flat[i] = float.IsFinite(_flat[i]) ? _flat[i] : 0f;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Exact top-10 over all N vectors through the public collection API.</summary>
    [Benchmark]
    public int ExactSearchTop10() => _collection!.Search(_query, 10, ExactOptions).Count;

    /// <summary>
    /// Baseline: stream-read the same bytes with the same number of threads and 4 independent
    /// SIMD accumulators, with no other work: the memory read bandwidth the scan is compared
    /// against.
    /// </summary>
    [Benchmark(Baseline = true)]
    public float MemoryReadBaseline() => StreamSum(_flat, prefetch: false);

    /// <summary>The same probe with software prefetch 8 KiB ahead; the report takes the faster.</summary>
    [Benchmark]
    public float MemoryReadPrefetchBaseline() => StreamSum(_flat, prefetch: true);

    private static unsafe float StreamSum(float[] data, bool prefetch)
    {
        var workers = Environment.ProcessorCount;
        var chunk = (data.Length + workers - 1) / workers;
        chunk -= chunk % 64;
        var sums = new float[workers];
        fixed (float* basePtr = data)
        {
            var b = basePtr;
            var length = data.Length;
            Parallel.For(0, workers, w =>
            {
                var start = w * chunk;
                var end = w == workers - 1 ? length : start + chunk;
                Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
                var i = start;
                for (; i + 64 <= end; i += 64)
                {
                    if (prefetch)
                    {
                        System.Runtime.Intrinsics.X86.Sse.Prefetch0(b + i + 2048);
                        System.Runtime.Intrinsics.X86.Sse.Prefetch0(b + i + 2048 + 16);
                        System.Runtime.Intrinsics.X86.Sse.Prefetch0(b + i + 2048 + 32);
                        System.Runtime.Intrinsics.X86.Sse.Prefetch0(b + i + 2048 + 48);
                    }

                    acc0 += Vector512.Load(b + i);
                    acc1 += Vector512.Load(b + i + 16);
                    acc2 += Vector512.Load(b + i + 32);
                    acc3 += Vector512.Load(b + i + 48);
                }

                var sum = Vector512.Sum((acc0 + acc1) + (acc2 + acc3));
                for (; i < end; i++)
                {
                    sum += b[i];
                }

                sums[w] = sum;
            });
        }

        var total = 0f;
        foreach (var s in sums)
        {
            total += s;
        }

        return total;
    }
}
