using System.Globalization;

namespace VelesDb.AnnBench.Engines;

/// <summary>Runs an out-of-process driver with the shared argument list and parses its output.</summary>
internal static class ExternalDriver
{
    /// <summary>
    /// Runs <paramref name="command"/> <paramref name="prefix"/>… followed by
    /// <c>base.fvecs query.fvecs nq M ef_construction ef,ef,… k build_threads repeats warmup out.txt</c>.
    /// </summary>
    public static EngineResult Run(string engine, string command, IReadOnlyList<string> prefix, BenchCase benchCase, string? workingDirectory = null)
    {
        Directory.CreateDirectory(benchCase.ScratchDirectory);
        var output = Path.Combine(benchCase.ScratchDirectory, $"{engine}-results.txt");
        File.Delete(output);
        var invariant = CultureInfo.InvariantCulture;
        List<string> arguments =
        [
            .. prefix,
            benchCase.Dataset.BasePath,
            benchCase.Dataset.QueryPath,
            benchCase.QueryCount.ToString(invariant),
            benchCase.M.ToString(invariant),
            benchCase.EfConstruction.ToString(invariant),
            string.Join(',', benchCase.Efs.Select(ef => ef.ToString(invariant))),
            benchCase.K.ToString(invariant),
            benchCase.BuildThreads.ToString(invariant),
            benchCase.Repeats.ToString(invariant),
            benchCase.Warmup.ToString(invariant),
            output,
        ];
        var result = Shell.Run(command, arguments, workingDirectory);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{engine} driver failed (exit {result.ExitCode}):\n{result.Tail()}");
        }

        try
        {
            return DriverOutput.Parse(output, benchCase.QueryCount, benchCase.K);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
