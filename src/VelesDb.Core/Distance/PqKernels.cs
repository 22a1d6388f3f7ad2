namespace VelesDb.Core.Distance;

/// <summary>The product-quantization hot loop: asymmetric distance by table lookups.</summary>
internal static unsafe class PqKernels
{
    /// <summary>
    /// <see cref="Quantization.ProductQuantizer.AdcDistance(ReadOnlySpan{float}, ReadOnlySpan{byte}, int)"/> for the scan loop: no
    /// checks at all.
    /// </summary>
    /// <param name="table">subspaces × centroids floats.</param>
    /// <param name="code">subspaces bytes, each below centroids.</param>
    /// <param name="subspaces">Bytes per code.</param>
    /// <param name="centroids">Centroids per subspace.</param>
    public static float AdcDistance(float* table, byte* code, int subspaces, int centroids)
    {
        // SAFETY: the caller guarantees table holds subspaces × centroids floats and every code
        // byte is below centroids, so each read table[j * centroids + code[j]] stays inside it, and
        // code holds subspaces bytes.
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var j = 0;
        var row = table;
        for (; j + 4 <= subspaces; j += 4, row += 4 * centroids)
        {
            s0 += row[code[j]];
            s1 += row[centroids + code[j + 1]];
            s2 += row[(2 * centroids) + code[j + 2]];
            s3 += row[(3 * centroids) + code[j + 3]];
        }

        for (; j < subspaces; j++, row += centroids)
        {
            s0 += row[code[j]];
        }

        return (s0 + s1) + (s2 + s3);
    }
}
