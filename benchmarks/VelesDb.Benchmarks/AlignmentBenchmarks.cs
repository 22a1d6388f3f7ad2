using BenchmarkDotNet.Attributes;
using VelesDb.Core.Distance;

namespace VelesDb.Benchmarks;

/// <summary>Where the two inputs of <see cref="AlignmentBenchmarks"/> sit relative to 64-byte boundaries.</summary>
public enum Placement
{
    /// <summary>Both start on a 64-byte boundary.</summary>
    BothAligned,

    /// <summary>Both start 4 bytes past a boundary (the kernel's alignment peel realigns both).</summary>
    BothOffsetSame,

    /// <summary>Only the first (query) operand is 4 bytes off.</summary>
    QueryOffset,

    /// <summary>Only the second (candidate) operand is 4 bytes off.</summary>
    CandidateOffset,
}

/// <summary>Squared L2 at 768-d for each <see cref="Placement"/> of the inputs.</summary>
public class AlignmentBenchmarks
{
    private AlignedVector _a = null!;
    private AlignedVector _b = null!;

    /// <summary>Input placement.</summary>
    [Params(Placement.BothAligned, Placement.BothOffsetSame, Placement.QueryOffset, Placement.CandidateOffset)]
    public Placement Placement { get; set; }

    /// <summary>Creates two seeded 768-d vectors at the chosen placement.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var offsetA = Placement is Placement.BothOffsetSame or Placement.QueryOffset ? 1 : 0;
        var offsetB = Placement is Placement.BothOffsetSame or Placement.CandidateOffset ? 1 : 0;
        _a = new AlignedVector(768, offsetA, random);
        _b = new AlignedVector(768, offsetB, random);
    }

    /// <summary>Squared L2 through the metric struct.</summary>
    [Benchmark]
    public float Euclidean() => EuclideanDistance.Distance(_a.Span, _b.Span);
}
