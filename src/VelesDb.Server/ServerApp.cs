using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using VelesDb.Contracts;

namespace VelesDb.Server;

/// <summary>Builds the web application: services, middleware and the route table.</summary>
internal static partial class ServerApp
{
    /// <summary>The largest request body on routes without their own limit (2 MB).</summary>
    public const long DefaultBodyLimit = 2 * 1024 * 1024;

    /// <summary>The server version reported by <c>/health</c> and <c>/ready</c>.</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>Creates the application for the given arguments, reading the environment and <c>velesdb.toml</c>.</summary>
    public static WebApplication Build(string[] args)
    {
        var settings = ServerSettings.Load(args, Environment.GetEnvironmentVariable, path => File.Exists(path) ? File.ReadAllText(path) : null);
        var builder = WebApplication.CreateSlimBuilder(args);

        builder.Logging.SetMinimumLevel(settings.LogLevel);

        // Per-request framework chatter only at debug level and below.
        builder.Logging.AddFilter("Microsoft.AspNetCore", settings.LogLevel < LogLevel.Information ? settings.LogLevel : LogLevel.Warning);
        ConfigureTransport(builder, settings);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = DefaultBodyLimit);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ContractsJsonContext.Default);
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.MaxDepth = 64;
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DatabaseHost>();
        builder.Services.AddSingleton<SearchDiagnostics>();
        builder.Services.AddSingleton(sp => new HeavyWorkLimiter(sp.GetRequiredService<ServerSettings>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DatabaseHost>());
        builder.Services.AddSingleton<Metrics.ServerMetrics>();
        AddCorsPolicy(builder.Services);

        // OpenAPI document of the /v1 routes (the legacy unprefixed copies are left out), at /openapi/v1.json.
        builder.Services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "VelesDB REST API";
                document.Info.Version = Version;
                return Task.CompletedTask;
            });
        });

        var app = builder.Build();
        Configure(app);
        return app;
    }

    private static void Configure(WebApplication app)
    {
        var settings = app.Services.GetRequiredService<ServerSettings>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("VelesDb.Server");
        if (!settings.AuthEnabled && !settings.IsLoopback)
        {
            LogOpenBind(logger, settings.Host);
        }

        if (settings.TlsEnabled)
        {
            LogTls(logger, settings.TlsCert!);
        }

        if (settings.Cors.IsPermissive)
        {
            LogPermissiveCors(logger);
        }

        LogStarting(logger, settings.Host, settings.Port, settings.DataDir, settings.AuthEnabled);

        // Request id, access log and request metrics outermost, so they see the final status of every
        // response, error bodies included. Routing runs before the rate limit and authentication so
        // their 429/401 answers are counted under the route template they were aimed at. CORS comes
        // before both: preflights are answered without a key and uncounted, and 401/429 carry the
        // CORS headers so browser apps can read them.
        app.UseMiddleware<RequestLogging>();
        app.UseMiddleware<ErrorBodies>();
        app.UseRouting();
        app.UseCors();
        app.UseMiddleware<RateLimiting>();
        app.UseMiddleware<ApiKeyAuthentication>();
        app.Use(static (context, next) =>
        {
            BodyLimit.Apply(context);
            if (context.GetEndpoint()?.Metadata.GetMetadata<LegacyRoute>() is not null)
            {
                context.Response.Headers["deprecation"] = "true";
                context.Response.Headers["x-api-deprecated"] = "Use /v1/ prefix";
            }

            return next(context);
        });
        app.UseMiddleware<HeavyWorkGate>();

        app.MapOpenApi("/openapi/{documentName}.json");
        MapRoutes(app.MapGroup("/v1"));
        MapRoutes(app.MapGroup(string.Empty).WithMetadata(LegacyRoute.Instance));
    }

    /// <summary>The route table, mapped once under <c>/v1</c> and once unprefixed.</summary>
    private static void MapRoutes(RouteGroupBuilder routes)
    {
        routes.MapGet("/health", static () => Results.Json(new HealthResponse("ok", Version), ContractsJsonContext.Wire.HealthResponse));
        routes.MapGet("/ready", static (DatabaseHost host) => host.IsReady
            ? Results.Json(new HealthResponse("ready", Version), ContractsJsonContext.Wire.HealthResponse)
            : Results.Json(new HealthResponse("not_ready", Version), ContractsJsonContext.Wire.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable));
        CollectionEndpoints.Map(routes);
        QueryEndpoints.Map(routes);
        PointEndpoints.Map(routes);
        SearchEndpoints.Map(routes);
        GraphEndpoints.Map(routes);
        MatchEndpoints.Map(routes);
        IngestEndpoints.Map(routes);
        AdminEndpoints.Map(routes);
        Metrics.MetricsEndpoints.Map(routes);
    }

    private static string FormatHost(string host) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;

    private static string ReadVersion()
    {
        var version = typeof(ServerApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No API key is configured and the server listens on {Host}, which is not loopback: anyone who can reach it has full access. Set VELESDB_API_KEYS or bind 127.0.0.1.")]
    private static partial void LogOpenBind(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Information, Message = "VelesDB server on {Host}:{Port}, data in {DataDir}, authentication {AuthEnabled}")]
    private static partial void LogStarting(ILogger logger, string host, int port, string dataDir, bool authEnabled);
}

/// <summary>Marks the unprefixed (legacy) copy of a route, answered with the deprecation headers.</summary>
internal sealed class LegacyRoute
{
    /// <summary>The shared marker.</summary>
    public static LegacyRoute Instance { get; } = new();
}
