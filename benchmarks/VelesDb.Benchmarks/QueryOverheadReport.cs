using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Filtering;
using VelesDb.Core.Query;
using VelesDb.Core.Search;
using VelesDb.VelesQL;

namespace VelesDb.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/VelesDb.Benchmarks -- velesql [output.md]</c>:
/// what VelesQL costs on top of the engine. (1) Parse latency of five representative statements
/// (<c>VelesQLParser.Parse</c>); (2) parse + validate + plan through the query engine with the plan
/// cache off and on (a hit), and an empty-result <c>db.Execute</c> both ways; (3) a seeded
/// 20,000 × 128 cosine collection queried 1,000 times with <c>SELECT * … WHERE vector NEAR $v LIMIT 10</c>
/// through <c>db.Execute</c> against a direct <c>Collection.Search(v, 10)</c> (same quality, same ef,
/// payloads on both sides), interleaved query by query, and the same for a filtered NEAR against
/// <c>Search</c> with the equivalent Core filter. Prints a Markdown report and writes it to the
/// given path (default <c>docs/benchmarks/velesql.md</c>).
/// </summary>
internal static class QueryOverheadReport
{
    private const int ParseWarmup = 2_000;
    private const int ParseIterations = 20_000;
    private const int HitBatch = 100;
    private const int Points = 20_000;
    private const int Dimension = 128;
    private const int Queries = 1_000;
    private const int Rounds = 3;
    private const int K = 10;
    private static readonly string[] Langs = ["fr", "en", "de", "es"];

    private static readonly (string Name, string Text)[] Statements =
    [
        ("simple SELECT", "SELECT id, title FROM docs WHERE lang = 'fr' AND stars >= 3 ORDER BY stars DESC LIMIT 20"),
        ("NEAR + filter", "SELECT * FROM docs WHERE vector NEAR $v AND lang = 'fr' AND tags CONTAINS ANY ('ml', 'ir') LIMIT 10 WITH (mode = 'balanced')"),
        ("GROUP BY", "SELECT lang, COUNT(*) AS n, AVG(stars) AS s FROM docs WHERE stars > 1 GROUP BY lang HAVING COUNT(*) >= 2 ORDER BY n DESC LIMIT 5"),
        ("JOIN", "SELECT d.title, u.name FROM docs AS d JOIN users AS u ON d.owner = u.id WHERE d.stars >= 4 ORDER BY d.stars DESC LIMIT 10"),
        ("MATCH", "MATCH (a:Person)-[:KNOWS*1..2]->(b:Person) WHERE a.name = 'ana' RETURN b.name AS name ORDER BY depth LIMIT 20"),
    ];

