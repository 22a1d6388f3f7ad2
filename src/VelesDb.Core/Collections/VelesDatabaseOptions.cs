using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

/// <summary>Options for <see cref="VelesDatabase.Open"/>.</summary>
public sealed record VelesDatabaseOptions
{
    /// <summary>When a write is durable (default <see cref="DurabilityMode.Fsync"/>).</summary>
    public DurabilityMode Durability { get; init; } = DurabilityMode.Fsync;

    /// <summary>
    /// Open even when stored data fails validation: damaged WAL records are skipped and points whose
    /// vector or payload fails its checksum are dropped, each reported in
    /// <see cref="Collection.Recovery"/>. Off by default: damage stops the open with VELES-008.
    /// </summary>
    public bool Repair { get; init; }

    /// <summary>Largest payload, in bytes of UTF-8 JSON (default 1 MiB).</summary>
    public int MaxPayloadBytes { get; init; } = 1 << 20;

    /// <summary>WAL size that triggers an automatic checkpoint (default 64 MiB).</summary>
    public long CheckpointWalBytes { get; init; } = 64L << 20;

    /// <summary>Most collections a database may hold (default 1,000).</summary>
    public int MaxCollections { get; init; } = 1000;

    /// <summary>
    /// The database clock: point expiry (<see cref="Collection.SetTimeToLive"/> and the reads that
    /// hide expired points) and the query guard-rails (rate limiter, circuit breaker);
    /// <see cref="TimeProvider.System"/> by default, a fake one in tests.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where engine logs go (recovery findings among them).</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
