using VelesDb.Core.Collections;

namespace VelesDb.Core.Quantization;

/// <summary>
/// 8-bit scalar quantization: each component becomes <c>round((x − min_i) / step_i)</c> clamped
/// to 0..255, with the per-dimension minimum and step (range / 255) taken from a training sample.
/// Values outside the trained range clamp; retraining (<c>TrainQuantizer</c>) widens it.
/// </summary>
internal sealed class Sq8Quantizer : Quantizer
{
    public const uint Magic = 0x38535156; // "VQS8"

    private readonly float[] _inverseStep;

    public Sq8Quantizer(float[] min, float[] step)
        : base(min.Length)
    {
        Min = min;
        Step = step;
        _inverseStep = new float[min.Length];
        for (var i = 0; i < min.Length; i++)
        {
            _inverseStep[i] = step[i] > 0 ? 1f / step[i] : 0f;
        }
    }

    /// <summary>Per-dimension minimum (the value of code 0).</summary>
    public float[] Min { get; }

    /// <summary>Per-dimension step between consecutive codes (0 for a constant dimension).</summary>
    public float[] Step { get; }

    /// <inheritdoc />
    public override StorageMode Mode => StorageMode.SQ8;

    /// <inheritdoc />
    public override int CodeBytes => Dimension;

    /// <summary>Per-dimension range of <paramref name="count"/> samples (row-major).</summary>
    public static Sq8Quantizer Train(ReadOnlySpan<float> samples, int count, int dimension)
    {
        var min = new float[dimension];
        var max = new float[dimension];
        min.AsSpan().Fill(count > 0 ? float.MaxValue : 0);
        max.AsSpan().Fill(count > 0 ? float.MinValue : 0);
        for (var row = 0; row < count; row++)
        {
            var v = samples.Slice(row * dimension, dimension);
            for (var i = 0; i < dimension; i++)
            {
                min[i] = Math.Min(min[i], v[i]);
                max[i] = Math.Max(max[i], v[i]);
            }
        }

        var step = new float[dimension];
        for (var i = 0; i < dimension; i++)
        {
            step[i] = (max[i] - min[i]) / 255f;
        }

        return new Sq8Quantizer(min, step);
    }

    /// <summary>Encodes a vector (already normalised when the space normalises).</summary>
    public void Encode(ReadOnlySpan<float> vector, Span<byte> code)
    {
        for (var i = 0; i < vector.Length; i++)
        {
            var q = MathF.Round((vector[i] - Min[i]) * _inverseStep[i]);
            code[i] = (byte)Math.Clamp(q, 0f, 255f);
        }
    }

    /// <summary>Decodes a code to the centre of its cells.</summary>
    public void Decode(ReadOnlySpan<byte> code, Span<float> vector)
    {
        for (var i = 0; i < code.Length; i++)
        {
            vector[i] = Min[i] + (Step[i] * code[i]);
        }
    }

    /// <summary>Reads a file written by <see cref="Quantizer.Bytes"/>; null and the reason when it is not sound.</summary>
    public static Sq8Quantizer? TryRead(ReadOnlySpan<byte> bytes, out string? problem)
    {
        var arrays = PerDimensionFile.TryParse(bytes, Magic, 2, out _, out problem);
        if (arrays is null)
        {
            return null;
        }

        foreach (var step in arrays[1])
        {
            if (step < 0)
            {
                problem = "negative step";
                return null;
            }
        }

        return new Sq8Quantizer(arrays[0], arrays[1]);
    }

    /// <inheritdoc />
    protected override byte[] Serialize() => PerDimensionFile.Serialize(Magic, Dimension, Min, Step);
}
