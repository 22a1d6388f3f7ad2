using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VelesDb.Core.Distance;
using VelesDb.Core.Quantization;

namespace VelesDb.Core.Index.Hnsw.Spaces;

/// <summary>
/// Nodes hold 1-bit codes (1/32 of the float32 bytes). Hamming collections compare codes by
/// XOR + popcount (exact: the codes use the metric's own threshold) and jaccard collections by
/// |a ∧ b| / |a ∨ b|. Euclidean and dot (cosine: dot of normalised vectors) keep the query in
/// float32 and decode each bit to its side's mean: the key is a per-query constant plus the sum
/// of per-dimension deltas over the set bits, which ranks far better than a bit count.
/// </summary>
/// <typeparam name="TDistance">The ranking key.</typeparam>
internal readonly unsafe struct BinarySpace<TDistance> : IVectorSpace
    where TDistance : struct, IDistance
{
    private readonly BinaryQuantizer _quantizer;
    private readonly bool _normalize;

    public BinarySpace(BinaryQuantizer quantizer, bool normalize)
    {
        _quantizer = quantizer;
        _normalize = normalize;
    }

    /// <summary>Hamming and jaccard compare bit sets; the others decode against a float query.</summary>
    private static bool ComparesBits => TDistance.Metric is DistanceMetric.Hamming or DistanceMetric.Jaccard;

    private static bool IsEuclidean => TDistance.Metric == DistanceMetric.Euclidean;

    /// <inheritdoc />
    public int Dimension => _quantizer.Dimension;

    /// <inheritdoc />
    public int CodeBytes => _quantizer.CodeBytes;

    /// <inheritdoc />
    // Bit sets: the query's code. Otherwise: a delta per dimension, then the constant.
    public int QueryFloats => ComparesBits ? _quantizer.Words * 2 : Dimension + 1;

    /// <inheritdoc />
    public ulong Signature => VectorSpaces.Signature(VectorSpaceKind.Binary, TDistance.Metric, _normalize, _quantizer.Checksum);

    /// <inheritdoc />
    public void Encode(ReadOnlySpan<float> vector, Span<byte> code)
    {
        if (!_normalize)
        {
            _quantizer.Encode(vector, MemoryMarshal.Cast<byte, ulong>(code));
            return;
        }

        var n = Dimension;
        Span<float> scratch = n <= 2048 ? stackalloc float[n] : new float[n];
        vector.CopyTo(scratch);
        VectorSpaces.Normalize(scratch);
        _quantizer.Encode(scratch, MemoryMarshal.Cast<byte, ulong>(code));
    }

    /// <inheritdoc />
    public void Prepare(ReadOnlySpan<float> vector, Span<float> prepared)
    {
        if (ComparesBits)
        {
            Encode(vector, MemoryMarshal.AsBytes(prepared));
            return;
        }

        PrepareDeltas(vector, prepared, _normalize);
    }

    /// <summary>The per-dimension deltas and the constant of a float32 vector (euclidean and dot).</summary>
    private void PrepareDeltas(ReadOnlySpan<float> vector, Span<float> prepared, bool normalize)
    {
        var n = Dimension;
        var q = prepared[..n];
        vector.CopyTo(q);
        if (normalize)
        {
            VectorSpaces.Normalize(q);
        }

        var low = _quantizer.Low;
        var width = _quantizer.Width;
        var constant = 0f;
        for (var i = 0; i < n; i++)
        {
            var x = q[i];
            if (IsEuclidean)
            {
                // (x − low)² for a clear bit; a set bit adds (x − high)² − (x − low)².
                var d0 = x - low[i];
                var d1 = d0 - width[i];
                constant += d0 * d0;
                q[i] = (d1 * d1) - (d0 * d0);
            }
            else
            {
                // −x·low for a clear bit; a set bit adds −x·(high − low).
                constant -= x * low[i];
                q[i] = -x * width[i];
            }
        }

        prepared[n] = constant;
    }

    // SAFETY: codes are node blocks of Words ulongs; prepared holds QueryFloats floats.
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Distance(ReadOnlySpan<float> prepared, byte* code)
    {
        fixed (float* q = prepared)
        {
            if (ComparesBits)
            {
                return CodeDistance((byte*)q, code);
            }

            var n = Dimension;
            return q[n] + BitKernels.WeightedSum((ulong*)code, q, n);
        }
    }

    /// <inheritdoc />
    public float CodeDistance(byte* a, byte* b)
    {
        var x = (ulong*)a;
        var y = (ulong*)b;
        var words = _quantizer.Words;
        if (TDistance.Metric == DistanceMetric.Jaccard)
        {
            int both = 0, either = 0;
            for (var i = 0; i < words; i++)
            {
                both += BitOperations.PopCount(x[i] & y[i]);
                either += BitOperations.PopCount(x[i] | y[i]);
            }

            return either == 0 ? -1f : -(float)both / either;
        }

        if (TDistance.Metric == DistanceMetric.Hamming)
        {
            return BitKernels.HammingDistance(x, y, words);
        }

        // Decode a in float32 and measure it like a query: exact on the decoded vectors.
        var n = Dimension;
        var buffer = _threadPrepared;
        if (buffer is null || buffer.Length != n + 1)
        {
            buffer = _threadPrepared = new float[n + 1];
        }

        var decoded = buffer.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            decoded[i] = ((x[i >> 6] >> (i & 63)) & 1) != 0 ? _quantizer.High[i] : _quantizer.Low[i];
        }

        // Decoded levels are not renormalised: they are what the codes stand for.
        PrepareDeltas(decoded, buffer, normalize: false);
        return Distance(buffer, b);
    }

    [ThreadStatic]
    private static float[]? _threadPrepared;
}
