using VelesDb.Core.Errors;

namespace VelesDb.Core.Collections;

/// <summary>How vectors are stored and searched. Chosen at creation and recorded in the config.</summary>
public enum StorageMode
{
    /// <summary>float32 vectors (default). Canonical name <c>full</c>, alias <c>f32</c>.</summary>
    Full = 0,

    /// <summary>8-bit scalar quantization. Canonical name <c>sq8</c>, alias <c>int8</c>.</summary>
    SQ8 = 1,

    /// <summary>1-bit quantization. Canonical name <c>binary</c>, alias <c>bit</c>.</summary>
    Binary = 2,

    /// <summary>Product quantization. Canonical name <c>pq</c>, alias <c>product_quantization</c>.</summary>
    ProductQuantization = 3,
}

/// <summary>Parsing and naming of <see cref="StorageMode"/>.</summary>
public static class StorageModes
{
    /// <summary>Parses a canonical name or alias, case-insensitively.</summary>
    public static bool TryParse(string? text, out StorageMode mode)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "full" or "f32":
                mode = StorageMode.Full;
                return true;
            case "sq8" or "int8":
                mode = StorageMode.SQ8;
                return true;
            case "binary" or "bit":
                mode = StorageMode.Binary;
                return true;
            case "pq" or "product_quantization":
                mode = StorageMode.ProductQuantization;
                return true;
            default:
                mode = default;
                return false;
        }
    }

    /// <summary>Parses a canonical name or alias; VELES-009 when unknown.</summary>
    public static StorageMode Parse(string text) =>
        TryParse(text, out var mode)
            ? mode
            : throw new VelesDbException(VelesDbErrorCode.Config, $"Unknown storage mode '{text}'. Expected one of: full, sq8, binary, pq.");

    /// <summary>The canonical name.</summary>
    public static string ToCanonicalName(this StorageMode mode) => mode switch
    {
        StorageMode.Full => "full",
        StorageMode.SQ8 => "sq8",
        StorageMode.Binary => "binary",
        StorageMode.ProductQuantization => "pq",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };
}
