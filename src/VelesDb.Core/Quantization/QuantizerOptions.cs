using VelesDb.Core.Errors;

namespace VelesDb.Core.Quantization;

/// <summary>Kinds of quantizer <see cref="Collections.Collection.TrainQuantizer"/> can train.</summary>
public enum QuantizerType
{
    /// <summary>Product quantization: m subspaces, k centroids each (k-means++).</summary>
    ProductQuantization,

    /// <summary>Product quantization after a learned orthogonal rotation (OPQ).</summary>
    OptimizedProductQuantization,

    /// <summary>8-bit scalar quantization (per-dimension range).</summary>
    SQ8,

    /// <summary>1-bit quantization (per-dimension threshold).</summary>
    Binary,
}

/// <summary>Parsing of <see cref="QuantizerType"/> names (VelesQL <c>type=</c>).</summary>
public static class QuantizerTypes
{
    /// <summary>Parses <c>pq</c>, <c>opq</c>, <c>sq8</c> or <c>binary</c> (case-insensitive); VELES-028 otherwise.</summary>
    public static QuantizerType Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "pq" or "product_quantization" => QuantizerType.ProductQuantization,
        "opq" => QuantizerType.OptimizedProductQuantization,
        "sq8" or "int8" => QuantizerType.SQ8,
        "binary" or "bit" => QuantizerType.Binary,
        "rabitq" => throw new VelesDbException(VelesDbErrorCode.InvalidQuantizerConfig, "Quantizer type 'rabitq' is not supported by VelesDB for .NET; use 'pq', 'opq', 'sq8' or 'binary'."),
        _ => throw new VelesDbException(VelesDbErrorCode.InvalidQuantizerConfig, $"Unknown quantizer type '{text}'. Expected one of: pq, opq, sq8, binary."),
    };
}

/// <summary>Options of <see cref="Collections.Collection.TrainQuantizer"/> (VelesQL <c>TRAIN QUANTIZER … WITH (…)</c>).</summary>
public sealed record QuantizerOptions
{
    /// <summary>Largest rescoring oversampling factor accepted.</summary>
    public const int MaxOversampling = 64;

    /// <summary>The quantizer to train (default PQ).</summary>
    public QuantizerType Type { get; init; } = QuantizerType.ProductQuantization;

    /// <summary>PQ subspaces m (default: dimension / 4, at least 1). Ignored by SQ8 and binary.</summary>
    public int? Subspaces { get; init; }

    /// <summary>PQ centroids per subspace k, 2..256 (default 256). Ignored by SQ8 and binary.</summary>
    public int Centroids { get; init; } = 256;

    /// <summary>Search fetches max(k × this, k + 32) candidates on the codes and re-ranks them exactly (default: the collection's, initially 4).</summary>
    public int? Oversampling { get; init; }

    /// <summary>Vectors sampled for training (default 65,536; all when fewer).</summary>
    public int SampleSize { get; init; } = 65_536;

    /// <summary>Retrain a collection that already has a trained quantizer (otherwise VELES-028).</summary>
    public bool Force { get; init; }

    /// <summary>Seed of the sampling and k-means++ (reproducible codebooks).</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>What <see cref="Collections.Collection.TrainQuantizer"/> did.</summary>
/// <param name="Type">The quantizer trained.</param>
/// <param name="Subspaces">PQ m (0 for SQ8 and binary).</param>
/// <param name="Centroids">PQ k (0 for SQ8 and binary).</param>
/// <param name="Samples">Vectors it was trained on.</param>
/// <param name="Oversampling">The rescoring oversampling now in force.</param>
/// <param name="CodeBytes">Bytes of one vector's code.</param>
/// <param name="Seconds">Training plus index rebuild time.</param>
public sealed record QuantizerTrainingReport(QuantizerType Type, int Subspaces, int Centroids, int Samples, int Oversampling, int CodeBytes, double Seconds);
