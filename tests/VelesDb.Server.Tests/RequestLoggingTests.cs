using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace VelesDb.Server.Tests;

/// <summary>Request ids (<c>x-request-id</c>) and the per-request log line.</summary>
public sealed class RequestLoggingTests
{
    [Fact]
    public async Task RequestId_IsEchoed_OrGenerated()
    {
        using var factory = new ServerFactory();
        using var client = factory.CreateClient();

        using var given = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/health", UriKind.Relative));
        given.Headers.Add("x-request-id", "abc-123");
        using var echoed = await client.SendAsync(given);
        Assert.Equal("abc-123", Assert.Single(echoed.Headers.GetValues("x-request-id")));

        using var none = await client.GetAsync(new Uri("/v1/health", UriKind.Relative));
        var generated = Assert.Single(none.Headers.GetValues("x-request-id"));
        Assert.False(string.IsNullOrWhiteSpace(generated));

        // Unusable ids (spaces, over 128 characters) are replaced, not echoed.
        using var spaced = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/health", UriKind.Relative));
        spaced.Headers.TryAddWithoutValidation("x-request-id", "two words");
        using var replaced = await client.SendAsync(spaced);
        Assert.NotEqual("two words", Assert.Single(replaced.Headers.GetValues("x-request-id")));
        Assert.Null(RequestLogging.ClientId(new string('a', 129)));
        Assert.Equal(new string('a', 128), RequestLogging.ClientId(new string('a', 128)));

        // Error bodies carry it too.
        var (status, _, missing) = await Http.GetAsync(client, "/v1/collections/nope");
        Assert.Equal(404, status);
        Assert.Single(missing.Headers.GetValues("x-request-id"));
    }

    [Fact]
    public async Task EachRequest_LogsOneDebugLine_InItsRequestIdScope()
    {
        var sink = new CapturingProvider();
        using var factory = new ServerFactory();
        using var configured = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddProvider(sink)));
        using var client = configured.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/collections/nope", UriKind.Relative));
        request.Headers.Add("x-request-id", "req-42");
        using var response = await client.SendAsync(request);
        Assert.Equal(404, (int)response.StatusCode);

        var line = Assert.Single(sink.Entries, e => e.Category == typeof(RequestLogging).FullName && e.Scopes.Contains("RequestId:req-42"));
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.StartsWith("GET /v1/collections/{name} (/v1/collections/nope) answered 404 in ", line.Message, StringComparison.Ordinal);
        Assert.EndsWith(" ms", line.Message, StringComparison.Ordinal);
    }

    private sealed record Entry(string Category, LogLevel Level, string Message, IReadOnlyList<string> Scopes);

    private sealed class CapturingProvider : ILoggerProvider
    {
        private readonly AsyncLocal<ImmutableStack> _scopes = new();

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed record ImmutableStack(string Top, ImmutableStack? Rest);

        private sealed class CapturingLogger(CapturingProvider provider, string category) : ILogger
        {
            public IDisposable BeginScope<TState>(TState state)
                where TState : notnull
            {
                var previous = provider._scopes.Value;
                provider._scopes.Value = new ImmutableStack(state.ToString() ?? string.Empty, previous);
                return new Pop(() => provider._scopes.Value = previous!);
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                for (var s = provider._scopes.Value; s is not null; s = s.Rest)
                {
                    scopes.Add(s.Top);
                }

                provider.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), scopes));
            }
        }

        private sealed class Pop(Action action) : IDisposable
        {
            public void Dispose() => action();
        }
    }
}
