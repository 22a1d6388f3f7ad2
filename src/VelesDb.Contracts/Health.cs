namespace VelesDb.Contracts;

/// <summary>The body of <c>GET /health</c> and <c>GET /ready</c>.</summary>
/// <param name="Status"><c>ok</c> (health), <c>ready</c> or <c>not_ready</c>.</param>
/// <param name="Version">The server version.</param>
public sealed record HealthResponse(string Status, string Version);
