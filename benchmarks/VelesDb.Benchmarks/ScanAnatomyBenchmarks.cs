using BenchmarkDotNet.Attributes;
using VelesDb.Core.Distance;
using VelesDb.Core.Storage;

namespace VelesDb.Benchmarks;

/// <summary>
/// Takes the exact scan apart: the same L2 kernel over the same bytes, from a managed array and
/// from the memory-mapped vector file, without the top-k bookkeeping. Explains the gap between
/// <see cref="ExactScanBenchmarks"/> and the memory bandwidth baseline.
/// </summary>
public class ScanAnatomyBenchmarks
{
    private const int Dim = 128;
    private const int N = 1_000_000;
    private string _directory = "";
    private VectorFile? _file;
    private float[] _flat = [];
    private float[] _query = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _flat = new float[(long)N * Dim];
        for (var i = 0; i < _flat.Length; i++)
        {
            _flat[i] = (float)rng.NextDouble();
        }

        _query = new float[Dim];
        _directory = Path.Combine(Path.GetTempPath(), "velesdb-anatomy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        VectorFile.CreateNew(_directory, Dim);
        _file = VectorFile.Open(_directory, Dim);
        for (var row = 0; row < N; row++)
        {
            _file.Write(row, _flat.AsSpan(row * Dim, Dim));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _file?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public float ManagedArrayKernelOnly() => ParallelMin(row => EuclideanDistance.Distance(_query, _flat.AsSpan(row * Dim, Dim)));

    [Benchmark]
    public float MappedFileKernelOnly() => ParallelMin(row => EuclideanDistance.Distance(_query, _file!.Get(row)));

    [Benchmark]
    public unsafe float ManagedArrayPrefetch()
    {
        fixed (float* basePtr = _flat)
        {
            var b = basePtr;
            return ParallelMin(row =>
            {
                var ahead = (byte*)(b + ((long)(row + 6) * Dim));
                for (var line = 0; line < Dim * 4; line += 64)
                {
                    System.Runtime.Intrinsics.X86.Sse.Prefetch0(ahead + line);
                }

                return EuclideanDistance.Distance(_query, _flat.AsSpan(row * Dim, Dim));
            });
        }
    }

    [Benchmark]
    public float ManagedArrayFourRows()
    {
        var workers = Environment.ProcessorCount;
        var chunk = (N + workers - 1) / workers;
        var mins = new float[workers];
        Parallel.For(0, workers, w =>
        {
            var min = float.MaxValue;
            var end = Math.Min(N, (w + 1) * chunk);
            var q = _query.AsSpan();
            for (var row = w * chunk; row + 4 <= end; row += 4)
            {
                var rows = _flat.AsSpan(row * Dim, 4 * Dim);
                System.Runtime.Intrinsics.Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
                for (var i = 0; i < Dim; i += 16)
                {
                    var qv = System.Runtime.Intrinsics.Vector512.Create<float>(q.Slice(i, 16));
                    var d0 = System.Runtime.Intrinsics.Vector512.Create<float>(rows.Slice(i, 16)) - qv;
                    var d1 = System.Runtime.Intrinsics.Vector512.Create<float>(rows.Slice(Dim + i, 16)) - qv;
                    var d2 = System.Runtime.Intrinsics.Vector512.Create<float>(rows.Slice((2 * Dim) + i, 16)) - qv;
                    var d3 = System.Runtime.Intrinsics.Vector512.Create<float>(rows.Slice((3 * Dim) + i, 16)) - qv;
                    a0 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(d0, d0, a0);
                    a1 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(d1, d1, a1);
                    a2 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(d2, d2, a2);
                    a3 = System.Runtime.Intrinsics.Vector512.FusedMultiplyAdd(d3, d3, a3);
                }

                min = Math.Min(min, Math.Min(Math.Min(System.Runtime.Intrinsics.Vector512.Sum(a0), System.Runtime.Intrinsics.Vector512.Sum(a1)), Math.Min(System.Runtime.Intrinsics.Vector512.Sum(a2), System.Runtime.Intrinsics.Vector512.Sum(a3))));
            }

            mins[w] = min;
        });
        return mins.Min();
    }

    private static float ParallelMin(Func<int, float> distance)
    {
        var workers = Environment.ProcessorCount;
        var chunk = (N + workers - 1) / workers;
        var mins = new float[workers];
        Parallel.For(0, workers, w =>
        {
            var min = float.MaxValue;
            var end = Math.Min(N, (w + 1) * chunk);
            for (var row = w * chunk; row < end; row++)
            {
                min = Math.Min(min, distance(row));
            }

            mins[w] = min;
        });
        return mins.Min();
    }
}
