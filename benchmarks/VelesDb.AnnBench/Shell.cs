using System.Diagnostics;
using System.Text;

namespace VelesDb.AnnBench;

/// <summary>The result of a finished child process.</summary>
internal sealed record ShellResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines of stderr (or stdout when stderr is empty), for error messages.</summary>
    public string Tail(int lines = 12)
    {
        var text = StandardError.Trim().Length > 0 ? StandardError : StandardOutput;
        var all = text.Trim().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}

/// <summary>Runs child processes and installs Debian packages the harness needs.</summary>
internal static class Shell
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/> and captures its output.</summary>
    public static ShellResult Run(string file, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    stdout.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ShellResult(127, string.Empty, $"cannot start {file}: {e.Message}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return new ShellResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The full path of <paramref name="command"/> on PATH, or null.</summary>
    public static string? Which(string command)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            if (directory.Length == 0)
            {
                continue;
            }

            var candidate = Path.Combine(directory, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Installs Debian packages with <c>apt-get install -y</c> (through sudo when not root),
    /// running <c>apt-get update</c> and retrying once when the first attempt fails (a fresh
    /// machine usually has no package lists). Returns null on success, else the reason.
    /// </summary>
    public static string? AptInstall(params string[] packages)
    {
        if (Which("apt-get") is null)
        {
            return $"apt-get is not available to install {string.Join(' ', packages)}.";
        }

        var prefix = Environment.IsPrivilegedProcess ? [] : new[] { "sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive" };
        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        Console.Error.WriteLine($"  installing {string.Join(' ', packages)} with apt-get ...");
        var install = AptGet(prefix, ["install", "-y", "--no-install-recommends", .. packages], environment);
        if (install.Succeeded)
        {
            return null;
        }

        Console.Error.WriteLine("  apt-get install failed; running apt-get update and retrying ...");
        var update = AptGet(prefix, ["update"], environment);
        if (!update.Succeeded)
        {
            return $"apt-get update failed (exit {update.ExitCode}):\n{update.Tail()}";
        }

        install = AptGet(prefix, ["install", "-y", "--no-install-recommends", .. packages], environment);
        return install.Succeeded ? null : $"apt-get install {string.Join(' ', packages)} failed (exit {install.ExitCode}):\n{install.Tail()}";
    }

    /// <summary>The installed version of a Debian package, or null.</summary>
    public static string? DebianVersion(string package)
    {
        if (Which("dpkg-query") is null)
        {
            return null;
        }

        var result = Run("dpkg-query", ["-W", "-f=${Version}", package]);
        return result.Succeeded && result.StandardOutput.Trim().Length > 0 ? result.StandardOutput.Trim() : null;
    }

    private static ShellResult AptGet(string[] prefix, string[] arguments, Dictionary<string, string> environment) =>
        prefix.Length == 0
            ? Run("apt-get", arguments, environment: environment)
            : Run(prefix[0], [.. prefix[1..], "apt-get", .. arguments], environment: environment);
}
