using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace VelesDb.Server;

/// <summary>Transport settings of the application: HTTPS (REST spec §3.6) and CORS (§3.4).</summary>
internal static partial class ServerApp
{
    /// <summary>Response headers a cross-origin script may read.</summary>
    private static readonly string[] ExposedHeaders =
    [
        RequestLogging.HeaderName, "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-after", "retry-after", "deprecation", "x-api-deprecated",
    ];

    /// <summary>
    /// Listens on <paramref name="settings"/>' host and port: plain HTTP, or HTTPS (HTTP/1.1 and
    /// HTTP/2 by ALPN) with the PEM certificate and key when TLS is set.
    /// </summary>
    /// <exception cref="SettingsException">The certificate or key cannot be loaded.</exception>
    private static void ConfigureTransport(WebApplicationBuilder builder, ServerSettings settings)
    {
        var scheme = settings.TlsEnabled ? "https" : "http";
        builder.WebHost.UseUrls($"{scheme}://{FormatHost(settings.Host)}:{settings.Port}");
        if (!settings.TlsEnabled)
        {
            return;
        }

        var (certificate, chain) = LoadCertificate(settings.TlsCert!, settings.TlsKey!);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http1AndHttp2);
            k.ConfigureHttpsDefaults(h =>
            {
                h.ServerCertificate = certificate;
                h.ServerCertificateChain = chain;
            });
        });
    }

    /// <summary>Loads the leaf certificate with its key, and the intermediates that follow it in the file.</summary>
    private static (X509Certificate2 Certificate, X509Certificate2Collection Chain) LoadCertificate(string certPath, string keyPath)
    {
        try
        {
            var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(certPath);
            var chain = new X509Certificate2Collection();
            foreach (var c in all.Skip(1))
            {
                chain.Add(c);
            }

            return (certificate, chain);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"Cannot load the TLS certificate '{certPath}' with the key '{keyPath}': {e.Message} Give a PEM certificate (chain) and its matching PEM private key.", e);
        }
    }

    /// <summary>Registers the default CORS policy, built from the <see cref="ServerSettings"/> service.</summary>
    private static void AddCorsPolicy(IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<ServerSettings>((options, settings) => options.AddDefaultPolicy(policy => BuildPolicy(policy, settings.Cors)));
    }

    /// <summary>
    /// An <c>"*"</c> origin gives the permissive policy (any origin, method and header, no
    /// credentials); otherwise the listed origins, methods and headers. Preflights are cached for
    /// <see cref="CorsSettings.MaxAgeSecs"/> and the request-id and rate-limit headers are exposed.
    /// </summary>
    internal static void BuildPolicy(CorsPolicyBuilder policy, CorsSettings cors)
    {
        if (cors.IsPermissive)
        {
            policy.AllowAnyOrigin().AllowAnyMethod().AllowAnyHeader();
        }
        else
        {
            policy.WithOrigins([.. cors.AllowedOrigins]);
            _ = cors.AllowedMethods.Contains("*") ? policy.AllowAnyMethod() : policy.WithMethods([.. cors.AllowedMethods]);
            _ = cors.AllowedHeaders.Contains("*") ? policy.AllowAnyHeader() : policy.WithHeaders([.. cors.AllowedHeaders]);
            if (cors.AllowCredentials)
            {
                policy.AllowCredentials();
            }
        }

        policy.SetPreflightMaxAge(TimeSpan.FromSeconds(cors.MaxAgeSecs)).WithExposedHeaders(ExposedHeaders);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "CORS allows any origin ([cors] allowed_origins has \"*\" or is not set); list the origins of your web apps in velesdb.toml to restrict it.")]
    private static partial void LogPermissiveCors(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTPS on (HTTP/1.1 and HTTP/2) with the certificate {Certificate}")]
    private static partial void LogTls(ILogger logger, string certificate);
}
