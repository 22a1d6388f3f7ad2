using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VelesDb.Server.Tests.Process;

/// <summary>
/// The built server (<c>VelesDb.Server.dll</c>, copied next to the tests by the project reference)
/// run as a real process on a loopback port, with its own environment and data directory.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly StringBuilder _log = new();

    private ServerProcess(System.Diagnostics.Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>A client for the server's base address.</summary>
    public HttpClient Client { get; }

    /// <summary>What the server wrote to stdout and stderr so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the server on <paramref name="dataDir"/> and waits (at most 30 s) until <c>/ready</c>
    /// answers 200. Rate limiting is off unless <paramref name="environment"/> sets it.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "VelesDb.Server.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first.");
        var port = FreePort();
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,

            // No velesdb.toml of the working directory may leak in.
            WorkingDirectory = dataDir,
        };
        foreach (var arg in new[] { dll, "--data-dir", dataDir, "--port", port.ToString(CultureInfo.InvariantCulture), "--host", "127.0.0.1" })
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "VELESDB_API_KEYS", "VELESDB_API_KEY", "VELESDB_CONFIG", "VELESDB_DATA_DIR", "VELESDB_HOST", "VELESDB_PORT", "VELESDB_MAX_CONCURRENT_HEAVY", "ASPNETCORE_URLS" })
        {
            psi.Environment.Remove(name);
        }

        psi.Environment["VELESDB_RATE_LIMIT"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        var server = new ServerProcess(System.Diagnostics.Process.Start(psi)!, port);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            await server.WaitReadyAsync();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    private async Task WaitReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            Assert.False(_process.HasExited, $"The server exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{Log}");
            try
            {
                using var response = await Client.GetAsync(new Uri("/ready", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        Assert.Fail($"The server was not ready within 30 s:\n{Log}");
    }

    /// <summary>Sends SIGTERM (a graceful stop) and waits at most 30 s for the exit.</summary>
    public async Task TerminateAsync()
    {
        using var kill = System.Diagnostics.Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
