using System.Globalization;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Search;

/// <summary>The named search quality modes (engine spec §2.2).</summary>
public enum SearchQualityMode
{
    /// <summary>ef = max(64, 2k).</summary>
    Fast,

    /// <summary>Default. ef = max(128, 4k).</summary>
    Balanced,

    /// <summary>ef = max(512, 16k).</summary>
    Accurate,

    /// <summary>Exact brute-force scan: recall 1.0.</summary>
    Perfect,

    /// <summary>ef = max(ef, k) with a caller-given ef.</summary>
    Custom,

    /// <summary>Search with a small ef; if the result distances are widely spread, search again with double ef, up to a maximum.</summary>
    Adaptive,
}

/// <summary>
/// How hard an approximate search works: a mode and its parameters. Parse from the wire forms
/// <c>fast|balanced|accurate|perfect</c>, <c>custom:&lt;ef&gt;</c>, <c>adaptive:&lt;min&gt;:&lt;max&gt;</c>.
/// </summary>
public readonly record struct SearchQuality(SearchQualityMode Mode, int Ef = 0, int MaxEf = 0)
{
    /// <summary>The default mode.</summary>
    public static SearchQuality Balanced => new(SearchQualityMode.Balanced);

    /// <summary>Fast mode.</summary>
    public static SearchQuality Fast => new(SearchQualityMode.Fast);

    /// <summary>Accurate mode.</summary>
    public static SearchQuality Accurate => new(SearchQualityMode.Accurate);

    /// <summary>Exact scan.</summary>
    public static SearchQuality Perfect => new(SearchQualityMode.Perfect);

    /// <summary>A fixed ef (at least k is used).</summary>
    public static SearchQuality Custom(int ef) => ef >= 1
        ? new(SearchQualityMode.Custom, ef)
        : throw new VelesDbException(VelesDbErrorCode.Config, $"custom ef must be at least 1, got {ef}.");

    /// <summary>Adaptive ef between <paramref name="minEf"/> and <paramref name="maxEf"/>.</summary>
    public static SearchQuality Adaptive(int minEf, int maxEf) => minEf >= 1 && maxEf >= minEf
        ? new(SearchQualityMode.Adaptive, minEf, maxEf)
        : throw new VelesDbException(VelesDbErrorCode.Config, $"adaptive needs 1 <= min_ef <= max_ef, got {minEf}..{maxEf}.");

    /// <summary>The ef_search this mode uses for <paramref name="k"/> results (the first pass for adaptive).</summary>
    public int EfFor(int k) => Mode switch
    {
        SearchQualityMode.Fast => Math.Max(64, 2 * k),
        SearchQualityMode.Balanced => Math.Max(128, 4 * k),
        SearchQualityMode.Accurate => Math.Max(512, 16 * k),
        SearchQualityMode.Custom => Math.Max(Ef, k),
        SearchQualityMode.Adaptive => Math.Max(Ef, k),
        _ => int.MaxValue,
    };

    /// <summary>Parses a mode string; VELES-009 when it is not one.</summary>
    public static SearchQuality Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToLowerInvariant().Split(':');
        return parts switch
        {
            ["fast"] => Fast,
            ["balanced"] => Balanced,
            ["accurate"] => Accurate,
            ["perfect"] => Perfect,
            ["custom", var ef] when int.TryParse(ef, NumberStyles.None, CultureInfo.InvariantCulture, out var e) => Custom(e),
            ["adaptive", var lo, var hi] when int.TryParse(lo, NumberStyles.None, CultureInfo.InvariantCulture, out var l)
                && int.TryParse(hi, NumberStyles.None, CultureInfo.InvariantCulture, out var h) => Adaptive(l, h),
            _ => throw new VelesDbException(VelesDbErrorCode.Config, $"Unknown search mode '{text}'. Expected fast, balanced, accurate, perfect, custom:<ef> or adaptive:<min>:<max>."),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Mode switch
    {
        SearchQualityMode.Custom => string.Create(CultureInfo.InvariantCulture, $"custom:{Ef}"),
        SearchQualityMode.Adaptive => string.Create(CultureInfo.InvariantCulture, $"adaptive:{Ef}:{MaxEf}"),
        _ => Mode.ToString().ToLowerInvariant(),
    };
}
