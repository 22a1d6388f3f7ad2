using VelesDb.Core.Collections;

namespace VelesDb.Server;

/// <summary>
/// Owns the database: opens it in the background at startup (so <c>/health</c> answers at once and
/// <c>/ready</c> reports 503 until it is open), flushes every collection once the server has stopped
/// and drained its in-flight requests (within <see cref="ServerSettings.ShutdownTimeout"/>), and
/// disposes it last.
/// </summary>
internal sealed partial class DatabaseHost : IHostedService, IDisposable
{
    private readonly ServerSettings _settings;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<DatabaseHost> _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private VelesDatabase? _database;
    private Task? _opening;
    private bool _disposed;

    /// <summary>Creates the host; nothing is opened until <see cref="StartAsync"/>.</summary>
    public DatabaseHost(ServerSettings settings, IHostApplicationLifetime lifetime, ILogger<DatabaseHost> logger, TimeProvider time)
    {
        _time = time;
        _settings = settings;
        _lifetime = lifetime;
        _logger = logger;
    }

    /// <summary>Whether the database is open and requests can be served.</summary>
    public bool IsReady => Volatile.Read(ref _database) is not null;

    /// <summary>The open database.</summary>
    /// <exception cref="DatabaseNotReadyException">The database is still opening (the client should retry).</exception>
    public VelesDatabase Database => Volatile.Read(ref _database) ?? throw new DatabaseNotReadyException();

    /// <summary>Starts opening the database in the background; a failure stops the server.</summary>
    /// <remarks>The flush and close are hooked on <c>ApplicationStopped</c>, which fires after Kestrel has drained requests.</remarks>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lifetime.ApplicationStopped.Register(FlushAll);
        _opening = Task.Run(Open, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Waits for a pending open, so the database is never left half-opened.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_opening is not null)
        {
            await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Flushes and closes the database.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            var database = Interlocked.Exchange(ref _database, null);
            database?.Dispose();
            if (database is not null)
            {
                LogClosed(_logger, _settings.DataDir);
            }
        }
    }

    private void Open()
    {
        try
        {
            LogOpening(_logger, _settings.DataDir);
            var database = VelesDatabase.Open(_settings.DataDir, new VelesDatabaseOptions { TimeProvider = _time });
            lock (_gate)
            {
                if (_disposed)
                {
                    database.Dispose();
                    return;
                }

                Volatile.Write(ref _database, database);
            }

            var collections = database.ListCollections().Count;
            LogReady(_logger, _settings.DataDir, collections);
        }
#pragma warning disable CA1031 // Any failure to open is fatal for the server: log it and stop.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogOpenFailed(_logger, _settings.DataDir, e);
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }
    }

    private void FlushAll()
    {
        lock (_gate)
        {
            var database = Volatile.Read(ref _database);
            if (database is null)
            {
                return;
            }

            try
            {
                database.Flush();
                LogFlushed(_logger, _settings.DataDir);
            }
#pragma warning disable CA1031 // A failed flush on shutdown is logged, not fatal (the WAL still holds the writes).
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogFlushFailed(_logger, e);
            }
        }

        // Close now, not when the container is disposed: the host's stop returns only after the
        // ApplicationStopped callbacks, so whoever stopped it (a test host, a supervisor restarting
        // in-process) can open the directory again at once.
        Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Opening the database in {DataDir}")]
    private static partial void LogOpening(ILogger logger, string dataDir);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database in {DataDir} is open ({Collections} collections); ready")]
    private static partial void LogReady(ILogger logger, string dataDir, int collections);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Could not open the database in {DataDir}; stopping")]
    private static partial void LogOpenFailed(ILogger logger, string dataDir, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Flushed every collection of {DataDir}")]
    private static partial void LogFlushed(ILogger logger, string dataDir);

    [LoggerMessage(Level = LogLevel.Error, Message = "Flushing the database on shutdown failed")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database in {DataDir} closed; shutdown complete")]
    private static partial void LogClosed(ILogger logger, string dataDir);
}

/// <summary>A request arrived before the database finished opening (answered 503).</summary>
internal sealed class DatabaseNotReadyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DatabaseNotReadyException()
        : base("The database is still opening; retry when GET /ready answers 200.")
    {
    }
}
