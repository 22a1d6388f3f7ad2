using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VelesDb.AnnBench.Reporting;

/// <summary>Describes the machine from /proc and the runtime, for the report.</summary>
internal static class MachineProbe
{
    public static MachineInfo Describe() => new()
    {
        Cpu = ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Cores = Environment.ProcessorCount,
        MemoryBytes = MemTotal(),
        Simd = Vector512.IsHardwareAccelerated ? "AVX-512" : Avx2.IsSupported ? "AVX2" : Vector128.IsHardwareAccelerated ? "128-bit" : "scalar",
        Os = OsName(),
        Runtime = RuntimeInformation.FrameworkDescription,
    };

    private static string? ProcField(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == key)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static long MemTotal()
    {
        var text = ProcField("/proc/meminfo", "MemTotal");
        return text is not null && long.TryParse(text.Split(' ')[0], out var kib) ? kib * 1024 : 0;
    }

    private static string OsName()
    {
        const string osRelease = "/etc/os-release";
        if (File.Exists(osRelease))
        {
            foreach (var line in File.ReadLines(osRelease))
            {
                if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                {
                    var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : null;
                    var name = line["PRETTY_NAME=".Length..].Trim('"');
                    return kernel is null ? name : $"{name}, Linux {kernel}";
                }
            }
        }

        return RuntimeInformation.OSDescription;
    }
}