    public static void Run(string output)
    {
        var inv = CultureInfo.InvariantCulture;
        var loadAtStart = GraphTraversalReport.LoadAverage();
        var directory = Path.Combine(Path.GetTempPath(), "velesdb-bench-velesql-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            using var db = VelesDatabase.Open(directory);
            var buildWatch = Stopwatch.StartNew();
            var (docs, queries) = Build(db);
            var buildSeconds = buildWatch.Elapsed.TotalSeconds;

            var parse = Statements.Select(s => (s.Name, Stats: Measure(() => VelesQLParser.Parse(s.Text)))).ToList();

            var engine = new QueryEngine(db);
            var noCache = new QueryOptions { UsePlanCache = false };
            var withCache = QueryOptions.Default;
            var plan = Statements.Select(s =>
            {
                var cold = Measure(() => engine.Plan(s.Text, noCache, out _));
                engine.Plan(s.Text, withCache, out _);
                var hit = Measure(() => engine.Plan(s.Text, withCache, out _), HitBatch);
                return (s.Name, Cold: cold, Hit: hit);
            }).ToList();

            const string EmptyQuery = "SELECT * FROM docs WHERE id = 0";
            var emptyCold = Measure(() => db.Execute(EmptyQuery, null, noCache));
            var emptyHit = Measure(() => db.Execute(EmptyQuery));

            var near = CompareNear(
                queries,
                v => docs.Search(v, K),
                v => db.Execute("SELECT * FROM docs WHERE vector NEAR $v LIMIT 10", new Dictionary<string, object?> { ["v"] = v }));
            var filter = Filter.Parse("""{"condition": {"type": "eq", "field": "lang", "value": "fr"}}""");
            var filtered = CompareNear(
                queries,
                v => docs.Search(v, K, new SearchOptions { Filter = filter }),
                v => db.Execute("SELECT * FROM docs WHERE vector NEAR $v AND lang = 'fr' LIMIT 10", new Dictionary<string, object?> { ["v"] = v }));

            var report = new StringBuilder();
            report.AppendLine("# VelesQL overhead benchmark");
            report.AppendLine();
            var nice = GraphTraversalReport.NiceValue();
            var prefix = nice is "0" or "unknown" ? string.Empty : $"nice -n {nice} ";
            report.AppendLine(inv, $"- Command: `{prefix}dotnet run -c Release --project benchmarks/VelesDb.Benchmarks -- velesql`");
            report.AppendLine(inv, $"- Machine: {Environment.ProcessorCount} logical cores, {GraphTraversalReport.CpuModel()}, {Environment.OSVersion}, .NET {Environment.Version}");
            report.AppendLine(inv, $"- Load average at start: {loadAtStart}; at end: {GraphTraversalReport.LoadAverage()}; process nice value: {nice}");
            report.AppendLine(inv, $"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; commit: {GraphTraversalReport.Commit()}");
            report.AppendLine(inv, $"- Data: {Points:N0} random unit-range vectors of dimension {Dimension}, cosine, payload `{{lang, stars, title, owner, tags}}` (lang uniform over {Langs.Length} values), HNSW defaults, seed 20261204; built in {buildSeconds:F1} s. {Queries:N0} random query vectors.");
            report.AppendLine(inv, $"- Timing: `Stopwatch` (frequency {Stopwatch.Frequency:N0} Hz) around each call, one thread, after a warm-up; percentiles over all samples.");
            report.AppendLine();
            report.AppendLine("## Parse (`VelesQLParser.Parse`)");
            report.AppendLine();
            report.AppendLine(inv, $"{ParseIterations:N0} timed parses per statement (single calls) after at least {ParseWarmup:N0} warm-up parses and 0.5 s.");
            report.AppendLine();
            report.AppendLine("| statement | text | median µs | p99 µs |");
            report.AppendLine("|---|---|---:|---:|");
            for (var i = 0; i < Statements.Length; i++)
            {
                report.AppendLine(inv, $"| {Statements[i].Name} | `{Statements[i].Text.Replace("|", "\\|", StringComparison.Ordinal)}` | {parse[i].Stats.Median:F2} | {parse[i].Stats.P99:F2} |");
            }

            report.AppendLine();
            report.AppendLine("## Parse + validate + plan (`QueryEngine.Plan`)");
            report.AppendLine();
            report.AppendLine("The plan cache is keyed by the query text and checked against the write generation of every collection the statement names; a hit skips parsing and validation.");
            report.AppendLine();
            report.AppendLine(inv, $"{ParseIterations:N0} samples per cell. Cache-off samples are single calls; a cache hit takes well under a microsecond, so each hit sample is the mean of {HitBatch} consecutive calls (its p99 is a p99 of those means). The last row times the whole `db.Execute` call of a query that finds no row, so it adds execution (an id lookup) and result building to planning.");
            report.AppendLine();
            report.AppendLine("| statement | cache off: median µs | cache off: p99 µs | cache hit: median µs | cache hit: p99 µs |");
            report.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var (name, cold, hit) in plan)
            {
                report.AppendLine(inv, $"| {name} | {cold.Median:F2} | {cold.P99:F2} | {hit.Median:F2} | {hit.P99:F2} |");
            }

            report.AppendLine(inv, $"| `db.Execute(\"{EmptyQuery}\")` (id lookup, no row): whole call | {emptyCold.Median:F2} | {emptyCold.P99:F2} | {emptyHit.Median:F2} | {emptyHit.P99:F2} |");
            report.AppendLine();
            report.AppendLine("## NEAR through VelesQL versus a direct search");
            report.AppendLine();
            report.AppendLine(inv, $"Each of the {Queries:N0} query vectors runs once per round through both paths, the order alternating from query to query; {Rounds} rounds. Both sides use balanced quality (ef = max(128, 4k)), k = {K}, and return payloads; the VelesQL side also builds its JSON result rows (`{{id, …payload}}`) and reuses a cached plan (same text, vector bound as `$v`).");
            report.AppendLine();
            report.AppendLine("| query | direct: median µs | direct: p99 µs | direct: mean µs | VelesQL: median µs | VelesQL: p99 µs | VelesQL: mean µs | ratio (median) | ratio (mean) | same ids |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            AppendNear(report, "`SELECT * FROM docs WHERE vector NEAR $v LIMIT 10` vs `Search(v, 10)`", near);
            AppendNear(report, "`… WHERE vector NEAR $v AND lang = 'fr' LIMIT 10` vs `Search(v, 10, {Filter = eq lang 'fr'})`", filtered);
            report.AppendLine();
            report.AppendLine(inv, $"Per-query overhead of VelesQL (difference of medians): {near.Query.Median - near.Direct.Median:F1} µs unfiltered, {filtered.Query.Median - filtered.Direct.Median:F1} µs filtered. \"Same ids\" counts the queries whose VelesQL rows have exactly the ids, in order, of the direct search.");
            var text = report.ToString();
            Console.Write(text);
            var outDirectory = Path.GetDirectoryName(Path.GetFullPath(output));
            if (outDirectory is not null)
            {
                Directory.CreateDirectory(outDirectory);
            }

            File.WriteAllText(output, text);
            Console.WriteLine($"Written to {output}");
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory must not fail the report.
            }
        }
    }

    private static (Collection Docs, float[][] Queries) Build(VelesDatabase db)
    {
        var rng = new Random(20261204);
        var docs = db.CreateCollection("docs", Dimension, DistanceMetric.Cosine);
        var batch = new List<Point>(1_000);
        for (var id = 1; id <= Points; id++)
        {
            var json = string.Create(
                CultureInfo.InvariantCulture,
                $$"""{"lang":"{{Langs[rng.Next(Langs.Length)]}}","stars":{{rng.Next(1, 6)}},"title":"doc {{id}}","owner":{{rng.Next(1, 101)}},"tags":["{{(rng.Next(2) == 0 ? "ml" : "db")}}"]}""");
            batch.Add(Point.WithJson((ulong)id, RandomVector(rng), json));
            if (batch.Count == batch.Capacity)
            {
                docs.Upsert(batch);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            docs.Upsert(batch);
        }

        var users = db.CreateMetadataCollection("users");
        users.Upsert([.. Enumerable.Range(1, 100).Select(i => Point.Metadata((ulong)i, JsonDocument.Parse($$"""{"name":"user{{i}}"}""").RootElement.Clone()))]);
        var queries = new float[Queries][];
        for (var i = 0; i < queries.Length; i++)
        {
            queries[i] = RandomVector(rng);
        }

        return (docs, queries);
    }

    private static float[] RandomVector(Random rng)
    {
        var v = new float[Dimension];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        return v;
    }

    private readonly record struct Stats(double Median, double P99, double Mean);

    private static Stats Summarise(List<double> micros)
    {
        micros.Sort();
        return new Stats(micros[micros.Count / 2], micros[Math.Min(micros.Count - 1, (int)(0.99 * micros.Count))], micros.Average());
    }

    /// <summary>
    /// Times <paramref name="action"/>: a warm-up of at least <see cref="ParseWarmup"/> calls and half a
    /// second (so tiered JIT has promoted the hot methods), then <see cref="ParseIterations"/> samples,
    /// each the mean of <paramref name="batch"/> consecutive calls (calls far below a microsecond are
    /// batched because the clock ticks in tenths of a microsecond on some hosts).
    /// </summary>
    private static Stats Measure(Action action, int batch = 1)
    {
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < ParseWarmup || warm.ElapsedMilliseconds < 500; i++)
        {
            action();
        }

        var micros = new List<double>(ParseIterations);
        for (var i = 0; i < ParseIterations; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var j = 0; j < batch; j++)
            {
                action();
            }

            micros.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds / batch);
        }

        return Summarise(micros);
    }

    private readonly record struct NearComparison(Stats Direct, Stats Query, int SameIds);

    private static NearComparison CompareNear(float[][] queries, Func<float[], IReadOnlyList<SearchResult>> direct, Func<float[], QueryResult> query)
    {
        // Warm-up: JIT tiering and the search scratch buffers of both paths.
        for (var i = 0; i < 200; i++)
        {
            direct(queries[i]);
            query(queries[i]);
        }

        var directMicros = new List<double>(queries.Length * Rounds);
        var queryMicros = new List<double>(queries.Length * Rounds);
        var same = 0;
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < queries.Length; i++)
            {
                IReadOnlyList<SearchResult>? hits = null;
                QueryResult? rows = null;
                for (var side = 0; side < 2; side++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    if ((side + i) % 2 == 0)
                    {
                        hits = direct(queries[i]);
                        directMicros.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                    }
                    else
                    {
                        rows = query(queries[i]);
                        queryMicros.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
                    }
                }

                if (round == 0 && hits!.Select(h => h.Id).SequenceEqual(rows!.Rows.Select(r => r["id"]!.GetValue<ulong>())))
                {
                    same++;
                }
            }
        }

        return new NearComparison(Summarise(directMicros), Summarise(queryMicros), same);
    }

    private static void AppendNear(StringBuilder report, string name, NearComparison c)
    {
        var inv = CultureInfo.InvariantCulture;
        report.AppendLine(inv, $"| {name} | {c.Direct.Median:F1} | {c.Direct.P99:F1} | {c.Direct.Mean:F1} | {c.Query.Median:F1} | {c.Query.P99:F1} | {c.Query.Mean:F1} | {c.Query.Median / c.Direct.Median:F2}× | {c.Query.Mean / c.Direct.Mean:F2}× | {c.SameIds:N0} / {Queries:N0} |");
    }
}
