using System.Numerics;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Quantization;

/// <summary>
/// Dense linear algebra for the OPQ rotation: the singular value decomposition of a square matrix
/// by one-sided Jacobi (Hestenes) rotations, and the orthogonal Procrustes solution built on it.
/// All matrices are n × n, row-major, in double precision.
/// </summary>
/// <remarks>
/// One-sided Jacobi orthogonalises the columns of A by plane rotations accumulated into V, until
/// every pair of columns is orthogonal to a relative <see cref="Tolerance"/>; then the column norms
/// are the singular values and the normalised columns the left singular vectors. It is accurate
/// (small singular values get small absolute error, no squaring of the condition number) and handles
/// rank-deficient input: left singular vectors of zero or unresolved singular values are completed
/// to an orthonormal basis, so U and V are always orthogonal. A sweep visits every pair once, about
/// 2.5n³ multiply-adds; the cross products OPQ produces take 10 to 15 sweeps (fewer from a warm
/// start), about 2 s at n = 768 on one core.
/// </remarks>
internal static class Orthogonal
{
    /// <summary>Two columns count as orthogonal when |aₚ·a_q| ≤ Tolerance · ‖aₚ‖ · ‖a_q‖.</summary>
    private const double Tolerance = 1e-12;

    /// <summary>Sweeps after which the decomposition stops even if not converged (never reached in practice).</summary>
    private const int MaxSweeps = 60;

    /// <summary>
    /// Decomposes <paramref name="a"/> = U · diag(s) · Vᵀ with U, V orthogonal and s sorted in
    /// descending order.
    /// </summary>
    /// <param name="a">The n × n matrix, row-major.</param>
    /// <param name="n">The order of the matrix.</param>
    /// <param name="u">Receives U (n × n, row-major; column i is the i-th left singular vector).</param>
    /// <param name="s">Receives the n singular values, largest first.</param>
    /// <param name="v">Receives V (n × n, row-major; column i is the i-th right singular vector).</param>
    /// <param name="guess">Optional n × n orthogonal matrix close to V (for example V of a nearby matrix): the
    /// rotations start from it, which saves sweeps when it is close.</param>
    /// <returns>The number of sweeps run.</returns>
    public static int Svd(ReadOnlySpan<double> a, int n, Span<double> u, Span<double> s, Span<double> v, ReadOnlySpan<double> guess = default)
    {
        var square = (long)n * n;
        if (n < 1 || a.Length != square || u.Length != square || v.Length != square || s.Length != n || (!guess.IsEmpty && guess.Length != square))
        {
            ThrowHelper.Throw(VelesDbErrorCode.Internal, $"SVD of order {n} needs {square}-element matrices (and guess, when given) and {n} singular values.");
        }

        // Row p of `columns` is column p of A as it is rotated, row p of `rights` column p of V: the
        // rotations then touch two contiguous rows each.
        var columns = new double[n * n];
        var rights = new double[n * n];
        if (guess.IsEmpty)
        {
            for (var r = 0; r < n; r++)
            {
                for (var c = 0; c < n; c++)
                {
                    columns[(c * n) + r] = a[(r * n) + c];
                }
            }

            for (var i = 0; i < n; i++)
            {
                rights[(i * n) + i] = 1;
            }
        }
        else
        {
            for (var r = 0; r < n; r++)
            {
                for (var c = 0; c < n; c++)
                {
                    rights[(c * n) + r] = guess[(r * n) + c];
                }
            }

            for (var p = 0; p < n; p++)
            {
                var right = rights.AsSpan(p * n, n);
                for (var r = 0; r < n; r++)
                {
                    columns[(p * n) + r] = Dot(a.Slice(r * n, n), right);
                }
            }
        }

        var norms = new double[n];
        var byNorm = new int[n];
        var sweeps = 0;
        while (sweeps < MaxSweeps)
        {
            sweeps++;
            for (var p = 0; p < n; p++)
            {
                norms[p] = Dot(columns.AsSpan(p * n, n), columns.AsSpan(p * n, n));
            }

            // Pairs in order of decreasing column norm (de Rijk): on the matrices OPQ produces this
            // roughly halves the sweeps against the natural order.
            for (var i = 0; i < n; i++)
            {
                byNorm[i] = i;
            }

            Array.Sort(byNorm, (x, y) => norms[y] != norms[x] ? norms[y].CompareTo(norms[x]) : x.CompareTo(y));
            var rotated = false;
            for (var first = 0; first < n - 1; first++)
            {
                var p = byNorm[first];
                var colP = columns.AsSpan(p * n, n);
                for (var second = first + 1; second < n; second++)
                {
                    var q = byNorm[second];
                    var alpha = norms[p];
                    var beta = norms[q];
                    if (alpha == 0 || beta == 0)
                    {
                        continue;
                    }

                    var colQ = columns.AsSpan(q * n, n);
                    var gamma = Dot(colP, colQ);
                    if (Math.Abs(gamma) <= Tolerance * Math.Sqrt(alpha) * Math.Sqrt(beta))
                    {
                        continue;
                    }

                    // The rotation by angle θ with tan θ = t zeroes the new inner product; the
                    // smaller root of t² + 2ζt − 1 = 0 keeps the rotation below 45° (stable).
                    // Hypot keeps ζ² from overflowing for columns of wildly different norms; a
                    // rotation too small to represent is no rotation.
                    var zeta = (beta - alpha) / (2 * gamma);
                    var t = (zeta >= 0 ? 1 : -1) / (Math.Abs(zeta) + double.Hypot(1, zeta));
                    if (t == 0 || !double.IsFinite(t))
                    {
                        continue;
                    }

                    var cos = 1 / Math.Sqrt(1 + (t * t));
                    var sin = cos * t;
                    Rotate(colP, colQ, cos, sin);
                    Rotate(rights.AsSpan(p * n, n), rights.AsSpan(q * n, n), cos, sin);
                    norms[p] = alpha - (t * gamma);
                    norms[q] = beta + (t * gamma);
                    rotated = true;
                }
            }

            if (!rotated)
            {
                break;
            }
        }

        // Singular values are the column norms; sort the columns by them, largest first.
        var order = new int[n];
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            values[i] = Math.Sqrt(Dot(columns.AsSpan(i * n, n), columns.AsSpan(i * n, n)));
        }

