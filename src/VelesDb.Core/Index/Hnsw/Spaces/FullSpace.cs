using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VelesDb.Core.Distance;

namespace VelesDb.Core.Index.Hnsw.Spaces;

/// <summary>Nodes hold the float32 vector itself (normalised for cosine, which then ranks by the dot product).</summary>
/// <typeparam name="TDistance">The ranking key.</typeparam>
internal readonly unsafe struct FullSpace<TDistance> : IVectorSpace
    where TDistance : struct, IDistance
{
    private readonly bool _normalize;

    public FullSpace(int dimension, bool normalize)
    {
        Dimension = dimension;
        _normalize = normalize;
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public int CodeBytes => Dimension * sizeof(float);

    /// <inheritdoc />
    public int QueryFloats => Dimension;

    /// <inheritdoc />
    public ulong Signature => VectorSpaces.Signature(VectorSpaceKind.Full, TDistance.Metric, _normalize, 0);

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<float> vector, Span<byte> code) => Prepare(vector, MemoryMarshal.Cast<byte, float>(code));

    /// <inheritdoc />
    public void Prepare(ReadOnlySpan<float> vector, Span<float> prepared)
    {
        vector.CopyTo(prepared);
        if (_normalize)
        {
            VectorSpaces.Normalize(prepared[..Dimension]);
        }
    }

    // SAFETY: codes are node blocks of CodeBytes = 4 · Dimension bytes; prepared holds Dimension floats.
    /// <inheritdoc />
    // Node first: the kernels align their first operand.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Distance(ReadOnlySpan<float> prepared, byte* code) => TDistance.Distance(new ReadOnlySpan<float>(code, Dimension), prepared);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float CodeDistance(byte* a, byte* b) => TDistance.Distance(new ReadOnlySpan<float>(a, Dimension), new ReadOnlySpan<float>(b, Dimension));
}
