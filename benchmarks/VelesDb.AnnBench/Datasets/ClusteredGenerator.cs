namespace VelesDb.AnnBench.Datasets;

/// <summary>
/// The seeded clustered Gaussian set of issue 3: a Gaussian mixture in a 32-d latent space
/// (equal-weight clusters, unit-variance centres, isotropic spread inside each cluster),
/// projected to the output dimension by one fixed random matrix, plus small isotropic noise in
/// the output space. Queries are fresh draws from the same mixture, so they are near but not on
/// base points. Real embeddings look like this: low intrinsic dimension, strong cluster structure.
/// </summary>
/// <remarks>
/// Determinism: everything comes from one <see cref="Random"/> seeded with <see cref="Seed"/>
/// (the seeded algorithm of <c>System.Random</c> is frozen for compatibility) in a fixed draw
/// order — projection, centres, base points, queries — so the same parameters give the same
/// bytes on every machine.
/// </remarks>
internal static class ClusteredGenerator
{
    public const int Seed = 42;
    public const int LatentDimension = 32;
    public const int Clusters = 100;

    /// <summary>Standard deviation of a point around its cluster centre, in latent units.</summary>
    public const double ClusterSpread = 0.35;

    /// <summary>Standard deviation of the output-space noise.</summary>
    public const double Noise = 0.05;

    /// <summary>Generates <paramref name="count"/> base and <paramref name="queryCount"/> query vectors.</summary>
    public static (float[] Base, float[] Queries) Generate(int count, int queryCount, int dimension)
    {
        var random = new Random(Seed);
        var gaussian = new GaussianSource(random);

        // Entries N(0, 1/latent) keep the projected variance close to the latent one.
        var projection = new double[LatentDimension * dimension];
        var scale = 1.0 / Math.Sqrt(LatentDimension);
        for (var i = 0; i < projection.Length; i++)
        {
            projection[i] = gaussian.Next() * scale;
        }

        var centres = new double[Clusters * LatentDimension];
        for (var i = 0; i < centres.Length; i++)
        {
            centres[i] = gaussian.Next();
        }

        var baseVectors = new float[(long)count * dimension];
        Fill(baseVectors, count, dimension, random, gaussian, projection, centres);
        var queries = new float[(long)queryCount * dimension];
        Fill(queries, queryCount, dimension, random, gaussian, projection, centres);
        return (baseVectors, queries);
    }

    private static void Fill(float[] target, int rows, int dimension, Random random, GaussianSource gaussian, double[] projection, double[] centres)
    {
        var latent = new double[LatentDimension];
        for (var r = 0; r < rows; r++)
        {
            var cluster = random.Next(Clusters);
            for (var j = 0; j < LatentDimension; j++)
            {
                latent[j] = centres[(cluster * LatentDimension) + j] + (gaussian.Next() * ClusterSpread);
            }

            var row = target.AsSpan(r * dimension, dimension);
            for (var d = 0; d < dimension; d++)
            {
                var sum = 0.0;
                for (var j = 0; j < LatentDimension; j++)
                {
                    sum += latent[j] * projection[(j * dimension) + d];
                }

                row[d] = (float)(sum + (gaussian.Next() * Noise));
            }
        }
    }

    /// <summary>Standard normal draws by the Box–Muller transform, using both outputs.</summary>
    private sealed class GaussianSource(Random random)
    {
        private double _spare;
        private bool _hasSpare;

        public double Next()
        {
            if (_hasSpare)
            {
                _hasSpare = false;
                return _spare;
            }

            double u1;
            do
            {
                u1 = random.NextDouble();
            }
            while (u1 <= double.Epsilon);

            var u2 = random.NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            _spare = radius * Math.Sin(2.0 * Math.PI * u2);
            _hasSpare = true;
            return radius * Math.Cos(2.0 * Math.PI * u2);
        }
    }
}
