using VelesDb.Contracts;
using VelesDb.Core.Errors;
using VelesDb.Core.Query;

namespace VelesDb.Server;

/// <summary>The database-wide query guard-rails (REST spec §2.1 #4–5, §3.3), over Core's <see cref="QueryGuard"/>.</summary>
internal static class GuardRailEndpoints
{
    /// <summary>Maps the routes on a route group.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/guardrails", Get);
        routes.MapPut("/guardrails", Put);
    }

    /// <summary>The guard-rails now.</summary>
    public static IResult Get(DatabaseHost host) =>
        Results.Json(ToBody(host.Database.Guard.Current), ContractsJsonContext.Wire.GuardRailsBody);

    /// <summary>Merges the given fields into the guard-rails (400 VELES-009 on a bad value; nothing changes then) and answers them all.</summary>
    public static IResult Put(GuardRailsBody body, DatabaseHost host)
    {
        var guard = host.Database.Guard;
        var current = guard.Current;
        if (body.MaxDepth is > int.MaxValue or < int.MinValue || body.CircuitFailureThreshold is > int.MaxValue or < int.MinValue)
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, "Invalid guard-rail: max_depth and circuit_failure_threshold must be small integers (max_depth 1-32, circuit_failure_threshold at least 1).", VelesDbException.Format(VelesDbErrorCode.Config));
        }

        try
        {
            var updated = guard.Update(current with
            {
                MaxDepth = (int?)body.MaxDepth ?? current.MaxDepth,
                MaxCardinality = body.MaxCardinality ?? current.MaxCardinality,
                MemoryLimitBytes = body.MemoryLimitBytes ?? current.MemoryLimitBytes,
                TimeoutMs = body.TimeoutMs ?? current.TimeoutMs,
                RateLimitQps = body.RateLimitQps ?? current.RateLimitQps,
                CircuitFailureThreshold = (int?)body.CircuitFailureThreshold ?? current.CircuitFailureThreshold,
                CircuitRecoverySeconds = body.CircuitRecoverySeconds ?? current.CircuitRecoverySeconds,
            });
            return Results.Json(ToBody(updated), ContractsJsonContext.Wire.GuardRailsBody);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }
    }

    private static GuardRailsBody ToBody(GuardRails r) =>
        new(r.MaxDepth, r.MaxCardinality, r.MemoryLimitBytes, r.TimeoutMs, r.RateLimitQps, r.CircuitFailureThreshold, r.CircuitRecoverySeconds);
}
