using System.Globalization;

namespace VelesDb.AnnBench.Engines;

/// <summary>
/// Parses the text protocol the out-of-process drivers (<c>native/hnswlib_driver.cpp</c>,
/// <c>node/usearch_driver.js</c>) write:
/// <code>
/// build_seconds &lt;double&gt;
/// build_threads &lt;int&gt;
/// memory_bytes &lt;int64&gt;
/// ef &lt;ef&gt; &lt;nq&gt; &lt;k&gt;     followed by nq lines "&lt;latency_us&gt; &lt;id_0&gt; ... &lt;id_k-1&gt;"
/// batch_seconds &lt;ef&gt; &lt;s&gt;  optional: one single-threaded batch call over all queries
/// ...                      (one block per ef)
/// peak_rss_bytes &lt;int64&gt;
/// end
/// </code>
/// A missing <c>end</c> line means the driver died part-way and the file is rejected.
/// </summary>
internal static class DriverOutput
{
    public static EngineResult Parse(string path, int expectedQueries, int expectedK)
    {
        using var reader = new StreamReader(path);
        double? buildSeconds = null;
        int? buildThreads = null;
        long? memoryBytes = null;
        long? peakRss = null;
        var runs = new List<EfRun>();
        var ended = false;
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            switch (fields[0])
            {
                case "build_seconds":
                    buildSeconds = double.Parse(fields[1], CultureInfo.InvariantCulture);
                    break;
                case "build_threads":
                    buildThreads = int.Parse(fields[1], CultureInfo.InvariantCulture);
                    break;
                case "memory_bytes":
                    memoryBytes = long.Parse(fields[1], CultureInfo.InvariantCulture);
                    break;
                case "peak_rss_bytes":
                    peakRss = long.Parse(fields[1], CultureInfo.InvariantCulture);
                    break;
                case "ef":
                    runs.Add(ReadEfBlock(reader, fields, path, ref lineNumber, expectedQueries, expectedK));
                    break;
                case "batch_seconds":
                    var ef = int.Parse(fields[1], CultureInfo.InvariantCulture);
                    var index = runs.FindLastIndex(r => r.Ef.Value == ef);
                    if (index < 0)
                    {
                        throw new InvalidDataException($"{path}:{lineNumber}: batch_seconds for ef {ef} before its block.");
                    }

                    runs[index] = runs[index] with { BatchSeconds = double.Parse(fields[2], CultureInfo.InvariantCulture) };
                    break;
                case "end":
                    ended = true;
                    break;
                default:
                    throw new InvalidDataException($"{path}:{lineNumber}: unexpected line '{line}'.");
            }
        }

        if (!ended || buildSeconds is null || buildThreads is null || memoryBytes is null)
        {
            throw new InvalidDataException($"{path}: incomplete driver output (no 'end' line or a missing build field).");
        }

        return new EngineResult(buildSeconds.Value, buildThreads.Value, memoryBytes.Value, peakRss, runs);
    }

    private static EfRun ReadEfBlock(StreamReader reader, string[] header, string path, ref int lineNumber, int expectedQueries, int expectedK)
    {
        var ef = int.Parse(header[1], CultureInfo.InvariantCulture);
        var queries = int.Parse(header[2], CultureInfo.InvariantCulture);
        var k = int.Parse(header[3], CultureInfo.InvariantCulture);
        if (queries != expectedQueries || k != expectedK)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: ef block has {queries} queries × k={k}, expected {expectedQueries} × {expectedK}.");
        }

        var latencies = new double[queries];
        var ids = new long[queries * k];
        for (var q = 0; q < queries; q++)
        {
            var line = reader.ReadLine() ?? throw new InvalidDataException($"{path}: ef {ef} block ends after {q} of {queries} queries.");
            lineNumber++;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != k + 1)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected a latency and {k} ids.");
            }

            latencies[q] = double.Parse(fields[0], CultureInfo.InvariantCulture);
            for (var j = 0; j < k; j++)
            {
                ids[(q * k) + j] = long.Parse(fields[j + 1], CultureInfo.InvariantCulture);
            }
        }

        return new EfRun(new EfSetting(ef), latencies, ids);
    }
}
