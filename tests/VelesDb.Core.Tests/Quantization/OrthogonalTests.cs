using VelesDb.Core.Quantization;

namespace VelesDb.Core.Tests.Quantization;

public class OrthogonalTests
{
    private static double MaxOrthogonalityError(double[] q, int n)
    {
        var worst = 0d;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0d;
                for (var r = 0; r < n; r++)
                {
                    sum += q[(r * n) + i] * q[(r * n) + j];
                }

                worst = Math.Max(worst, Math.Abs(sum - (i == j ? 1 : 0)));
            }
        }

        return worst;
    }

    private static double[] Gaussian(int length, int seed)
    {
        var rng = new Random(seed);
        var a = new double[length];
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = QuantizationTestData.Gaussian(rng);
        }

        return a;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(32)]
    public void Svd_RandomMatrix_ReconstructsWithOrthogonalFactors(int n)
    {
        var a = Gaussian(n * n, seed: n);
        var u = new double[n * n];
        var v = new double[n * n];
        var s = new double[n];

        Orthogonal.Svd(a, n, u, s, v);

        Assert.True(MaxOrthogonalityError(u, n) < 1e-10);
        Assert.True(MaxOrthogonalityError(v, n) < 1e-10);
        for (var i = 1; i < n; i++)
        {
            Assert.True(s[i] <= s[i - 1]);
        }

        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++)
            {
                var sum = 0d;
                for (var i = 0; i < n; i++)
                {
                    sum += u[(r * n) + i] * s[i] * v[(c * n) + i];
                }

                Assert.Equal(a[(r * n) + c], sum, 1e-9);
            }
        }
    }

    [Fact]
    public void Svd_RankDeficientMatrix_StillGivesOrthogonalFactors()
    {
        // Rank 2 in 6 dimensions, plus an all-zero matrix: the left vectors must be completed.
        const int N = 6;
        var x = Gaussian(N * 4, seed: 4);
        var a = new double[N * N];
        for (var r = 0; r < N; r++)
        {
            for (var c = 0; c < N; c++)
            {
                a[(r * N) + c] = (x[r] * x[N + c]) + (x[(2 * N) + r] * x[(3 * N) + c]);
            }
        }

        foreach (var matrix in new[] { a, new double[N * N] })
        {
            var u = new double[N * N];
            var v = new double[N * N];
            var s = new double[N];
            Orthogonal.Svd(matrix, N, u, s, v);
            Assert.True(MaxOrthogonalityError(u, N) < 1e-10);
            Assert.True(MaxOrthogonalityError(v, N) < 1e-10);
            Assert.All(s.Skip(2), value => Assert.True(value < 1e-9));
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(40)]
    public void Procrustes_KnownRotation_IsRecovered(int dim)
    {
        // Y = X·Q for a random orthogonal Q: the Procrustes solution from Xᵀ·Y must be Q itself.
        const int Samples = 200;
        var q = QuantizationTestData.RandomOrthogonal(dim, seed: dim);
        var x = Gaussian(Samples * dim, seed: 100 + dim);
        var cross = new double[dim * dim];
        for (var i = 0; i < Samples; i++)
        {
            var y = new double[dim];
            for (var c = 0; c < dim; c++)
            {
                for (var r = 0; r < dim; r++)
                {
                    y[c] += x[(i * dim) + r] * q[(r * dim) + c];
                }
            }

            for (var r = 0; r < dim; r++)
            {
                for (var c = 0; c < dim; c++)
                {
                    cross[(r * dim) + c] += x[(i * dim) + r] * y[c];
                }
            }
        }

        var recovered = Orthogonal.Procrustes(cross, dim);

        Assert.True(MaxOrthogonalityError(recovered, dim) < 1e-10);
        for (var i = 0; i < q.Length; i++)
        {
            Assert.Equal(q[i], recovered[i], 1e-8);
        }
    }

    [Fact]
    public void Procrustes_WarmStartFromNearbyMatrix_GivesSameRotation()
    {
        const int Dim = 24;
        var a = Gaussian(Dim * Dim, seed: 5);
        var nearby = (double[])a.Clone();
        var noise = Gaussian(Dim * Dim, seed: 6);
        for (var i = 0; i < nearby.Length; i++)
        {
            nearby[i] += 0.01 * noise[i];
        }

        var right = new double[Dim * Dim];
        Orthogonal.Procrustes(nearby, Dim, default, right);

        var cold = Orthogonal.Procrustes(a, Dim);
        var warm = Orthogonal.Procrustes(a, Dim, right, new double[Dim * Dim]);

        Assert.True(MaxOrthogonalityError(warm, Dim) < 1e-10);
        for (var i = 0; i < cold.Length; i++)
        {
            Assert.Equal(cold[i], warm[i], 1e-8);
        }
    }

    [Fact]
    public void OrthogonalityError_IdentityIsZero_ScaledIsNot()
    {
        var identity = new float[9];
        identity[0] = identity[4] = identity[8] = 1;
        Assert.Equal(0, Orthogonal.OrthogonalityError(identity, 3));

        identity[4] = 2;
        Assert.Equal(3, Orthogonal.OrthogonalityError(identity, 3), 1e-12);
    }
}
