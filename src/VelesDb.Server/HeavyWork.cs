using System.Globalization;
using System.Threading.RateLimiting;
using VelesDb.Core.Errors;

namespace VelesDb.Server;

/// <summary>
/// Marks a CPU-heavy route (searches, VelesQL, traversals, bulk writes, rebuilds): its requests run
/// through the server-wide <see cref="HeavyWorkLimiter"/>, so at most
/// <see cref="ServerSettings.MaxConcurrentHeavy"/> of them use the CPU at once, the rest wait in a
/// bounded queue, and a full queue answers 503. Cheap routes (health, readiness, single-point reads)
/// never wait. Apply it with <see cref="HeavyWorkExtensions.AsHeavyWork{TBuilder}"/>.
/// </summary>
internal sealed class HeavyWork
{
    /// <summary>The shared marker.</summary>
    public static HeavyWork Instance { get; } = new();
}

/// <summary>Applies <see cref="HeavyWork"/> to a route or a route group.</summary>
internal static class HeavyWorkExtensions
{
    /// <summary>Routes this builder maps run through the heavy-work limiter.</summary>
    /// <typeparam name="TBuilder">The route or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    public static TBuilder AsHeavyWork<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(HeavyWork.Instance);
}

/// <summary>The server-wide slots for heavy work: a concurrency limit with a bounded first-come queue.</summary>
internal sealed class HeavyWorkLimiter : IDisposable
{
    /// <summary>The seconds a client is told to wait (<c>Retry-After</c>) when the queue is full.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>Queued requests per slot when the queue length is not given.</summary>
    public const int QueuePerSlot = 64;

    private readonly ConcurrencyLimiter _limiter;

    /// <summary>Creates the limiter.</summary>
    /// <param name="maxConcurrent">Heavy requests running at once (at least 1).</param>
    /// <param name="queueLimit">Heavy requests waiting for a slot (at least 0); more are refused with 503.</param>
    public HeavyWorkLimiter(int maxConcurrent, int queueLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queueLimit);
        MaxConcurrent = maxConcurrent;
        QueueLimit = queueLimit;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = maxConcurrent,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>Creates the limiter of the settings: <see cref="ServerSettings.MaxConcurrentHeavy"/> slots, <see cref="QueuePerSlot"/> waiting per slot.</summary>
    public HeavyWorkLimiter(ServerSettings settings)
        : this(settings?.MaxConcurrentHeavy ?? throw new ArgumentNullException(nameof(settings)), settings.MaxConcurrentHeavy * QueuePerSlot)
    {
    }

    /// <summary>Heavy requests running at once.</summary>
    public int MaxConcurrent { get; }

    /// <summary>Heavy requests that may wait.</summary>
    public int QueueLimit { get; }

    /// <summary>Requests waiting for a slot now.</summary>
    public long Queued => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Slots free now.</summary>
    public long Available => _limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;

    /// <summary>
    /// Takes a slot, waiting in the queue when none is free. The lease is not acquired when the
    /// queue is full; dispose an acquired lease to free the slot.
    /// </summary>
    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellation) => _limiter.AcquireAsync(1, cancellation);

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();
}

/// <summary>Runs requests to <see cref="HeavyWork"/> routes inside a slot of the <see cref="HeavyWorkLimiter"/>.</summary>
internal sealed class HeavyWorkGate
{
    private readonly RequestDelegate _next;
    private readonly HeavyWorkLimiter _limiter;

    /// <summary>Creates the middleware.</summary>
    public HeavyWorkGate(RequestDelegate next, HeavyWorkLimiter limiter)
    {
        _next = next;
        _limiter = limiter;
    }

    /// <summary>Passes cheap requests straight on; heavy ones wait for a slot or get 503 with <c>Retry-After</c>.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<HeavyWork>() is null)
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        using var lease = await _limiter.AcquireAsync(context.RequestAborted).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            context.Response.Headers.RetryAfter = RetryAfter;
            await ErrorMapping.Flat(
                StatusCodes.Status503ServiceUnavailable,
                string.Create(CultureInfo.InvariantCulture, $"The server is busy: {_limiter.MaxConcurrent} heavy requests (searches, queries, traversals, bulk writes) are running and {_limiter.QueueLimit} are waiting. Retry after {HeavyWorkLimiter.RetryAfterSeconds} s, send fewer requests at once, or raise [server] max_concurrent_heavy (VELESDB_MAX_CONCURRENT_HEAVY)."),
                VelesDbException.Format(VelesDbErrorCode.GuardRail)).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await _next(context).ConfigureAwait(false);
    }

    private static readonly string RetryAfter = HeavyWorkLimiter.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
}
