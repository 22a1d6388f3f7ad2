using BenchmarkDotNet.Attributes;
using VelesDb.Core.Distance;

namespace VelesDb.Benchmarks;

/// <summary>
/// Squared L2 and dot forced to each vector width at 768 dimensions, to check that the cascade's
/// choice (the widest accelerated width) is also the fastest on the machine at hand.
/// </summary>
public class KernelWidthBenchmarks
{
    private AlignedVector _a = null!;
    private AlignedVector _b = null!;

    /// <summary>The forced width, in bits (0 = scalar reference).</summary>
    [Params(0, 128, 256, 512)]
    public int Width { get; set; }

    /// <summary>Creates two seeded, 64-byte-aligned 768-d vectors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = new AlignedVector(768, 0, random);
        _b = new AlignedVector(768, 0, random);
    }

    /// <summary>Squared L2 at the forced width.</summary>
    [Benchmark]
    public float SquaredL2() => VectorKernels.SquaredL2(_a.Span, _b.Span, (KernelWidth)Width);

    /// <summary>Dot at the forced width.</summary>
    [Benchmark]
    public float Dot() => VectorKernels.Dot(_a.Span, _b.Span, (KernelWidth)Width);
}
