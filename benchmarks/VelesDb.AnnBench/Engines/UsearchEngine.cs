using System.Text.Json;

namespace VelesDb.AnnBench.Engines;

/// <summary>
/// usearch through its npm package and <c>node/usearch_driver.js</c>. The package.json (exact
/// version) and the checked-in package-lock.json are copied to <c>&lt;data-dir&gt;/node</c> and
/// installed there with <c>npm ci</c>, so node_modules never lands in the source tree.
/// </summary>
internal sealed class UsearchEngine : IAnnEngine
{
    private static readonly string[] NodeFiles = ["package.json", "package-lock.json", "usearch_driver.js"];

    private string? _directory;

    public string Name => "usearch";

    public string Version { get; private set; } = "unknown";

    public string? Prepare(HarnessEnvironment environment)
    {
        if (Shell.Which("node") is null || Shell.Which("npm") is null)
        {
            var error = Shell.AptInstall("nodejs", "npm");
            if (error is not null)
            {
                return $"node/npm are missing and could not be installed: {error}";
            }
        }

        var source = Path.Combine(environment.AssetDirectory, "node");
        var directory = Path.Combine(environment.DataDirectory, "node");
        Directory.CreateDirectory(directory);
        var manifestChanged = false;
        foreach (var file in NodeFiles)
        {
            var from = Path.Combine(source, file);
            if (!File.Exists(from))
            {
                return $"{from} is missing (it is copied next to the harness binary at build time).";
            }

            var to = Path.Combine(directory, file);
            var text = File.ReadAllText(from);
            if (!File.Exists(to) || File.ReadAllText(to) != text)
            {
                File.WriteAllText(to, text);
                manifestChanged |= file != "usearch_driver.js";
            }
        }

        var wanted = LockedVersion(Path.Combine(directory, "package-lock.json"));
        var installed = InstalledVersion(directory);
        if (manifestChanged || installed is null || installed != wanted)
        {
            Console.Error.WriteLine($"  installing usearch {wanted} with npm ci in {directory} ...");
            var install = Shell.Run("npm", ["ci", "--no-audit", "--no-fund"], directory);
            if (!install.Succeeded)
            {
                return $"npm ci failed (exit {install.ExitCode}):\n{install.Tail()}";
            }

            installed = InstalledVersion(directory);
        }

        var probe = Shell.Run("node", ["-e", "require('usearch'); process.stdout.write(process.version)"], directory);
        if (!probe.Succeeded)
        {
            return $"the usearch native module does not load on this machine:\n{probe.Tail()}";
        }

        Version = $"usearch {installed} (npm) on node {probe.StandardOutput.Trim()}";
        _directory = directory;
        return null;
    }

    public EngineResult Run(BenchCase benchCase)
    {
        var directory = _directory ?? throw new InvalidOperationException("Prepare was not called.");
        return ExternalDriver.Run(Name, "node", [Path.Combine(directory, "usearch_driver.js")], benchCase, directory);
    }

    private static string? InstalledVersion(string directory) =>
        ReadVersion(Path.Combine(directory, "node_modules", "usearch", "package.json"), root => root);

    private static string? LockedVersion(string lockFile) =>
        ReadVersion(lockFile, root => root.GetProperty("packages").GetProperty("node_modules/usearch"));

    private static string? ReadVersion(string path, Func<JsonElement, JsonElement> select)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return select(document.RootElement).GetProperty("version").GetString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
