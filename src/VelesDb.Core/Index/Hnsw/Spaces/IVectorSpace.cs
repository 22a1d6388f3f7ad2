namespace VelesDb.Core.Index.Hnsw.Spaces;

/// <summary>
/// What an HNSW node stores in place of its vector, and how distances are computed on it: the
/// full float32 vector (<see cref="FullSpace{TDistance}"/>) or a quantized code (SQ8, binary,
/// PQ). Implemented by readonly structs so <c>HnswIndex&lt;TSpace&gt;</c> is specialised by the
/// JIT per space and metric, with no virtual call in the inner loop.
/// </summary>
/// <remarks>
/// All distances are ranking keys: lower is better, whatever the metric (see
/// <see cref="Distance.IDistance"/>). Quantized spaces approximate the key; the collection
/// re-ranks their candidates exactly on the stored vectors.
/// </remarks>
internal unsafe interface IVectorSpace
{
    /// <summary>Vector dimension.</summary>
    int Dimension { get; }

    /// <summary>Bytes of a node's code.</summary>
    int CodeBytes { get; }

    /// <summary>Floats of a prepared query (see <see cref="Prepare"/>).</summary>
    int QueryFloats { get; }

    /// <summary>
    /// Identifies the space in persisted graphs: kind, metric, normalisation and the quantizer's
    /// checksum. A graph is only loaded into a space with the same signature.
    /// </summary>
    ulong Signature { get; }

    /// <summary>Encodes a vector as a node code (normalising first when the space does).</summary>
    void Encode(ReadOnlySpan<float> vector, Span<byte> code);

    /// <summary>Turns a query vector into what <see cref="Distance"/> reads (normalised copy, shifted copy, lookup table…).</summary>
    void Prepare(ReadOnlySpan<float> vector, Span<float> prepared);

    /// <summary>Ranking key of a prepared query against a node code.</summary>
    float Distance(ReadOnlySpan<float> prepared, byte* code);

    /// <summary>Ranking key between two node codes (graph construction).</summary>
    float CodeDistance(byte* a, byte* b);
}

/// <summary>Kinds of <see cref="IVectorSpace"/>, as recorded in graph signatures.</summary>
internal enum VectorSpaceKind : byte
{
    /// <summary>float32 vectors.</summary>
    Full = 0,

    /// <summary>8-bit scalar codes.</summary>
    Sq8 = 1,

    /// <summary>1-bit codes.</summary>
    Binary = 2,

    /// <summary>Product-quantization codes.</summary>
    ProductQuantization = 3,
}

/// <summary>Helpers shared by the spaces.</summary>
internal static class VectorSpaces
{
    /// <summary>Builds a signature from its parts.</summary>
    public static ulong Signature(VectorSpaceKind kind, Distance.DistanceMetric metric, bool normalize, uint quantizerChecksum) =>
        (ulong)kind | ((ulong)metric << 8) | ((normalize ? 1UL : 0UL) << 16) | ((ulong)quantizerChecksum << 32);

    /// <summary>
    /// Scales <paramref name="v"/> to unit length (a zero vector stays zero). The norm is summed
    /// in double, in index order: the result depends only on the values, never on the buffer's
    /// address (a SIMD sum aligned to the buffer would give codes that differ by an ulp between
    /// an insert and a later check of the same vector), and float sums that would overflow
    /// (components near 1e19) or underflow (near 1e-23) cannot.
    /// </summary>
    public static void Normalize(Span<float> v)
    {
        double sum = 0;
        foreach (var x in v)
        {
            sum += (double)x * x;
        }

        if (sum == 0)
        {
            return;
        }

        var scale = 1 / Math.Sqrt(sum);
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)(v[i] * scale);
        }
    }
}
