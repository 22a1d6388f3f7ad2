using BenchmarkDotNet.Running;

namespace VelesDb.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release -- --filter '*Distance*'</c>.</summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected by the command line.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
