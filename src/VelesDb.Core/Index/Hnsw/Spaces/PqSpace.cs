using System.Runtime.CompilerServices;
using VelesDb.Core.Distance;
using VelesDb.Core.Quantization;

namespace VelesDb.Core.Index.Hnsw.Spaces;

/// <summary>
/// Nodes hold product-quantization codes (m bytes). A query is turned into an ADC lookup table
/// (m × k distances from its sub-vectors to every centroid), so a hop costs m table reads.
/// Code-to-code distances (graph construction) decode both codes in the rotated space, where
/// the orthogonal OPQ rotation leaves L2 and dot products unchanged.
/// </summary>
/// <typeparam name="TDistance">Euclidean or dot product (cosine: dot of normalised vectors).</typeparam>
internal readonly unsafe struct PqSpace<TDistance> : IVectorSpace
    where TDistance : struct, IDistance
{
    private readonly ProductQuantizer _quantizer;
    private readonly bool _normalize;

    public PqSpace(ProductQuantizer quantizer, bool normalize)
    {
        if (TDistance.Metric is not (DistanceMetric.Euclidean or DistanceMetric.DotProduct))
        {
            throw new ArgumentException($"PQ supports euclidean and dot ranking, not {TDistance.Metric}.", nameof(quantizer));
        }

        _quantizer = quantizer;
        _normalize = normalize;
    }

    private static bool IsEuclidean => TDistance.Metric == DistanceMetric.Euclidean;

    /// <inheritdoc />
    public int Dimension => _quantizer.Dimension;

    /// <inheritdoc />
    public int CodeBytes => _quantizer.Subspaces;

    /// <inheritdoc />
    public int QueryFloats => _quantizer.Subspaces * _quantizer.Centroids;

    /// <inheritdoc />
    public ulong Signature => VectorSpaces.Signature(VectorSpaceKind.ProductQuantization, TDistance.Metric, _normalize, _quantizer.Checksum);

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<float> vector, Span<byte> code) => _quantizer.Encode(Normalized(vector, 0), code);

    /// <inheritdoc />
    public void Prepare(ReadOnlySpan<float> vector, Span<float> prepared)
    {
        var q = Normalized(vector, 0);
        if (IsEuclidean)
        {
            _quantizer.BuildL2Table(q, prepared);
        }
        else
        {
            _quantizer.BuildDotTable(q, prepared);
        }
    }

    // SAFETY: codes are node blocks of m bytes, each below k (written by Encode); prepared holds m · k floats.
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Distance(ReadOnlySpan<float> prepared, byte* code)
    {
        fixed (float* table = prepared)
        {
            return PqKernels.AdcDistance(table, code, _quantizer.Subspaces, _quantizer.Centroids);
        }
    }

    /// <inheritdoc />
    public float CodeDistance(byte* a, byte* b)
    {
        var buffers = Buffers();
        var m = _quantizer.Subspaces;
        _quantizer.DecodeRotated(new ReadOnlySpan<byte>(a, m), buffers[0]);
        _quantizer.DecodeRotated(new ReadOnlySpan<byte>(b, m), buffers[1]);
        return IsEuclidean
            ? VectorKernels.SquaredL2(buffers[0], buffers[1])
            : -VectorKernels.Dot(buffers[0], buffers[1]);
    }

    /// <summary>The vector, normalised into a per-thread buffer when the space normalises.</summary>
    private ReadOnlySpan<float> Normalized(ReadOnlySpan<float> vector, int slot)
    {
        if (!_normalize)
        {
            return vector;
        }

        var buffer = Buffers()[slot];
        vector.CopyTo(buffer);
        VectorSpaces.Normalize(buffer);
        return buffer;
    }

    private float[][] Buffers()
    {
        var buffers = _threadBuffers;
        if (buffers is null || buffers[0].Length != Dimension)
        {
            buffers = _threadBuffers = [new float[Dimension], new float[Dimension]];
        }

        return buffers;
    }

    [ThreadStatic]
    private static float[][]? _threadBuffers;
}