        Array.Sort(order, (x, y) => values[y] != values[x] ? values[y].CompareTo(values[x]) : x.CompareTo(y));

        // Left vectors: normalised columns, re-orthogonalised (twice, as modified Gram-Schmidt
        // needs) against the ones before, in descending order of singular value. A column whose
        // singular value is zero or lost in rounding is replaced by a unit vector orthogonal to all
        // the others, which any SVD may choose. `lefts` holds the accepted vectors in acceptance
        // order; rankOf maps each back to its singular value.
        var lefts = new double[n * n];
        var rankOf = new int[n];
        var accepted = 0;
        var deficient = new List<int>();
        for (var rank = 0; rank < n; rank++)
        {
            var i = order[rank];
            s[rank] = values[i];
            if (values[i] > 0)
            {
                var candidate = lefts.AsSpan(accepted * n, n);
                var column = columns.AsSpan(i * n, n);
                for (var r = 0; r < n; r++)
                {
                    candidate[r] = column[r] / values[i];
                }

                if (OrthonormaliseAgainst(lefts, n, accepted, candidate, 0.5))
                {
                    rankOf[accepted++] = rank;
                    continue;
                }
            }

            deficient.Add(rank);
        }

        if (deficient.Count > 0)
        {
            // Complete with the standard basis vector that has the largest component outside the
            // span so far (its squared norm there is at least (n − accepted) / n).
            var outside = new double[n];
            Array.Fill(outside, 1d);
            for (var row = 0; row < accepted; row++)
            {
                SubtractSquares(lefts.AsSpan(row * n, n), outside);
            }

            foreach (var rank in deficient)
            {
                var best = 0;
                for (var b = 1; b < n; b++)
                {
                    if (outside[b] > outside[best])
                    {
                        best = b;
                    }
                }

                var candidate = lefts.AsSpan(accepted * n, n);
                candidate.Clear();
                candidate[best] = 1;
                OrthonormaliseAgainst(lefts, n, accepted, candidate, 0);
                SubtractSquares(candidate, outside);
                outside[best] = double.NegativeInfinity;
                rankOf[accepted++] = rank;
            }
        }

        for (var row = 0; row < n; row++)
        {
            var rank = rankOf[row];
            var left = lefts.AsSpan(row * n, n);
            var right = rights.AsSpan(order[rank] * n, n);
            for (var r = 0; r < n; r++)
            {
                u[(r * n) + rank] = left[r];
                v[(r * n) + rank] = right[r];
            }
        }

