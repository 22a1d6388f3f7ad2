using VelesDb.Core.Errors;

namespace VelesDb.Core.Index.Hnsw;

/// <summary>HNSW build parameters (engine spec §2.1).</summary>
/// <param name="M">Links per node on upper layers; layer 0 keeps 2·M.</param>
/// <param name="EfConstruction">Candidate list size while inserting.</param>
/// <param name="Seed">Seed of the level generator, for reproducible graphs.</param>
public sealed record HnswParameters(int M, int EfConstruction, int Seed = 42)
{
    /// <summary>Smallest accepted M.</summary>
    public const int MinM = 2;

    /// <summary>Largest accepted M.</summary>
    public const int MaxM = 256;

    /// <summary>The default for a dimension: M 24 / ef_construction 300 up to 256-d, 32 / 400 above.</summary>
    public static HnswParameters Auto(int dimension) => dimension <= 256 ? new(24, 300) : new(32, 400);

    /// <summary>Throws VELES-009 when a value is out of range.</summary>
    public void Validate()
    {
        if (M is < MinM or > MaxM)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"HNSW m must be between {MinM} and {MaxM}, got {M}.");
        }

        if (EfConstruction is < 1 or > 100_000)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"HNSW ef_construction must be between 1 and 100000, got {EfConstruction}.");
        }
    }
}
