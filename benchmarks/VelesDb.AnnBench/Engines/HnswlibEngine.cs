namespace VelesDb.AnnBench.Engines;

/// <summary>
/// hnswlib (C++, header-only, Debian <c>libhnswlib-dev</c>) through <c>native/hnswlib_driver.cpp</c>,
/// compiled by the harness with <c>g++ -O3 -march=native</c> into the data directory.
/// </summary>
internal sealed class HnswlibEngine : IAnnEngine
{
    public const string Header = "/usr/include/hnswlib/hnswlib.h";
    public static readonly string[] CompileFlags = ["-O3", "-march=native", "-std=c++17", "-pthread", "-DNDEBUG"];

    private string? _driver;

    public string Name => "hnswlib";

    public string Version { get; private set; } = "unknown";

    public string? Prepare(HarnessEnvironment environment)
    {
        if (!File.Exists(Header))
        {
            var error = Shell.AptInstall("libhnswlib-dev");
            if (error is not null)
            {
                return error;
            }
        }

        if (Shell.Which("g++") is null)
        {
            var error = Shell.AptInstall("g++");
            if (error is not null)
            {
                return error;
            }
        }

        var compiler = Shell.Run("g++", ["-dumpfullversion"]).StandardOutput.Trim();
        Version = $"libhnswlib-dev {Shell.DebianVersion("libhnswlib-dev") ?? "(not from dpkg)"}, g++ {compiler} {string.Join(' ', CompileFlags)}";
        var source = Path.Combine(environment.AssetDirectory, "native", "hnswlib_driver.cpp");
        if (!File.Exists(source))
        {
            return $"driver source {source} is missing (it is copied next to the harness binary at build time).";
        }

        var binDirectory = Path.Combine(environment.DataDirectory, "bin");
        Directory.CreateDirectory(binDirectory);
        var driver = Path.Combine(binDirectory, "hnswlib_driver");
        var stamp = driver + ".flags";
        var flags = string.Join(' ', CompileFlags);
        var compileCommand = $"g++ {flags} -o {driver} {source}";
        var upToDate = File.Exists(driver)
            && File.GetLastWriteTimeUtc(driver) >= File.GetLastWriteTimeUtc(source)
            && File.Exists(stamp) && File.ReadAllText(stamp) == flags;
        if (!upToDate)
        {
            Console.Error.WriteLine($"  compiling: {compileCommand}");
            var temporary = driver + ".tmp";
            var result = Shell.Run("g++", [.. CompileFlags, "-o", temporary, source]);
            if (!result.Succeeded)
            {
                return $"g++ failed (exit {result.ExitCode}):\n{result.Tail()}";
            }

            File.Move(temporary, driver, overwrite: true);
            File.WriteAllText(stamp, flags);
        }

        _driver = driver;
        return null;
    }

    public EngineResult Run(BenchCase benchCase) =>
        ExternalDriver.Run(Name, _driver ?? throw new InvalidOperationException("Prepare was not called."), [], benchCase);
}
