using VelesDb.Core.Collections;

namespace VelesDb.Server.Tests;

/// <summary>
/// A test class with its own in-process server: the database is open and a client is ready before
/// each test; <see cref="SeedAsync"/> adds the class's data.
/// </summary>
public abstract class ServerTest : IAsyncLifetime, IDisposable
{
    /// <summary>A server on a fresh data directory, authentication and rate limiting off.</summary>
    protected ServerTest()
        : this(new ServerFactory())
    {
    }

    /// <summary>A server built by the caller (keys, clock, …).</summary>
    protected ServerTest(ServerFactory factory) => Factory = factory;

    /// <summary>The server.</summary>
    protected ServerFactory Factory { get; }

    /// <summary>A client of the server.</summary>
    protected HttpClient Client { get; private set; } = null!;

    /// <summary>The server's database, for seeding and checking behind the routes.</summary>
    protected VelesDatabase Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = await Factory.ReadyDatabaseAsync();
        Client = Factory.CreateClient();
        await SeedAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds the data every test of the class starts from (nothing by default).</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;
}
