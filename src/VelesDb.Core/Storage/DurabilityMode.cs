namespace VelesDb.Core.Storage;

/// <summary>
/// When a write is on stable storage relative to the moment the call returns.
/// See <c>docs/DURABILITY.md</c> for the full contract. Persisted numerically nowhere.
/// </summary>
public enum DurabilityMode
{
    /// <summary>
    /// Default. A write returns only after its WAL record is fsynced; concurrent writers share one
    /// fsync (group commit).
    /// </summary>
    Fsync = 0,

    /// <summary>Writes go to the WAL through the OS cache; durable after <c>Flush()</c>.</summary>
    FlushOnly = 1,

    /// <summary>
    /// No WAL (bulk import). Data is durable only after <c>FlushFull()</c> or a clean dispose; a
    /// crash returns the collection to its last checkpoint, consistently.
    /// </summary>
    None = 2,
}
