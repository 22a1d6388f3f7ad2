using VelesDb.Core.Quantization;

namespace VelesDb.Core.Tests.Quantization;

/// <summary>Seeded data sets for the quantization tests (flat, row-major).</summary>
internal static class QuantizationTestData
{
    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>
    /// <paramref name="count"/> points around <paramref name="centers"/> (clusters × dim), each a
    /// random centre plus normal noise of standard deviation <paramref name="sigma"/>.
    /// </summary>
    public static float[] AroundCenters(float[] centers, int clusters, int dim, int count, double sigma, int seed)
    {
        var rng = new Random(seed);
        var data = new float[count * dim];
        for (var i = 0; i < count; i++)
        {
            var c = i % clusters;
            for (var d = 0; d < dim; d++)
            {
                data[(i * dim) + d] = centers[(c * dim) + d] + (float)(sigma * Gaussian(rng));
            }
        }

        return data;
    }

    /// <summary>Uniform centres in [-1, 1]^dim.</summary>
    public static float[] Uniform(int count, int dim, int seed, double scale = 1)
    {
        var rng = new Random(seed);
        var data = new float[count * dim];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)(((rng.NextDouble() * 2) - 1) * scale);
        }

        return data;
    }

    /// <summary>Clustered data, the shape real embeddings have.</summary>
    public static float[] Clustered(int count, int dim, int clusters, int seed, double sigma = 0.05) =>
        AroundCenters(Uniform(clusters, dim, seed + 1), clusters, dim, count, sigma, seed);

    /// <summary>
    /// Strongly anisotropic, correlated data: independent normal components with variances
    /// falling geometrically, mixed by a random rotation so every coordinate sees all of them.
    /// Plain PQ splits the variance badly across subspaces; OPQ can undo the mixing. The mixing
    /// depends on the dimension only, so sets drawn with different seeds share one distribution.
    /// </summary>
    public static float[] Correlated(int count, int dim, int seed)
    {
        var rng = new Random(seed);
        var mix = RandomOrthogonal(dim, 1000 + dim);
        var data = new float[count * dim];
        var z = new double[dim];
        for (var i = 0; i < count; i++)
        {
            for (var d = 0; d < dim; d++)
            {
                z[d] = Gaussian(rng) * Math.Pow(0.7, d);
            }

            for (var r = 0; r < dim; r++)
            {
                var sum = 0d;
                for (var c = 0; c < dim; c++)
                {
                    sum += mix[(r * dim) + c] * z[c];
                }

                data[(i * dim) + r] = (float)sum;
            }
        }

        return data;
    }

    /// <summary>A random orthogonal matrix: the left singular vectors of a Gaussian matrix.</summary>
    public static double[] RandomOrthogonal(int n, int seed)
    {
        var rng = new Random(seed);
        var a = new double[n * n];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = Gaussian(rng);
        }

        var u = new double[n * n];
        var v = new double[n * n];
        Orthogonal.Svd(a, n, u, new double[n], v);
        return u;
    }

    public static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            var e = (double)a[i] - b[i];
            sum += e * e;
        }

        return sum;
    }

    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Mean ‖x − decode(encode(x))‖² over the rows of <paramref name="data"/>.</summary>
    public static double MeanReconstructionError(ProductQuantizer pq, float[] data)
    {
        var dim = pq.Dimension;
        var count = data.Length / dim;
        var code = new byte[pq.Subspaces];
        var decoded = new float[dim];
        var total = 0d;
        for (var i = 0; i < count; i++)
        {
            var x = data.AsSpan(i * dim, dim);
            pq.Encode(x, code);
            pq.Decode(code, decoded);
            total += SquaredDistance(x, decoded);
        }

        return total / count;
    }
}
