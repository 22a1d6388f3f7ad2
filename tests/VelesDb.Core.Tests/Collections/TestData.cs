using System.Text.Json;
using VelesDb.Core.Collections;

namespace VelesDb.Core.Tests.Collections;

internal static class TestData
{
    public static float[] Vector(int dim, int seed)
    {
        var rng = new Random(seed);
        var v = new float[dim];
        for (var i = 0; i < dim; i++)
        {
            v[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return v;
    }

    public static Point Point(ulong id, int dim, string? json = null) =>
        json is null ? new Point(id, Vector(dim, (int)id)) : Core.Collections.Point.WithJson(id, Vector(dim, (int)id), json);

    /// <summary>Copies a database directory as a crash would leave it: whatever is in the files now.</summary>
    public static void CrashCopy(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(source, file);
            if (rel == "velesdb.lock")
            {
                continue;
            }

            var target = Path.Combine(destination, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var output = File.Create(target);
            input.CopyTo(output);
        }
    }

    public static string PayloadText(Point? p) => p?.Payload is { } e ? JsonSerializer.Serialize(e) : "";
}
