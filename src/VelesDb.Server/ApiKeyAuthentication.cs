using System.Security.Cryptography;
using System.Text;
using VelesDb.Contracts;

namespace VelesDb.Server;

/// <summary>
/// Bearer-key authentication (REST spec §3.1): when keys are configured, every request except
/// <c>/health</c> and <c>/ready</c> (with or without <c>/v1</c>) needs
/// <c>Authorization: Bearer &lt;key&gt;</c>. Keys are compared as SHA-256 hashes in constant time,
/// always against every key.
/// </summary>
internal sealed class ApiKeyAuthentication
{
    private static readonly HashSet<string> PublicPaths = new(StringComparer.Ordinal) { "/health", "/ready", "/v1/health", "/v1/ready" };

    private readonly RequestDelegate _next;
    private readonly byte[][] _keyHashes;

    /// <summary>Creates the middleware with the keys of the settings.</summary>
    public ApiKeyAuthentication(RequestDelegate next, ServerSettings settings)
    {
        _next = next;
        _keyHashes = settings.ApiKeys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k))).ToArray();
    }

    /// <summary>Lets the request through or answers 401.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        if (_keyHashes.Length == 0 || PublicPaths.Contains(context.Request.Path.Value ?? string.Empty))
        {
            return _next(context);
        }

        var failure = Check(context.Request.Headers.Authorization.ToString());
        if (failure is null)
        {
            return _next(context);
        }

        return Results.Json(new AuthError("Unauthorized", failure), ContractsJsonContext.Wire.AuthError, statusCode: StatusCodes.Status401Unauthorized)
            .ExecuteAsync(context);
    }

    /// <summary>Null when the header holds a configured key, else the reason of the refusal.</summary>
    private string? Check(string header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return "missing Authorization header";
        }

        var value = header.Trim();
        const string Scheme = "Bearer";
        if (value.Length <= Scheme.Length
            || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            || !char.IsWhiteSpace(value[Scheme.Length])
            || value[Scheme.Length..].Trim().Length == 0)
        {
            return "invalid Authorization header format, expected: Bearer <key>";
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(value[Scheme.Length..].Trim()));
        var matched = false;
        foreach (var hash in _keyHashes)
        {
            matched |= CryptographicOperations.FixedTimeEquals(presented, hash);
        }

        return matched ? null : "invalid API key";
    }
}
