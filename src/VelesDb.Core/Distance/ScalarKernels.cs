namespace VelesDb.Core.Distance;

/// <summary>
/// Plain scalar implementations of the <see cref="VectorKernels"/> primitives. They are the
/// reference the SIMD kernels are tested against (accumulating in double, so they are at least as
/// accurate as any vector path) and the fallback where no vector width is accelerated.
/// </summary>
/// <remarks>Callers check that the spans have equal length.</remarks>
internal static class ScalarKernels
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return (float)sum;
    }

    public static float SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            var d = (double)a[i] - b[i];
            sum += d * d;
        }

        return (float)sum;
    }

    public static (float Dot, float NormA, float NormB) DotAndNorms(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0d, normA = 0d, normB = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            double x = a[i], y = b[i];
            dot += x * y;
            normA += x * x;
            normB += y * y;
        }

        return ((float)dot, (float)normA, (float)normB);
    }

    public static int HammingBinarized(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var count = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] > VectorKernels.BinarizeThreshold != b[i] > VectorKernels.BinarizeThreshold)
            {
                count++;
            }
        }

        return count;
    }

    public static (float SumMin, float SumMax) MinMaxSums(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sumMin = 0d, sumMax = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            sumMin += MathF.Min(a[i], b[i]);
            sumMax += MathF.Max(a[i], b[i]);
        }

        return ((float)sumMin, (float)sumMax);
    }

    public static float SquaredNorm(ReadOnlySpan<float> a)
    {
        var sum = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * a[i];
        }

        return (float)sum;
    }
}
