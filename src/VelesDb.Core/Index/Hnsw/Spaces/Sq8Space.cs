using System.Numerics;
using System.Runtime.CompilerServices;
using VelesDb.Core.Distance;
using VelesDb.Core.Quantization;

namespace VelesDb.Core.Index.Hnsw.Spaces;

/// <summary>
/// Nodes hold 8-bit scalar codes (a quarter of the float32 bytes). Euclidean and dot (and
/// cosine, as the dot of normalised vectors) are computed on the codes directly with the query
/// kept in float32 (asymmetric distance); hamming and jaccard decode the code first.
/// </summary>
/// <typeparam name="TDistance">The ranking key.</typeparam>
internal readonly unsafe struct Sq8Space<TDistance> : IVectorSpace
    where TDistance : struct, IDistance
{
    private readonly Sq8Quantizer _quantizer;
    private readonly bool _normalize;

    public Sq8Space(Sq8Quantizer quantizer, bool normalize)
    {
        _quantizer = quantizer;
        _normalize = normalize;
    }

    private static bool IsEuclidean => TDistance.Metric == DistanceMetric.Euclidean;

    private static bool IsDot => TDistance.Metric == DistanceMetric.DotProduct;

    /// <inheritdoc />
    public int Dimension => _quantizer.Dimension;

    /// <inheritdoc />
    public int CodeBytes => _quantizer.Dimension;

    /// <inheritdoc />
    // Euclidean: query − min, then the steps. Dot: query ⊙ step, then Σ query·min. Others: the query.
    public int QueryFloats => IsEuclidean ? 2 * Dimension : IsDot ? Dimension + 1 : Dimension;

    /// <inheritdoc />
    public ulong Signature => VectorSpaces.Signature(VectorSpaceKind.Sq8, TDistance.Metric, _normalize, _quantizer.Checksum);

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<float> vector, Span<byte> code)
    {
        var n = Dimension;
        Span<float> scratch = n <= 2048 ? stackalloc float[n] : new float[n];
        vector.CopyTo(scratch);
        if (_normalize)
        {
            VectorSpaces.Normalize(scratch);
        }

        _quantizer.Encode(scratch, code);
    }

    /// <inheritdoc />
    public void Prepare(ReadOnlySpan<float> vector, Span<float> prepared)
    {
        var n = Dimension;
        var q = prepared[..n];
        vector.CopyTo(q);
        if (_normalize)
        {
            VectorSpaces.Normalize(q);
        }

        if (IsEuclidean)
        {
            for (var i = 0; i < n; i++)
            {
                q[i] -= _quantizer.Min[i];
            }

            _quantizer.Step.CopyTo(prepared[n..]);
        }
        else if (IsDot)
        {
            var offset = 0f;
            for (var i = 0; i < n; i++)
            {
                offset += q[i] * _quantizer.Min[i];
                q[i] *= _quantizer.Step[i];
            }

            prepared[n] = offset;
        }
    }

    // SAFETY: codes are node blocks of Dimension bytes; prepared holds QueryFloats floats.
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Distance(ReadOnlySpan<float> prepared, byte* code)
    {
        var n = Dimension;
        fixed (float* q = prepared)
        {
            if (IsEuclidean)
            {
                return Sq8Kernels.L2(q, q + n, code, n);
            }

            if (IsDot)
            {
                return -(q[n] + Sq8Kernels.Dot(q, code, n));
            }
        }

        return TDistance.Distance(Decoded(code, 0), prepared);
    }

    /// <inheritdoc />
    public float CodeDistance(byte* a, byte* b)
    {
        var n = Dimension;
        fixed (float* min = _quantizer.Min, step = _quantizer.Step)
        {
            if (IsEuclidean)
            {
                return Sq8Kernels.CodeL2(a, b, step, n);
            }

            if (IsDot)
            {
                return -Sq8Kernels.CodeDot(a, b, min, step, n);
            }
        }

        return TDistance.Distance(Decoded(a, 0), Decoded(b, 1));
    }

    /// <summary>Decodes into one of two per-thread buffers (hamming and jaccard only).</summary>
    private ReadOnlySpan<float> Decoded(byte* code, int slot)
    {
        var buffers = _decodeBuffers ??= new float[2][];
        var buffer = buffers[slot];
        if (buffer is null || buffer.Length != Dimension)
        {
            buffer = buffers[slot] = new float[Dimension];
        }

        _quantizer.Decode(new ReadOnlySpan<byte>(code, Dimension), buffer);
        return buffer;
    }

    [ThreadStatic]
    private static float[]?[]? _decodeBuffers;
}
