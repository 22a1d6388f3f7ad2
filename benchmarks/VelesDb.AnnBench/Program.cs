namespace VelesDb.AnnBench;

/// <summary>
/// The ANN benchmark harness (<c>bench</c>): recall@k, latency percentiles, single-thread QPS,
/// build time and memory of VelesDB against hnswlib and usearch on the same data in the same run.
/// See README.md in this folder.
/// </summary>
public static class Program
{
    /// <summary>Runs the harness; exit code 0 when every selected engine ran, 1 when one was skipped or failed, 2 on bad options.</summary>
    public static int Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args, RepositoryRoot());
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        return new BenchRunner(options).Run();
    }

    /// <summary>The folder holding VelesDb.slnx above the working directory (else above the binary, else the working directory).</summary>
    private static string RepositoryRoot()
    {
        foreach (var start in (string[])[Environment.CurrentDirectory, AppContext.BaseDirectory])
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "VelesDb.slnx")))
                {
                    return directory.FullName;
                }
            }
        }

        return Environment.CurrentDirectory;
    }
}
