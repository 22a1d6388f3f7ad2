using System.Diagnostics;
using VelesDb.Server.Metrics;

namespace VelesDb.Server;

/// <summary>
/// The outermost middleware: gives each request an id (the client's <c>x-request-id</c> when it is
/// 1–128 visible ASCII characters, else the server's trace identifier), echoes it in the
/// <c>x-request-id</c> response header, opens a log scope with it, and once the response is done
/// records the request metrics and logs one line (method, route template, path, status, elapsed) at
/// debug level. It sits outside <see cref="ErrorBodies"/> so it sees the status of the error
/// responses that middleware writes.
/// </summary>
internal sealed partial class RequestLogging
{
    /// <summary>The request id header, read from requests and set on every response.</summary>
    public const string HeaderName = "x-request-id";

    private const int MaxIdLength = 128;

    private static readonly Func<ILogger, string, IDisposable?> Scope = LoggerMessage.DefineScope<string>("RequestId:{RequestId}");

    private readonly RequestDelegate _next;
    private readonly ILogger<RequestLogging> _logger;
    private readonly ServerMetrics _metrics;

    /// <summary>Creates the middleware.</summary>
    public RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger, ServerMetrics metrics)
    {
        _next = next;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>Runs the request inside its id scope and records it.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var id = ClientId(context.Request.Headers[HeaderName].ToString()) ?? context.TraceIdentifier;
        context.TraceIdentifier = id;
        context.Response.Headers[HeaderName] = id;
        var started = Stopwatch.GetTimestamp();
        _metrics.RequestStarted();
        using var scope = Scope(_logger, id);
        var failed = false;
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? ServerMetrics.UnmatchedRoute;

            // An exception that escaped with the response not started becomes a 500 from the server.
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            _metrics.RequestFinished(context.Request.Method, route, status, elapsed.TotalSeconds);
            LogRequest(_logger, context.Request.Method, route, context.Request.Path, status, elapsed.TotalMilliseconds);
        }
    }

    /// <summary>The client's id when it is usable (1–128 characters between '!' and '~'), else null.</summary>
    internal static string? ClientId(string header)
    {
        if (header.Length is 0 or > MaxIdLength)
        {
            return null;
        }

        foreach (var c in header)
        {
            if (c is < '!' or > '~')
            {
                return null;
            }
        }

        return header;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Route} ({Path}) answered {Status} in {ElapsedMs} ms")]
    private static partial void LogRequest(ILogger logger, string method, string route, PathString path, int status, double elapsedMs);
}