        return sweeps;
    }

    /// <summary>
    /// The orthogonal R minimising ‖X·R − Y‖_F, given <paramref name="cross"/> = Xᵀ·Y (n × n):
    /// R = U·Vᵀ where U·S·Vᵀ is the SVD of Xᵀ·Y.
    /// </summary>
    /// <returns>R, n × n row-major.</returns>
    public static double[] Procrustes(ReadOnlySpan<double> cross, int n) =>
        Procrustes(cross, n, default, new double[n * n]);

    /// <summary>
    /// <see cref="Procrustes(ReadOnlySpan{double}, int)"/> for a sequence of nearby matrices: the SVD
    /// starts from <paramref name="guess"/> (the <paramref name="right"/> of the previous call, or
    /// empty) and writes its right singular vectors V to <paramref name="right"/> for the next call.
    /// </summary>
    public static double[] Procrustes(ReadOnlySpan<double> cross, int n, ReadOnlySpan<double> guess, Span<double> right)
    {
        var u = new double[n * n];
        var v = right;
        var s = new double[n];
        Svd(cross, n, u, s, v, guess);

        // R[r][c] = Σᵢ U[r][i] · V[c][i]: row r of R accumulates rows of Vᵀ, i.e. columns of V. With
        // V transposed first both operands are read along rows.
        var vt = new double[n * n];
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++)
            {
                vt[(c * n) + r] = v[(r * n) + c];
            }
        }

        var result = new double[n * n];
        for (var r = 0; r < n; r++)
        {
            var row = result.AsSpan(r * n, n);
            for (var i = 0; i < n; i++)
            {
                MultiplyAdd(u[(r * n) + i], vt.AsSpan(i * n, n), row);
            }
        }

        return result;
    }

    /// <summary>The largest |(QᵀQ − I)ᵢⱼ| of an n × n single-precision matrix: 0 for an exact rotation.</summary>
    public static double OrthogonalityError(ReadOnlySpan<float> q, int n)
    {
        var worst = 0d;
        for (var i = 0; i < n; i++)
        {
            for (var j = i; j < n; j++)
            {
                var sum = 0d;
                for (var r = 0; r < n; r++)
                {
                    sum += (double)q[(r * n) + i] * q[(r * n) + j];
                }

                worst = Math.Max(worst, Math.Abs(sum - (i == j ? 1 : 0)));
            }
        }

        return worst;
    }

    /// <summary>
    /// Makes <paramref name="x"/> orthogonal to the first <paramref name="count"/> rows of
    /// <paramref name="rows"/> (orthonormal) and normalises it; false, leaving x unnormalised, when
    /// less than <paramref name="keep"/> of its norm survives (too little to trust its direction).
    /// </summary>
    private static bool OrthonormaliseAgainst(double[] rows, int n, int count, Span<double> x, double keep)
    {
        var before = Math.Sqrt(Dot(x, x));
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < count; i++)
            {
                var row = rows.AsSpan(i * n, n);
                MultiplyAdd(-Dot(row, x), row, x);
            }
        }

        var after = Math.Sqrt(Dot(x, x));
        if (!(after > 0) || after < keep * before)
        {
            return false;
        }

        for (var r = 0; r < n; r++)
        {
            x[r] /= after;
        }

        return true;
    }

    /// <summary><c>outside[b] −= x[b]²</c>: what is left of each basis vector outside a growing span.</summary>
    private static void SubtractSquares(ReadOnlySpan<double> x, Span<double> outside)
    {
        for (var b = 0; b < x.Length; b++)
        {
            outside[b] -= x[b] * x[b];
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var width = Vector<double>.Count;
        var acc0 = Vector<double>.Zero;
        var acc1 = Vector<double>.Zero;
        var i = 0;
        for (; i + (2 * width) <= a.Length; i += 2 * width)
        {
            acc0 += new Vector<double>(a[i..]) * new Vector<double>(b[i..]);
            acc1 += new Vector<double>(a[(i + width)..]) * new Vector<double>(b[(i + width)..]);
        }

        var sum = Vector.Sum(acc0 + acc1);
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary><c>y += alpha · x</c>.</summary>
    private static void MultiplyAdd(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        var width = Vector<double>.Count;
        var scale = new Vector<double>(alpha);
        var i = 0;
        for (; i + width <= x.Length; i += width)
        {
            (new Vector<double>(y[i..]) + (scale * new Vector<double>(x[i..]))).CopyTo(y[i..]);
        }

        for (; i < x.Length; i++)
        {
            y[i] += alpha * x[i];
        }
    }

    /// <summary>(x, y) ← (c·x − s·y, s·x + c·y), element-wise.</summary>
    private static void Rotate(Span<double> x, Span<double> y, double cos, double sin)
    {
        var width = Vector<double>.Count;
        var c = new Vector<double>(cos);
        var s = new Vector<double>(sin);
        var i = 0;
        for (; i + width <= x.Length; i += width)
        {
            var vx = new Vector<double>(x[i..]);
            var vy = new Vector<double>(y[i..]);
            ((c * vx) - (s * vy)).CopyTo(x[i..]);
            ((s * vx) + (c * vy)).CopyTo(y[i..]);
        }

        for (; i < x.Length; i++)
        {
            var vx = x[i];
            var vy = y[i];
            x[i] = (cos * vx) - (sin * vy);
            y[i] = (sin * vx) + (cos * vy);
        }
    }
}
