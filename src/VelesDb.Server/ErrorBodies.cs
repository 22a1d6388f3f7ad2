using VelesDb.Core.Errors;

namespace VelesDb.Server;

/// <summary>
/// The outermost middleware: every error leaves the server as a JSON body. Framework rejections
/// (malformed JSON, wrong content type, oversized body), unknown routes, wrong methods, requests
/// before the database is open and unexpected failures all get a flat <c>{"error", "code"?}</c> body.
/// </summary>
internal sealed partial class ErrorBodies
{
    private readonly RequestDelegate _next;
    private readonly ILogger<ErrorBodies> _logger;

    /// <summary>Creates the middleware.</summary>
    public ErrorBodies(RequestDelegate next, ILogger<ErrorBodies> logger)
    {
        _next = next;
        _logger = logger;
    }

    /// <summary>Runs the rest of the pipeline and turns its errors into JSON bodies.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        IResult? error;
        try
        {
            await _next(context).ConfigureAwait(false);
            error = context.Response.HasStarted || context.Response.StatusCode < 400 || context.Response.ContentType is not null
                ? null
                : ErrorMapping.Flat(context.Response.StatusCode, MessageFor(context, context.Response.StatusCode));
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            error = ErrorMapping.Flat(e.StatusCode, MessageFor(context, e.StatusCode, e));
        }
        catch (DatabaseNotReadyException e) when (!context.Response.HasStarted)
        {
            error = ErrorMapping.Flat(StatusCodes.Status503ServiceUnavailable, e.Message);
        }
        catch (VelesDbException e) when (!context.Response.HasStarted)
        {
            error = ErrorMapping.Flat(e);
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            LogUnhandled(_logger, context.Request.Method, context.Request.Path, e);
            error = ErrorMapping.Flat(
                StatusCodes.Status500InternalServerError,
                "Internal server error; the server log has the details.",
                VelesDbException.Format(VelesDbErrorCode.Internal));
        }

        if (error is not null)
        {
            await error.ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    private static string MessageFor(HttpContext context, int status, BadHttpRequestException? e = null)
    {
        var request = $"{context.Request.Method} {context.Request.Path}";
        return status switch
        {
            StatusCodes.Status404NotFound => $"No route matches {request}; routes are listed in the REST API reference, under /v1/ or unprefixed.",
            StatusCodes.Status405MethodNotAllowed => $"Method {context.Request.Method} is not allowed on {context.Request.Path}; check the REST API reference for the methods of this route.",
            StatusCodes.Status415UnsupportedMediaType => "Send the request body as JSON with the header Content-Type: application/json.",
            StatusCodes.Status413PayloadTooLarge => "The request body is over the size limit of this route (2 MB; 100 MB for point uploads); send smaller batches.",
            StatusCodes.Status400BadRequest when e?.InnerException is System.Text.Json.JsonException json =>
                $"The request body is not valid JSON for this route: {json.Message} Fix the JSON and retry.",
            StatusCodes.Status400BadRequest => $"Bad request: {e?.Message ?? request}. Check the body and parameters against the REST API reference.",
            _ => e?.Message ?? $"The request {request} failed with status {status}.",
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, PathString path, Exception exception);
}
