using VelesDb.Core.Collections;

namespace VelesDb.Core.Quantization;

/// <summary>
/// 1-bit quantization: bit i is set when component i exceeds its threshold, and decodes to the
/// mean of the training values on that side (<see cref="Low"/> / <see cref="High"/>), so queries
/// kept in float32 get a real-valued distance to a code instead of a bare bit count. Hamming
/// collections use the metric's own 0.5 threshold, so their codes are lossless.
/// </summary>
internal sealed class BinaryQuantizer : Quantizer
{
    public const uint Magic = 0x31425156; // "VQB1"

    public BinaryQuantizer(float[] thresholds, float[] low, float[] high)
        : base(thresholds.Length)
    {
        Thresholds = thresholds;
        Low = low;
        High = high;
        Width = new float[Dimension];
        for (var i = 0; i < Dimension; i++)
        {
            Width[i] = high[i] - low[i];
        }
    }

    /// <summary>Per-dimension threshold.</summary>
    public float[] Thresholds { get; }

    /// <summary>Per-dimension value of a clear bit: the mean of training values at or below the threshold.</summary>
    public float[] Low { get; }

    /// <summary>Per-dimension value of a set bit: the mean of training values above the threshold.</summary>
    public float[] High { get; }

    /// <summary>High − Low per dimension.</summary>
    public float[] Width { get; }

    /// <summary>64-bit words per code.</summary>
    public int Words => (Dimension + 63) / 64;

    /// <inheritdoc />
    public override StorageMode Mode => StorageMode.Binary;

    /// <inheritdoc />
    public override int CodeBytes => Words * sizeof(ulong);

    /// <summary>Thresholds of 0.5 decoding to 0 and 1: the hamming metric's own binarisation.</summary>
    public static BinaryQuantizer ForHamming(int dimension)
    {
        var thresholds = new float[dimension];
        var high = new float[dimension];
        thresholds.AsSpan().Fill(0.5f);
        high.AsSpan().Fill(1f);
        return new BinaryQuantizer(thresholds, new float[dimension], high);
    }

    /// <summary>Thresholds at the per-dimension mean of <paramref name="count"/> samples (row-major), levels at the mean of each side.</summary>
    public static BinaryQuantizer Train(ReadOnlySpan<float> samples, int count, int dimension)
    {
        var sum = new double[dimension];
        for (var row = 0; row < count; row++)
        {
            var v = samples.Slice(row * dimension, dimension);
            for (var i = 0; i < dimension; i++)
            {
                sum[i] += v[i];
            }
        }

        var thresholds = new float[dimension];
        for (var i = 0; i < dimension; i++)
        {
            thresholds[i] = count == 0 ? 0f : (float)(sum[i] / count);
        }

        var lowSum = new double[dimension];
        var highSum = new double[dimension];
        var highCount = new int[dimension];
        for (var row = 0; row < count; row++)
        {
            var v = samples.Slice(row * dimension, dimension);
            for (var i = 0; i < dimension; i++)
            {
                if (v[i] > thresholds[i])
                {
                    highSum[i] += v[i];
                    highCount[i]++;
                }
                else
                {
                    lowSum[i] += v[i];
                }
            }
        }

        var low = new float[dimension];
        var high = new float[dimension];
        for (var i = 0; i < dimension; i++)
        {
            var lows = count - highCount[i];
            low[i] = lows == 0 ? thresholds[i] : (float)(lowSum[i] / lows);
            high[i] = highCount[i] == 0 ? thresholds[i] : (float)(highSum[i] / highCount[i]);
        }

        return new BinaryQuantizer(thresholds, low, high);
    }

    /// <summary>Encodes a vector (already normalised when the space normalises) as <see cref="Words"/> words.</summary>
    public void Encode(ReadOnlySpan<float> vector, Span<ulong> code)
    {
        code[..Words].Clear();
        for (var i = 0; i < vector.Length; i++)
        {
            if (vector[i] > Thresholds[i])
            {
                code[i >> 6] |= 1UL << (i & 63);
            }
        }
    }

    /// <summary>Reads a file written by <see cref="Quantizer.Bytes"/>; null and the reason when it is not sound.</summary>
    public static BinaryQuantizer? TryRead(ReadOnlySpan<byte> bytes, out string? problem)
    {
        var arrays = PerDimensionFile.TryParse(bytes, Magic, 3, out _, out problem);
        return arrays is null ? null : new BinaryQuantizer(arrays[0], arrays[1], arrays[2]);
    }

    /// <inheritdoc />
    protected override byte[] Serialize() => PerDimensionFile.Serialize(Magic, Dimension, Thresholds, Low, High);
}
