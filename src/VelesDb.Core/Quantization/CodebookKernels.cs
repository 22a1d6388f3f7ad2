using System.Numerics;
using System.Runtime.InteropServices;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Quantization;

/// <summary>
/// Float kernels for k-means and product quantization whose results depend only on the input
/// values, never on their addresses. <see cref="Distance.VectorKernels"/> peels a head so that its
/// loads are aligned, which changes the summation order with the input's address; a code or a
/// k-means assignment must not change when the same vector sits elsewhere in memory, so these
/// kernels always sum in the same order.
/// </summary>
/// <remarks>
/// The one-to-many kernels (<see cref="SquaredDistances(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float})"/>, <see cref="Dots"/>) read centroids
/// transposed (coordinate-major: <c>transposed[d * k + c]</c>) and give every SIMD lane one centroid,
/// so lane c sums over the dimensions in order, exactly as the scalar tail does for the centroids
/// that do not fill a vector. .NET never fuses a multiply and an add on its own, so the vector and
/// scalar paths round identically and the results are the same on every machine.
/// </remarks>
internal static class CodebookKernels
{
    /// <summary>
    /// Writes the row-major <paramref name="rows"/> (count × dim) coordinate-major into
    /// <paramref name="transposed"/> (dim × count).
    /// </summary>
    public static void Transpose(ReadOnlySpan<float> rows, int count, int dim, Span<float> transposed)
    {
        if (rows.Length < count * dim || transposed.Length < count * dim)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Internal, "Transpose: a buffer is shorter than count × dim.");
        }

        for (var c = 0; c < count; c++)
        {
            var row = rows.Slice(c * dim, dim);
            for (var d = 0; d < dim; d++)
            {
                transposed[(d * count) + c] = row[d];
            }
        }
    }

    /// <summary>
    /// <c>distances[c] = Σ_d (x[d] − transposed[d * k + c])²</c> for every centroid c &lt; k, where
    /// <paramref name="transposed"/> holds k centroids of x.Length coordinates, coordinate-major.
    /// </summary>
    public static void SquaredDistances(ReadOnlySpan<float> transposed, int k, ReadOnlySpan<float> x, Span<float> distances) =>
        SquaredDistances(transposed, k, k, x, distances);

    /// <summary>
    /// <see cref="SquaredDistances(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float})"/> over
    /// k columns of a coordinate-major matrix whose rows are <paramref name="stride"/> floats apart:
    /// <c>distances[c] = Σ_d (x[d] − transposed[d * stride + c])²</c>. Slicing the start of
    /// <paramref name="transposed"/> selects the first column.
    /// </summary>
    public static void SquaredDistances(ReadOnlySpan<float> transposed, int stride, int k, ReadOnlySpan<float> x, Span<float> distances)
    {
        var dim = x.Length;
        CheckOneToMany(transposed.Length, stride, k, dim, distances.Length);
        ref var t = ref MemoryMarshal.GetReference(transposed);
        ref var output = ref MemoryMarshal.GetReference(distances);
        var width = Vector<float>.Count;
        var c = 0;

        // SAFETY (every LoadUnsafe/StoreUnsafe below): c + width <= k (or c + 4 * width <= k) and
        // d < dim, so each load ends at or before (dim - 1) * stride + k <= transposed.Length, and
        // each store before k <= distances.Length (checked above).
        for (; c + (4 * width) <= k; c += 4 * width)
        {
            var a0 = Vector<float>.Zero;
            var a1 = Vector<float>.Zero;
            var a2 = Vector<float>.Zero;
            var a3 = Vector<float>.Zero;
            for (var d = 0; d < dim; d++)
            {
                var xd = new Vector<float>(x[d]);
                var at = (nuint)((d * stride) + c);
                var e0 = xd - Vector.LoadUnsafe(ref t, at);
                var e1 = xd - Vector.LoadUnsafe(ref t, at + (nuint)width);
                var e2 = xd - Vector.LoadUnsafe(ref t, at + (nuint)(2 * width));
                var e3 = xd - Vector.LoadUnsafe(ref t, at + (nuint)(3 * width));
                a0 += e0 * e0;
                a1 += e1 * e1;
                a2 += e2 * e2;
                a3 += e3 * e3;
            }

            a0.StoreUnsafe(ref output, (nuint)c);
            a1.StoreUnsafe(ref output, (nuint)(c + width));
            a2.StoreUnsafe(ref output, (nuint)(c + (2 * width)));
            a3.StoreUnsafe(ref output, (nuint)(c + (3 * width)));
        }

        for (; c + width <= k; c += width)
        {
            var a0 = Vector<float>.Zero;
            for (var d = 0; d < dim; d++)
            {
                var e0 = new Vector<float>(x[d]) - Vector.LoadUnsafe(ref t, (nuint)((d * stride) + c));
                a0 += e0 * e0;
            }

            a0.StoreUnsafe(ref output, (nuint)c);
        }

        for (; c < k; c++)
        {
            var sum = 0f;
            for (var d = 0; d < dim; d++)
            {
                var e = x[d] - transposed[(d * stride) + c];
                sum += e * e;
            }

            distances[c] = sum;
        }
    }

    /// <summary>
    /// <c>values[c] = Σ_d x[d] · transposed[d * k + c]</c> for every centroid c &lt; k (layout as in
    /// <see cref="SquaredDistances(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float})"/>).
    /// </summary>
    public static void Dots(ReadOnlySpan<float> transposed, int k, ReadOnlySpan<float> x, Span<float> values)
    {
        var dim = x.Length;
        CheckOneToMany(transposed.Length, k, k, dim, values.Length);
        ref var t = ref MemoryMarshal.GetReference(transposed);
        ref var output = ref MemoryMarshal.GetReference(values);
        var width = Vector<float>.Count;
        var c = 0;

        // SAFETY: the bounds argument of SquaredDistances holds unchanged.
        for (; c + (4 * width) <= k; c += 4 * width)
        {
            var a0 = Vector<float>.Zero;
            var a1 = Vector<float>.Zero;
            var a2 = Vector<float>.Zero;
            var a3 = Vector<float>.Zero;
            for (var d = 0; d < dim; d++)
            {
                var xd = new Vector<float>(x[d]);
                var at = (nuint)((d * k) + c);
                a0 += xd * Vector.LoadUnsafe(ref t, at);
                a1 += xd * Vector.LoadUnsafe(ref t, at + (nuint)width);
                a2 += xd * Vector.LoadUnsafe(ref t, at + (nuint)(2 * width));
                a3 += xd * Vector.LoadUnsafe(ref t, at + (nuint)(3 * width));
            }

            a0.StoreUnsafe(ref output, (nuint)c);
            a1.StoreUnsafe(ref output, (nuint)(c + width));
            a2.StoreUnsafe(ref output, (nuint)(c + (2 * width)));
            a3.StoreUnsafe(ref output, (nuint)(c + (3 * width)));
        }

        for (; c + width <= k; c += width)
        {
            var a0 = Vector<float>.Zero;
            for (var d = 0; d < dim; d++)
            {
                a0 += new Vector<float>(x[d]) * Vector.LoadUnsafe(ref t, (nuint)((d * k) + c));
            }

            a0.StoreUnsafe(ref output, (nuint)c);
        }

        for (; c < k; c++)
        {
            var sum = 0f;
            for (var d = 0; d < dim; d++)
            {
                sum += x[d] * transposed[(d * k) + c];
            }

            values[c] = sum;
        }
    }

    /// <summary>
    /// The index of the smallest value; the lowest index wins a tie. Values must not be NaN (the
    /// vector minimum's NaN handling is platform-specific).
    /// </summary>
    public static int ArgMin(ReadOnlySpan<float> values)
    {
        var width = Vector<float>.Count;
        if (values.Length < 2 * width)
        {
            return ScalarArgMin(values);
        }

        // The minimum first (exact, so order does not matter), then the first position holding it.
        // SAFETY: every load starts at i with i + width <= values.Length (the last one at
        // values.Length - width, overlapping its predecessor, which a minimum does not mind).
        ref var start = ref MemoryMarshal.GetReference(values);
        var last = (nuint)(values.Length - width);
        var minimum = Vector.LoadUnsafe(ref start);
        for (nuint i = (nuint)width; i < last; i += (nuint)width)
        {
            minimum = Vector.Min(minimum, Vector.LoadUnsafe(ref start, i));
        }

        minimum = Vector.Min(minimum, Vector.LoadUnsafe(ref start, last));
        var smallest = minimum[0];
        for (var lane = 1; lane < width; lane++)
        {
            smallest = MathF.Min(smallest, minimum[lane]);
        }

        var target = new Vector<float>(smallest);
        for (nuint i = 0; ; i += (nuint)width)
        {
            var at = Math.Min(i, last);
            if (Vector.EqualsAny(Vector.LoadUnsafe(ref start, at), target))
            {
                for (var j = (int)at; j < values.Length; j++)
                {
                    if (values[j] == smallest)
                    {
                        return j;
                    }
                }
            }

            if (at == last)
            {
                // Only a NaN gets here (it equals nothing); answer as the scalar loop would.
                return ScalarArgMin(values);
            }
        }
    }

    private static int ScalarArgMin(ReadOnlySpan<float> values)
    {
        var best = 0;
        var bestValue = values[0];
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] < bestValue)
            {
                bestValue = values[i];
                best = i;
            }
        }

        return best;
    }

    /// <summary>Σ (aᵢ − bᵢ)², summed in a fixed order.</summary>
    public static float SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckPair(a.Length, b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var width = Vector<float>.Count;
        var acc0 = Vector<float>.Zero;
        var acc1 = Vector<float>.Zero;
        var i = 0;

        // SAFETY: i + 2 * width (or i + width) <= a.Length == b.Length under the loop conditions.
        for (; i + (2 * width) <= a.Length; i += 2 * width)
        {
            var e0 = Vector.LoadUnsafe(ref pa, (nuint)i) - Vector.LoadUnsafe(ref pb, (nuint)i);
            var e1 = Vector.LoadUnsafe(ref pa, (nuint)(i + width)) - Vector.LoadUnsafe(ref pb, (nuint)(i + width));
            acc0 += e0 * e0;
            acc1 += e1 * e1;
        }

        for (; i + width <= a.Length; i += width)
        {
            var e0 = Vector.LoadUnsafe(ref pa, (nuint)i) - Vector.LoadUnsafe(ref pb, (nuint)i);
            acc0 += e0 * e0;
        }

        var sum = Vector.Sum(acc0 + acc1);
        for (; i < a.Length; i++)
        {
            var e = a[i] - b[i];
            sum += e * e;
        }

        return sum;
    }

    /// <summary>Σ aᵢ · bᵢ, summed in a fixed order.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckPair(a.Length, b.Length);
        ref var pa = ref MemoryMarshal.GetReference(a);
        ref var pb = ref MemoryMarshal.GetReference(b);
        var width = Vector<float>.Count;
        var acc0 = Vector<float>.Zero;
        var acc1 = Vector<float>.Zero;
        var i = 0;

        // SAFETY: as in SquaredL2.
        for (; i + (2 * width) <= a.Length; i += 2 * width)
        {
            acc0 += Vector.LoadUnsafe(ref pa, (nuint)i) * Vector.LoadUnsafe(ref pb, (nuint)i);
            acc1 += Vector.LoadUnsafe(ref pa, (nuint)(i + width)) * Vector.LoadUnsafe(ref pb, (nuint)(i + width));
        }

        for (; i + width <= a.Length; i += width)
        {
            acc0 += Vector.LoadUnsafe(ref pa, (nuint)i) * Vector.LoadUnsafe(ref pb, (nuint)i);
        }

        var sum = Vector.Sum(acc0 + acc1);
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary><c>y += alpha · x</c>.</summary>
    public static void MultiplyAdd(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckPair(x.Length, y.Length);
        ref var px = ref MemoryMarshal.GetReference(x);
        ref var py = ref MemoryMarshal.GetReference(y);
        var width = Vector<float>.Count;
        var scale = new Vector<float>(alpha);
        var i = 0;

        // SAFETY: i + width <= x.Length == y.Length under the loop condition.
        for (; i + width <= x.Length; i += width)
        {
            (Vector.LoadUnsafe(ref py, (nuint)i) + (scale * Vector.LoadUnsafe(ref px, (nuint)i))).StoreUnsafe(ref py, (nuint)i);
        }

        for (; i < x.Length; i++)
        {
            y[i] += alpha * x[i];
        }
    }

    private static void CheckOneToMany(int transposedLength, int stride, int k, int dim, int outputLength)
    {
        if (k < 1 || stride < k || (dim > 0 && ((long)(dim - 1) * stride) + k > transposedLength) || outputLength < k)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.Internal,
                $"Centroid kernel: {k} columns of {dim} coordinates, {stride} apart, do not fit {transposedLength} floats and {outputLength} outputs.");
        }
    }

    private static void CheckPair(int a, int b)
    {
        if (a != b)
        {
            ThrowHelper.DimensionMismatch(a, b);
        }
    }
}
