using BenchmarkDotNet.Attributes;
using VelesDb.Core.Distance;

namespace VelesDb.Benchmarks;

/// <summary>
/// One call of each metric's ranking key (<see cref="IDistance.Distance"/>), the operation a
/// search runs per candidate, at common embedding dimensions, on 64-byte-aligned inputs (as the
/// slots of the vector file are).
/// </summary>
[MemoryDiagnoser]
public class DistanceBenchmarks
{
    private AlignedVector _a = null!;
    private AlignedVector _b = null!;

    /// <summary>Vector dimension.</summary>
    [Params(128, 384, 768, 1536)]
    public int Dim { get; set; }

    /// <summary>Creates two seeded vectors in [0, 1), valid input for every metric.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = new AlignedVector(Dim, 0, random);
        _b = new AlignedVector(Dim, 0, random);
    }

    /// <summary>Negated cosine similarity (one fused dot-and-norms pass).</summary>
    [Benchmark]
    public float Cosine() => CosineDistance.Distance(_a.Span, _b.Span);

    /// <summary>Squared L2.</summary>
    [Benchmark(Baseline = true)]
    public float Euclidean() => EuclideanDistance.Distance(_a.Span, _b.Span);

    /// <summary>Negated inner product.</summary>
    [Benchmark]
    public float Dot() => DotProductDistance.Distance(_a.Span, _b.Span);

    /// <summary>Binarised hamming count.</summary>
    [Benchmark]
    public float Hamming() => HammingDistance.Distance(_a.Span, _b.Span);

    /// <summary>Negated weighted jaccard similarity.</summary>
    [Benchmark]
    public float Jaccard() => JaccardDistance.Distance(_a.Span, _b.Span);
}
