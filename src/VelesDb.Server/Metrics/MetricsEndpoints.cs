namespace VelesDb.Server.Metrics;

/// <summary><c>GET /metrics</c> (REST spec §2.1 #3, §2.11): Prometheus text, protected like every route.</summary>
internal static class MetricsEndpoints
{
    /// <summary>Maps the route on a route group.</summary>
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/metrics", static (ServerMetrics metrics) => Results.Text(metrics.Render(), PrometheusText.ContentType));
}
