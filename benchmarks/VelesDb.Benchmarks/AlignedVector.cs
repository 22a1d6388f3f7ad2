using System.Runtime.CompilerServices;

namespace VelesDb.Benchmarks;

/// <summary>
/// A seeded vector placed at a chosen byte offset from a 64-byte boundary inside a pinned array,
/// so benchmarks control alignment instead of inheriting whatever the allocator returned (the
/// kernels run about 1.5x slower at 768-d when one operand straddles cache lines).
/// </summary>
internal sealed class AlignedVector
{
    private const int AlignmentBytes = 64;

    private readonly float[] _storage;
    private readonly int _start;

    /// <summary>Creates <paramref name="length"/> values in [0, 1), <paramref name="misalignmentFloats"/> floats past a 64-byte boundary.</summary>
    public unsafe AlignedVector(int length, int misalignmentFloats, Random random)
    {
        _storage = GC.AllocateArray<float>(length + (AlignmentBytes / sizeof(float)) + misalignmentFloats, pinned: true);

        // The array is pinned, so its address, and hence this offset, never changes.
        var address = (nuint)Unsafe.AsPointer(ref _storage[0]);
        var toBoundary = (int)((AlignmentBytes - (address % AlignmentBytes)) % AlignmentBytes) / sizeof(float);
        _start = toBoundary + misalignmentFloats;
        Length = length;
        for (var i = 0; i < length; i++)
        {
            _storage[_start + i] = random.NextSingle();
        }
    }

    /// <summary>Number of components.</summary>
    public int Length { get; }

    /// <summary>The components.</summary>
    public ReadOnlySpan<float> Span => new(_storage, _start, Length);
}
