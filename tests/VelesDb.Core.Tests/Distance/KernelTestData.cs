using VelesDb.Core.Distance;

namespace VelesDb.Core.Tests.Distance;

/// <summary>Seeded inputs shared by the kernel tests.</summary>
internal static class KernelTestData
{
    /// <summary>The lengths every SIMD kernel is checked on (house style, item 4).</summary>
    public static readonly int[] Lengths = [0, 1, 7, 15, 16, 17, 31, 33, 127, 768, 1536];

    public static readonly int[] Seeds = [1, 42, 20_260_101];

    /// <summary>
    /// Every width, accelerated or not: a width the hardware lacks is emulated by the runtime, so
    /// its code is still checked for correctness, only not for speed.
    /// </summary>
    public static readonly KernelWidth[] Widths = [KernelWidth.Scalar, KernelWidth.Vector128, KernelWidth.Vector256, KernelWidth.Vector512];

    /// <summary>
    /// Start offsets (in floats) of the two inputs inside larger arrays: every offset 0..15 for
    /// <c>a</c>, so every amount of alignment peeling is reached at every width, each paired once
    /// with the same offset for <c>b</c> (both aligned together) and once with a different one.
    /// </summary>
    public static readonly (int A, int B)[] Offsets = BuildOffsets();

    /// <summary>Padding that <see cref="Offsets"/> needs after the length.</summary>
    public const int OffsetPadding = 16;

    public static TheoryData<int, int, int> WidthLengthSeed()
    {
        var data = new TheoryData<int, int, int>();
        foreach (var width in Widths)
        {
            foreach (var length in Lengths)
            {
                foreach (var seed in Seeds)
                {
                    data.Add((int)width, length, seed);
                }
            }
        }

        return data;
    }

    public static TheoryData<int, int> LengthSeed()
    {
        var data = new TheoryData<int, int>();
        foreach (var length in Lengths)
        {
            foreach (var seed in Seeds)
            {
                data.Add(length, seed);
            }
        }

        return data;
    }

    private static (int A, int B)[] BuildOffsets()
    {
        var offsets = new (int A, int B)[2 * OffsetPadding];
        for (var i = 0; i < OffsetPadding; i++)
        {
            offsets[2 * i] = (i, i);
            offsets[(2 * i) + 1] = (i, ((i * 7) + 3) % OffsetPadding);
        }

        return offsets;
    }

    /// <summary>Uniform components in [-1, 1).</summary>
    public static float[] Signed(int length, Random random)
    {
        var v = new float[length];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (random.NextSingle() * 2f) - 1f;
        }

        return v;
    }

    /// <summary>Uniform components in [0, 1).</summary>
    public static float[] NonNegative(int length, Random random)
    {
        var v = new float[length];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = random.NextSingle();
        }

        return v;
    }

    /// <summary>
    /// A pair for hamming, dense in components at and next to the 0.5 threshold, with about half of
    /// the positions equal in both vectors.
    /// </summary>
    public static (float[] A, float[] B) HammingPair(int length, Random random)
    {
        float[] candidates =
        [
            0.5f, MathF.BitIncrement(0.5f), MathF.BitDecrement(0.5f), 0f, -0f, 1f, -0.5f, 0.75f, 0.25f,
        ];
        var a = new float[length];
        var b = new float[length];
        for (var i = 0; i < length; i++)
        {
            a[i] = Pick(candidates, random);
            b[i] = random.Next(2) == 0 ? a[i] : Pick(candidates, random);
        }

        return (a, b);

        static float Pick(float[] candidates, Random random) =>
            random.Next(4) == 0 ? random.NextSingle() : candidates[random.Next(candidates.Length)];
    }

    /// <summary>Asserts <paramref name="actual"/> is within a tolerance relative to <paramref name="magnitude"/>.</summary>
    /// <param name="magnitude">The sum of the absolute values of the summed terms, which bounds the rounding error.</param>
    public static void AssertClose(double expected, double actual, double magnitude, string what)
    {
        var tolerance = (2e-5 * magnitude) + 1e-6;
        Assert.True(
            Math.Abs(expected - actual) <= tolerance,
            $"{what}: expected {expected:R}, got {actual:R} (|diff| {Math.Abs(expected - actual):R} > tolerance {tolerance:R}).");
    }
}
