using VelesDb.Server;

try
{
    await ServerApp.Build(args).RunAsync().ConfigureAwait(false);
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync($"velesdb-server: {e.Message}").ConfigureAwait(false);
    return 2;
}

return Environment.ExitCode;

/// <summary>The server entry point (top-level statements; named so tests can host it).</summary>
public partial class Program;
