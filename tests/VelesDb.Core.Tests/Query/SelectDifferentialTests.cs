using System.Globalization;
using System.Text;
using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Tests.Query;

/// <summary>
/// Differential test of SELECT: seeded random data and random queries, each answered by the
/// executor (through <see cref="VelesDatabase.Execute"/>) and by a naive evaluator written in this
/// file from the documented rules (docs/FILTERS.md, spec §6.3–6.5), never by calling executor code.
/// The rows must be identical: same ids, same order, same projected keys and values.
/// </summary>
public sealed class SelectDifferentialTests
{
    private const int PointCount = 400;
    private const int FilterQueriesPerSeed = 60;
    private const int NearQueriesPerSeed = 24;
    private const int JoinQueriesPerSeed = 30;
    private const int GroupQueriesPerSeed = 20;
    private const int Dimension = 4;
    private const string Chars = "abcAB";
    private static readonly string[] TagPool = ["x", "y", "z", "w"];
    private static readonly string[] Columns = ["id", "a", "b", "s", "f", "tags", "m", "zz"];
    private static readonly string[] NullableFields = ["a", "b", "s", "f", "tags", "m", "zz"];
    private static readonly string[] OrderKeys = ["a", "b", "s", "id", "a * 2 + b", "b - a"];
    private static readonly string[] CompareOps = ["=", "!=", "<>", "<", "<=", ">", ">="];

    /// <summary>An explicit JSON <c>null</c> in a payload (a missing field is simply absent).</summary>
    private static readonly object JsonNull = new();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomFilteredSelects_EqualNaiveEvaluation(int seed)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var points = Load(db, seed, out _);
        var gen = new Generator(new Random(seed * 7_919), points);
        var failures = new List<string>();
        for (var i = 0; i < FilterQueriesPerSeed; i++)
        {
            var (query, expected) = gen.Select();
            Check(db, seed, query, gen.Parameters, expected, failures);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {FilterQueriesPerSeed} queries differ (seed {seed}):\n" + string.Join("\n\n", failures.Take(4)));
    }

    /// <summary>
    /// Joins: <c>c</c> joined to a users collection on <c>t.a = u.id</c> (ids 1–7, so some rows have no
    /// match and some have a missing or null key). WHERE has the semantics it has without a join.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomJoins_EqualNaiveEvaluation(int seed)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var points = Load(db, seed, out _);
        var users = new Dictionary<long, Pt>();
        for (var i = 1; i <= 7; i++)
        {
            var fields = new List<Field> { new("name", $"\"n{i}\"", $"n{i}") };
            if (i != 5)
            {
                fields.Add(new Field("tier", Lit((long)(i % 3)), (long)(i % 3)));
            }

            users[i] = new Pt((ulong)i, [], fields);
        }

        db.CreateMetadataCollection("u").Upsert([.. users.Values.Select(u => Point.Metadata(u.Id, JsonDocument.Parse(u.Payload).RootElement.Clone()))]);
        var gen = new Generator(new Random(seed * 6_151), points);
        var failures = new List<string>();
        for (var i = 0; i < JoinQueriesPerSeed; i++)
        {
            var (query, expected) = gen.JoinSelect(users);
            Check(db, seed, query, gen.Parameters, expected, failures);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {JoinQueriesPerSeed} joins differ (seed {seed}):\n" + string.Join("\n\n", failures.Take(4)));
    }

    /// <summary>
    /// GROUP BY with COUNT, SUM, AVG, MIN, MAX and HAVING. Groups come in ascending key order with the
    /// NULL group (missing or null key) last; COUNT(col) and the other aggregates skip NULLs; SUM and
    /// AVG of no number are NULL. Every query has a LIMIT (see the report on the default).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomGroupBy_EqualNaiveEvaluation(int seed)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var points = Load(db, seed, out _);
        var rng = new Random(seed * 3_571);
        var gen = new Generator(rng, points);
        var failures = new List<string>();
        for (var i = 0; i < GroupQueriesPerSeed; i++)
        {
            gen.NewQuery();
            var key = rng.NextDouble() < 0.5 ? "a" : "s";
            var filtered = rng.NextDouble() < 0.7;
            var (filterText, filter) = filtered ? gen.Condition(2) : ("", _ => true);
            var having = rng.NextDouble() < 0.4 ? rng.Next(1, 40) : (int?)null;
            var desc = rng.NextDouble() < 0.3;
            var limit = rng.Next(1, 60);
            var query = $"SELECT {key}, COUNT(*) AS n, COUNT(b) AS nb, SUM(b) AS sb, AVG(b) AS ab, MIN(b) AS mn, MAX(b) AS mx FROM c"
                + (filtered ? $" WHERE {filterText}" : "") + $" GROUP BY {key}" + (having is { } h ? $" HAVING COUNT(*) >= {h}" : "")
                + (desc ? $" ORDER BY {key} DESC" : "") + $" LIMIT {limit}";

            static object? KeyOf(Pt p, string field) => p.TryGet(field, out var v) && !ReferenceEquals(v, JsonNull) ? v : null;
            var groups = points.Where(filter).GroupBy(p => KeyOf(p, key)).Where(g => having is null || g.Count() >= having).ToList();
            groups.Sort((x, y) =>
            {
                if (x.Key is null || y.Key is null)
                {
                    return (x.Key is null).CompareTo(y.Key is null); // NULL group last in both directions
                }

                var c = x.Key is string sx ? string.CompareOrdinal(sx, (string)y.Key) : Num(x.Key).CompareTo(Num(y.Key));
                return desc ? -c : c;
            });
            var expected = groups.Take(limit).Select(g =>
            {
                var bs = g.Select(p => KeyOf(p, "b")).Where(v => v is not null).Select(v => Num(v!)).ToList();
                string N(double? d) => d is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "null";
                var keyJson = g.Key switch
                {
                    null => "null",
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    var other => $"\"{other}\"",
                };
                return $"{{\"{key}\":{keyJson},\"n\":{g.Count()},\"nb\":{bs.Count},\"sb\":{N(bs.Count > 0 ? bs.Sum() : null)},"
                    + $"\"ab\":{N(bs.Count > 0 ? bs.Sum() / bs.Count : null)},\"mn\":{N(bs.Count > 0 ? bs.Min() : null)},\"mx\":{N(bs.Count > 0 ? bs.Max() : null)}}}";
            }).ToList();
            Check(db, seed, query, gen.Parameters, expected, failures);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {GroupQueriesPerSeed} GROUP BY queries differ (seed {seed}):\n" + string.Join("\n\n", failures.Take(4)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomPerfectNearAndThresholdSearches_EqualBruteForce(int seed)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var points = Load(db, seed, out var metric);
        var rng = new Random(seed * 104_729);
        var gen = new Generator(rng, points);
        var failures = new List<string>();
        for (var i = 0; i < NearQueriesPerSeed; i++)
        {
            var query = RandomVector(rng);
            var filtered = rng.NextDouble() < 0.75;
            gen.NewQuery();
            var (filterText, filter) = filtered ? gen.Condition(2) : ("", _ => true);
            var k = rng.Next(1, 25);
            var offset = rng.NextDouble() < 0.3 ? rng.Next(1, 10) : 0;
            var withScore = rng.NextDouble() < 0.5;
            var search = "vector NEAR $v";
            if (rng.NextDouble() < 0.3)
            {
                // A similarity threshold instead of NEAR: every point past the threshold, best first.
                // For a distance metric the comparison is inverted (spec engine §1.7).
                var op = CompareOps[rng.Next(3, CompareOps.Length)];
                var t = Threshold(rng, points, metric, query);
                search = $"similarity(vector, $v) {op} {t.ToString("0.000000", CultureInfo.InvariantCulture)}";
                var effective = metric == DistanceMetric.Euclidean ? op switch { "<" => ">", "<=" => ">=", ">" => "<", _ => "<=" } : op;
                var inner = filter;
                filter = p =>
                {
                    var c = Score(metric, p.Vector, query).CompareTo(t);
                    return inner(p) && effective switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };
                };
            }

            var text = $"SELECT {(withScore ? "id, similarity() AS sim" : "*")} FROM c WHERE {search}"
                + (filtered ? $" AND ({filterText})" : "") + $" LIMIT {k}" + (offset > 0 ? $" OFFSET {offset}" : "") + " WITH (mode = 'perfect')";

            // Brute force: exact score of every point passing the filter, best first, ties by id.
            var higherIsBetter = metric != DistanceMetric.Euclidean;
            var ranked = points.Where(filter)
                .Select(p => (Point: p, Score: Score(metric, p.Vector, query)))
                .OrderBy(x => higherIsBetter ? -x.Score : x.Score).ThenBy(x => x.Point.Id)
                .Skip(offset).Take(k).ToList();
            var parameters = new Dictionary<string, object?>(gen.Parameters) { ["v"] = query };
            IReadOnlyList<System.Text.Json.Nodes.JsonObject> rows;
            try
            {
                rows = db.Execute(text, parameters).Rows;
            }
            catch (VelesDbException e)
            {
                failures.Add($"{text} {Describe(parameters)}\n  threw {e.Message}");
                continue;
            }

            var actualIds = rows.Select(r => r["id"]!.GetValue<ulong>()).ToList();
            var expectedIds = ranked.Select(x => x.Point.Id).ToList();
            if (!actualIds.SequenceEqual(expectedIds) && !NearTieReordering(actualIds, ranked, points, metric, query, filter))
            {
                failures.Add($"{text} {Describe(parameters)}\n  expected ids {string.Join(",", expectedIds)}\n  actual ids   {string.Join(",", actualIds)}");
                continue;
            }

            for (var r = 0; r < rows.Count; r++)
            {
                var p = points.First(x => x.Id == actualIds[r]);
                if (withScore)
                {
                    var sim = rows[r]["sim"]!.GetValue<double>();
                    var exact = Score(metric, p.Vector, query);
                    if (Math.Abs(sim - exact) > 1e-4 * Math.Max(1, Math.Abs(exact)))
                    {
                        failures.Add($"{text}\n  row {r} (id {p.Id}): similarity {sim}, brute force {exact}");
                    }
                }
                else if (Canon(rows[r].ToJsonString()) != Canon(StarJson(p)))
                {
                    failures.Add($"{text}\n  row {r}: expected {StarJson(p)}\n  actual {rows[r].ToJsonString()}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {NearQueriesPerSeed} searches differ (seed {seed}, {metric}):\n" + string.Join("\n\n", failures.Take(4)));
    }

    [Fact]
    public void Join_WithIdConditionInWhere_KeepsOnlyThoseIds()
    {
        // An id = / id IN conjunct is taken out of WHERE as an id set; with a JOIN it was never applied.
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        db.CreateMetadataCollection("notes").Upsert(
        [
            Point.Metadata(1, JsonDocument.Parse("""{"owner":10}""").RootElement),
            Point.Metadata(2, JsonDocument.Parse("""{"owner":11}""").RootElement),
            Point.Metadata(3, JsonDocument.Parse("""{"owner":10}""").RootElement),
        ]);
        db.CreateMetadataCollection("users").Upsert(
        [
            Point.Metadata(10, JsonDocument.Parse("""{"name":"ana"}""").RootElement),
            Point.Metadata(11, JsonDocument.Parse("""{"name":"bo"}""").RootElement),
        ]);

        static string Rows(VelesDatabase db, string q) => string.Join(";", db.Execute(q).Rows.Select(r => r.ToJsonString()));
        Assert.Equal("""{"id":2,"name":"bo"}""", Rows(db, "SELECT n.id, u.name FROM notes AS n JOIN users AS u ON n.owner = u.id WHERE n.id = 2"));
        Assert.Equal("""{"id":1,"name":"ana"};{"id":3,"name":"ana"}""", Rows(db, "SELECT n.id, u.name FROM notes AS n LEFT JOIN users AS u ON n.owner = u.id WHERE id IN (1, 3, 7)"));
        Assert.Equal("", Rows(db, "SELECT n.id FROM notes AS n JOIN users AS u ON n.owner = u.id WHERE n.id = 5 AND u.name = 'ana'"));
    }

    [Fact]
    public void Join_NullLiteralComparisons_MatchExplicitJsonNullAsWithoutJoin()
    {
        // With a JOIN, WHERE is evaluated on values, where a JSON null and a missing field both read as
        // NULL; = NULL and != NULL must still tell them apart as they do on one collection.
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        db.CreateMetadataCollection("notes").Upsert(
        [
            Point.Metadata(1, JsonDocument.Parse("""{"owner":10,"x":null}""").RootElement),
            Point.Metadata(2, JsonDocument.Parse("""{"owner":11}""").RootElement),
            Point.Metadata(3, JsonDocument.Parse("""{"owner":11,"x":4}""").RootElement),
        ]);
        db.CreateMetadataCollection("users").Upsert(
        [
            Point.Metadata(10, JsonDocument.Parse("""{"name":"ana"}""").RootElement),
            Point.Metadata(11, JsonDocument.Parse("""{"name":"bo","rank":null}""").RootElement),
        ]);

        static string Ids(VelesDatabase db, string q) => string.Join(",", db.Execute(q).Rows.Select(r => r["id"]!.ToJsonString()));
        Assert.Equal("1", Ids(db, "SELECT n.id FROM notes AS n WHERE n.x = NULL"));
        Assert.Equal("1", Ids(db, "SELECT n.id FROM notes AS n JOIN users AS u ON n.owner = u.id WHERE n.x = NULL"));
        Assert.Equal("1", Ids(db, "SELECT n.id FROM notes AS n JOIN users AS u ON n.owner = u.id WHERE x = NULL"));
        Assert.Equal("2,3", Ids(db, "SELECT n.id FROM notes AS n JOIN users AS u ON n.owner = u.id WHERE n.x != NULL"));
        Assert.Equal("1,3", Ids(db, "SELECT n.id FROM notes AS n JOIN users AS u ON n.owner = u.id WHERE n.x IN (NULL, 4)"));
        Assert.Equal("2,3", Ids(db, "SELECT n.id FROM notes AS n JOIN users AS u ON n.owner = u.id WHERE u.rank = NULL"));
    }

    /// <summary>A threshold in a gap of the score distribution (at least 1e-5 from every point's score, so float rounding cannot decide a match).</summary>
    private static double Threshold(Random rng, List<Pt> points, DistanceMetric metric, float[] query)
    {
        var scores = points.Select(p => Score(metric, p.Vector, query)).Order().ToArray();
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var i = rng.Next(scores.Length - 1);
            var t = Math.Round((scores[i] + scores[i + 1]) / 2, 6);
            if (scores.All(x => Math.Abs(x - t) > 1e-5))
            {
                return t;
            }
        }

        return Math.Round(scores[^1] + 1, 6);
    }

    /// <summary>
    /// Accepts a different id order only when it is explained by float rounding: same length, every
    /// id passes the filter, and position by position the brute-force scores agree within 1e-5.
    /// </summary>
    private static bool NearTieReordering(List<ulong> actual, List<(Pt Point, double Score)> expected, List<Pt> points, DistanceMetric metric, float[] query, Func<Pt, bool> filter)
    {
        if (actual.Count != expected.Count || actual.Distinct().Count() != actual.Count)
        {
            return false;
        }

        for (var i = 0; i < actual.Count; i++)
        {
            var p = points.FirstOrDefault(x => x.Id == actual[i]);
            if (p is null || !filter(p) || Math.Abs(Score(metric, p.Vector, query) - expected[i].Score) > 1e-5)
            {
                return false;
            }
        }

        return true;
    }

    private static void Check(VelesDatabase db, int seed, string query, Dictionary<string, object?>? parameters, List<string> expected, List<string> failures)
    {
        List<string> actual;
        try
        {
            actual = [.. db.Execute(query, parameters).Rows.Select(r => r.ToJsonString())];
        }
        catch (VelesDbException e)
        {
            failures.Add($"[seed {seed}] {query} {Describe(parameters)}\n  threw {e.Message}");
            return;
        }

        var a = actual.Select(Canon).ToList();
        var e2 = expected.Select(Canon).ToList();
        if (!a.SequenceEqual(e2))
        {
            failures.Add($"[seed {seed}] {query} {Describe(parameters)}\n  expected ({e2.Count}): {string.Join(" ", expected)}\n  actual   ({a.Count}): {string.Join(" ", actual)}");
        }
    }

    private static string Describe(Dictionary<string, object?>? parameters) =>
        parameters is null || parameters.Count == 0 ? "" : "with " + string.Join(", ", parameters.Select(p => $"${p.Key} = {p.Value switch { float[] => "vector", var v => Lit(v) }}"));

    // ---- Data ----------------------------------------------------------------------------------

    /// <summary>A field as stored: its JSON text and the oracle's value (long, double, string, bool, string[] or <see cref="JsonNull"/>).</summary>
    private sealed record Field(string Key, string Json, object Value);

    private sealed class Pt(ulong id, float[] vector, List<Field> fields)
    {
        public ulong Id { get; } = id;

        public float[] Vector { get; } = vector;

        public List<Field> Fields { get; } = fields;

        public string Payload => "{" + string.Join(",", Fields.Select(f => $"\"{f.Key}\":{f.Json}")) + "}";

        /// <summary>The field's value; false when it is missing (absent key). <c>id</c> is the point id.</summary>
        public bool TryGet(string name, out object value)
        {
            if (name == "id")
            {
                value = (long)Id;
                return true;
            }

            foreach (var f in Fields)
            {
                if (f.Key == name)
                {
                    value = f.Value;
                    return true;
                }
            }

            value = JsonNull;
            return false;
        }
    }

    private static List<Pt> Load(VelesDatabase db, int seed, out DistanceMetric metric)
    {
        metric = (seed % 3) switch
        {
            0 => DistanceMetric.Euclidean,
            1 => DistanceMetric.Cosine,
            _ => DistanceMetric.DotProduct,
        };
        var rng = new Random(seed);
        var ids = new HashSet<ulong>();
        while (ids.Count < PointCount)
        {
            ids.Add((ulong)rng.Next(1, 5_000));
        }

        var points = new List<Pt>(PointCount);
        foreach (var id in ids)
        {
            points.Add(RandomPoint(rng, id));
        }

        var c = db.CreateCollection("c", Dimension, metric);
        if (seed % 2 == 0)
        {
            // Secondary indexes change speed, never results (docs/FILTERS.md).
            foreach (var field in new[] { "a", "b", "s", "m", "f" })
            {
                c.CreateIndex(field);
            }
        }

        c.Upsert([.. points.Select(p => Point.WithJson(p.Id, p.Vector, p.Payload))]);

        // Deletes and in-place replacements after the first load: gone points must not come back,
        // replaced ones must show their new payload.
        var victims = points.OrderBy(_ => rng.Next()).Take(50).ToList();
        var deleted = victims.Take(25).ToList();
        c.Delete([.. deleted.Select(p => p.Id)]);
        var replaced = victims.Skip(25).Select(p => RandomPoint(rng, p.Id)).ToList();
        c.Upsert([.. replaced.Select(p => Point.WithJson(p.Id, p.Vector, p.Payload))]);
        var byId = replaced.ToDictionary(p => p.Id);
        var gone = deleted.Select(p => p.Id).ToHashSet();
        return [.. points.Where(p => !gone.Contains(p.Id)).Select(p => byId.GetValueOrDefault(p.Id, p))];
    }

    private static Pt RandomPoint(Random rng, ulong id)
    {
        var fields = new List<Field>();
        var r = rng.NextDouble();
        if (r >= 0.17)
        {
            var a = (long)rng.Next(10);
            fields.Add(new Field("a", Lit(a), a));
        }
        else if (r >= 0.12)
        {
            fields.Add(new Field("a", "null", JsonNull));
        }

        if (rng.NextDouble() >= 0.1)
        {
            // Quarter steps are exact in binary, so equality never depends on an epsilon.
            var b = rng.Next(-14, 15) / 4.0;
            fields.Add(new Field("b", b.ToString("0.0##", CultureInfo.InvariantCulture), b));
        }

        r = rng.NextDouble();
        if (r >= 0.16)
        {
            var s = RandomString(rng, 3);
            fields.Add(new Field("s", Lit(s).Replace('\'', '"'), s));
        }
        else if (r >= 0.12)
        {
            fields.Add(new Field("s", "null", JsonNull));
        }

        if (rng.NextDouble() >= 0.08)
        {
            var f = rng.NextDouble() < 0.5;
            fields.Add(new Field("f", f ? "true" : "false", f));
        }

        if (rng.NextDouble() >= 0.15)
        {
            var tags = TagPool.Where(_ => rng.NextDouble() < 0.4).ToArray();
            fields.Add(new Field("tags", "[" + string.Join(",", tags.Select(t => $"\"{t}\"")) + "]", tags));
        }

        // m mixes kinds: numbers, numeric-looking strings, booleans.
        r = rng.NextDouble();
        if (r < 0.35)
        {
            var m = (long)rng.Next(6);
            fields.Add(new Field("m", Lit(m), m));
        }
        else if (r < 0.7)
        {
            var m = rng.Next(6).ToString(CultureInfo.InvariantCulture);
            fields.Add(new Field("m", $"\"{m}\"", m));
        }
        else if (r < 0.85)
        {
            var m = rng.NextDouble() < 0.5;
            fields.Add(new Field("m", m ? "true" : "false", m));
        }

        // Stored key order varies per point; SELECT * must keep it.
        for (var i = fields.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (fields[i], fields[j]) = (fields[j], fields[i]);
        }

        return new Pt(id, RandomVector(rng), fields);
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

    private static string RandomString(Random rng, int maxLength)
    {
        var sb = new StringBuilder();
        var n = rng.Next(maxLength + 1);
        for (var i = 0; i < n; i++)
        {
            sb.Append(Chars[rng.Next(Chars.Length)]);
        }

        return sb.ToString();
    }

    /// <summary>Exact score by the collection metric (spec engine §1.7), in double precision.</summary>
    private static double Score(DistanceMetric metric, float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0, sq = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
            var d = (double)a[i] - b[i];
            sq += d * d;
        }

        return metric switch
        {
            DistanceMetric.Euclidean => Math.Sqrt(sq),
            DistanceMetric.DotProduct => dot,
            _ => na == 0 || nb == 0 ? 0 : Math.Clamp(dot / Math.Sqrt(na * nb), -1, 1),
        };
    }

    // ---- Expected rows ---------------------------------------------------------------------------

    private static string StarJson(Pt p) =>
        "{\"id\":" + p.Id.ToString(CultureInfo.InvariantCulture) + string.Concat(p.Fields.Select(f => $",\"{f.Key}\":{f.Json}")) + "}";

    private static string ColumnJson(Pt p, string name)
    {
        if (name == "id")
        {
            return p.Id.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var f in p.Fields)
        {
            if (f.Key == name)
            {
                return f.Json;
            }
        }

        return "null";
    }

    /// <summary>A canonical text of a JSON value: key order kept, numbers by value.</summary>
    private static string Canon(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var sb = new StringBuilder();
        Canon(doc.RootElement, sb);
        return sb.ToString();
    }

    private static void Canon(JsonElement e, StringBuilder sb)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                var first = true;
                foreach (var p in e.EnumerateObject())
                {
                    sb.Append(first ? "" : ",").Append('"').Append(p.Name).Append('"').Append(':');
                    Canon(p.Value, sb);
                    first = false;
                }

                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var i = 0;
                foreach (var x in e.EnumerateArray())
                {
                    sb.Append(i++ == 0 ? "" : ",");
                    Canon(x, sb);
                }

                sb.Append(']');
                break;
            case JsonValueKind.Number:
                sb.Append(e.GetDouble().ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                sb.Append(e.GetRawText());
                break;
        }
    }

    // ---- Oracle semantics (docs/FILTERS.md) ------------------------------------------------------

    private static bool IsNum(object? v) => v is long or double;

    private static double Num(object v) => v is long l ? l : (double)v;

    /// <summary><c>eq</c> on a present value: numbers by value, strings ordinal, booleans; NULL matches only JSON null; other kinds never.</summary>
    private static bool Eq(object v, object? lit) => lit switch
    {
        null => ReferenceEquals(v, JsonNull),
        _ when IsNum(v) && IsNum(lit) => Num(v) == Num(lit),
        string t => v is string s && string.Equals(s, t, StringComparison.Ordinal),
        bool y => v is bool x && x == y,
        _ => false,
    };

    /// <summary>Order of a present value against a literal: only number/number and string/string pairs are ordered.</summary>
    private static int? Order(object v, object? lit)
    {
        if (IsNum(v) && lit is not null && IsNum(lit))
        {
            return Num(v).CompareTo(Num(lit));
        }

        return v is string s && lit is string t ? string.CompareOrdinal(s, t) : null;
    }

    private static bool Compare(Pt p, string field, string op, object? lit)
    {
        var present = p.TryGet(field, out var v);
        if (op is "=" or "!=" or "<>")
        {
            var eq = present && Eq(v, lit);
            return op == "=" ? eq : !eq;
        }

        if (!present || Order(v, lit) is not { } c)
        {
            return false;
        }

        return op switch
        {
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            _ => c >= 0,
        };
    }

    private static bool In(Pt p, string field, object?[] values) =>
        p.TryGet(field, out var v) && values.Any(x => Eq(v, x));

    private static bool IsNull(Pt p, string field) => !p.TryGet(field, out var v) || ReferenceEquals(v, JsonNull);

    private static bool ArrayHas(Pt p, string field, object? value) =>
        p.TryGet(field, out var v) && v is string[] items && items.Any(x => Eq(x, value));

    /// <summary>LIKE: the whole string, <c>%</c> any run, <c>_</c> one character.</summary>
    private static bool Like(string text, string pattern)
    {
        // match[i, j]: text[i..] matches pattern[j..].
        var match = new bool[text.Length + 1, pattern.Length + 1];
        match[text.Length, pattern.Length] = true;
        for (var j = pattern.Length - 1; j >= 0; j--)
        {
            for (var i = text.Length; i >= 0; i--)
            {
                match[i, j] = pattern[j] switch
                {
                    '%' => match[i, j + 1] || (i < text.Length && match[i + 1, j]),
                    '_' => i < text.Length && match[i + 1, j + 1],
                    var ch => i < text.Length && text[i] == ch && match[i + 1, j + 1],
                };
            }
        }

        return match[0, 0];
    }

    private static object? SortValue(Pt p, string key)
    {
        object? Get(string f) => p.TryGet(f, out var v) && !ReferenceEquals(v, JsonNull) ? v : null;
        switch (key)
        {
            case "a * 2 + b":
                return Get("a") is { } a && Get("b") is { } b ? (Num(a) * 2) + Num(b) : null;
            case "b - a":
                return Get("a") is { } a2 && Get("b") is { } b2 ? Num(b2) - Num(a2) : null;
            default:
                return Get(key);
        }
    }

    private static string Lit(object? v) => v switch
    {
        null => "NULL",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("0.0##", CultureInfo.InvariantCulture),
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool b => b ? "TRUE" : "FALSE",
        _ => throw new ArgumentException("literal", nameof(v)),
    };

    /// <summary>Random queries with their expected rows.</summary>
    private sealed class Generator(Random rng, List<Pt> points)
    {
        /// <summary>The FROM alias of the query being generated (columns are then sometimes qualified), or null.</summary>
        private string? _alias;

        /// <summary>The parameters of the query being generated: some literals are bound as <c>$pN</c> instead.</summary>
        public Dictionary<string, object?> Parameters { get; private set; } = [];

        /// <summary>Starts a new query (clears <see cref="Parameters"/>).</summary>
        public void NewQuery() => Parameters = [];

        /// <summary>A literal as query text, or, now and then, as a bound parameter.</summary>
        private string Arg(object? v)
        {
            if (rng.NextDouble() >= 0.15)
            {
                return Lit(v);
            }

            var name = "p" + Parameters.Count.ToString(CultureInfo.InvariantCulture);
            Parameters[name] = v;
            return "$" + name;
        }

        public (string Query, List<string> Expected) Select()
        {
            NewQuery();
            _alias = rng.NextDouble() < 0.3 ? "t" : null;
            var sb = new StringBuilder("SELECT ");
            var star = rng.NextDouble() < 0.5;
            var distinct = !star && rng.NextDouble() < 0.2;
            if (distinct)
            {
                sb.Append("DISTINCT ");
            }

            var columns = new List<(string Output, string Source)>();
            if (star)
            {
                sb.Append('*');
            }
            else
            {
                var chosen = Columns.OrderBy(_ => rng.Next()).Take(rng.Next(1, 5)).ToList();
                var items = new List<string>();
                for (var i = 0; i < chosen.Count; i++)
                {
                    var alias = rng.NextDouble() < 0.25 ? "x" + i.ToString(CultureInfo.InvariantCulture) : null;
                    columns.Add((alias ?? chosen[i], chosen[i]));
                    items.Add(alias is null ? Ref(chosen[i]) : $"{Ref(chosen[i])} AS {alias}");
                }

                sb.Append(string.Join(", ", items));
            }

            sb.Append(" FROM c");
            if (_alias is not null)
            {
                sb.Append(" AS ").Append(_alias);
            }

            Func<Pt, bool> filter = _ => true;
            if (rng.NextDouble() < 0.9)
            {
                var (text, f) = Condition(3);
                sb.Append(" WHERE ").Append(text);
                filter = f;
            }

            // ORDER BY keys as written, and the value each sorts on. With DISTINCT only selected
            // columns are sortable (the kept row of a duplicate group is then irrelevant to the order);
            // a select alias is a valid key.
            var candidates = new List<(string Text, string Source)>();
            if (distinct)
            {
                candidates.AddRange(columns.Where(c => c.Source is "a" or "b" or "s" or "id").Select(c => (c.Output, c.Source)));
            }
            else
            {
                candidates.AddRange(OrderKeys.Select(k => (k.Contains(' ', StringComparison.Ordinal) ? k : Ref(k), k)));
                candidates.AddRange(columns.Where(c => c.Output != c.Source && c.Source is "a" or "b" or "s" or "id").Select(c => (c.Output, c.Source)));
            }

            var order = new List<(string Key, bool Desc)>();
            foreach (var (keyText, source) in candidates.OrderBy(_ => rng.Next()).Take(rng.Next(3)))
            {
                var dir = rng.Next(3);
                order.Add((source, dir == 2));
                sb.Append(order.Count == 1 ? " ORDER BY " : ", ").Append(keyText).Append(dir switch { 0 => "", 1 => " ASC", _ => " DESC" });
            }

            long? limit = rng.NextDouble() < 0.7 ? rng.Next(0, 40) : null;
            long offset = rng.NextDouble() < 0.3 ? rng.Next(0, 25) : 0;
            if (limit is { } l)
            {
                sb.Append(" LIMIT ").Append(l.ToString(CultureInfo.InvariantCulture));
            }

            if (offset > 0)
            {
                sb.Append(" OFFSET ").Append(offset.ToString(CultureInfo.InvariantCulture));
            }

            string Project(Pt p) => star
                ? StarJson(p)
                : "{" + string.Join(",", columns.Select(c => $"\"{c.Output}\":{ColumnJson(p, c.Source)}")) + "}";

            var rows = points.Where(filter).OrderBy(p => p.Id).ToList();
            if (distinct)
            {
                // DISTINCT runs before ORDER BY and keeps the first (lowest id) row of each projection.
                var seen = new HashSet<string>(StringComparer.Ordinal);
                rows = rows.FindAll(p => seen.Add(Canon(Project(p))));
            }

            rows.Sort((x, y) =>
            {
                foreach (var (key, desc) in order)
                {
                    var vx = SortValue(x, key);
                    var vy = SortValue(y, key);
                    if (vx is null || vy is null)
                    {
                        if (vx is null != vy is null)
                        {
                            return vx is null ? 1 : -1; // NULL last in both directions
                        }

                        continue;
                    }

                    var c = vx is string sx ? string.CompareOrdinal(sx, (string)vy) : Num(vx).CompareTo(Num(vy));
                    if (c != 0)
                    {
                        return desc ? -c : c;
                    }
                }

                return x.Id.CompareTo(y.Id);
            });

            var page = rows.Skip((int)offset).Take((int)(limit ?? 10));
            var expected = page.Select(Project).ToList();
            return (sb.ToString(), expected);
        }

        /// <summary>
        /// A random <c>SELECT … FROM c AS t [LEFT] JOIN u ON t.a = u.id …</c> with its expected rows.
        /// The right side is matched on its id; LEFT fills an unmatched side with NULLs.
        /// </summary>
        public (string Query, List<string> Expected) JoinSelect(Dictionary<long, Pt> users)
        {
            NewQuery();
            _alias = "t";
            var left = rng.NextDouble() < 0.5;
            var items = new (string Text, string Output, bool Right, string Field)[]
            {
                ("t.id", "id", false, "id"), ("t.a", "a", false, "a"), ("t.s", "s", false, "s"),
                ("u.name", "name", true, "name"), ("u.tier", "tier", true, "tier"), ("u.id AS uid", "uid", true, "id"),
            }.OrderBy(_ => rng.Next()).Take(rng.Next(1, 5)).ToList();
            var sb = new StringBuilder("SELECT ").Append(string.Join(", ", items.Select(i => i.Text)))
                .Append(" FROM c AS t ").Append(left ? "LEFT JOIN" : rng.NextDouble() < 0.5 ? "JOIN" : "INNER JOIN")
                .Append(rng.NextDouble() < 0.5 ? " u ON t.a = u.id" : " u ON u.id = t.a");

            Pt? Right(Pt p) => p.TryGet("a", out var a) && a is long key && users.TryGetValue(key, out var u) ? u : null;
            Func<Pt, Pt?, bool> filter = (_, _) => true;
            if (rng.NextDouble() < 0.85)
            {
                var (text, f) = Condition(2);
                var (rightText, rf) = RightLeaf();
                switch (rng.Next(3))
                {
                    case 0:
                        sb.Append(" WHERE ").Append(text);
                        filter = (p, _) => f(p);
                        break;
                    case 1:
                        sb.Append(" WHERE (").Append(text).Append(") AND (").Append(rightText).Append(')');
                        filter = (p, u) => f(p) && rf(u);
                        break;
                    default:
                        sb.Append(" WHERE (").Append(text).Append(") OR (").Append(rightText).Append(')');
                        filter = (p, u) => f(p) || rf(u);
                        break;
                }
            }

            var keys = new (string Text, bool Right, string Field)[] { ("t.id", false, "id"), ("t.a", false, "a"), ("t.b", false, "b"), ("u.tier", true, "tier"), ("u.name", true, "name") }
                .OrderBy(_ => rng.Next()).Take(rng.Next(3)).ToList();
            var desc = keys.Select(_ => rng.NextDouble() < 0.5).ToList();
            for (var i = 0; i < keys.Count; i++)
            {
                sb.Append(i == 0 ? " ORDER BY " : ", ").Append(keys[i].Text).Append(desc[i] ? " DESC" : "");
            }

            long? limit = rng.NextDouble() < 0.7 ? rng.Next(0, 40) : null;
            long offset = rng.NextDouble() < 0.3 ? rng.Next(0, 25) : 0;
            if (limit is { } l)
            {
                sb.Append(" LIMIT ").Append(l.ToString(CultureInfo.InvariantCulture));
            }

            if (offset > 0)
            {
                sb.Append(" OFFSET ").Append(offset.ToString(CultureInfo.InvariantCulture));
            }

            static object? Value(Pt? source, string field) =>
                source is not null && source.TryGet(field, out var v) && !ReferenceEquals(v, JsonNull) ? v : null;

            var rows = points.OrderBy(p => p.Id).Select(p => (P: p, U: Right(p)))
                .Where(x => (left || x.U is not null) && filter(x.P, x.U)).ToList();
            rows.Sort((x, y) =>
            {
                for (var i = 0; i < keys.Count; i++)
                {
                    var vx = Value(keys[i].Right ? x.U : x.P, keys[i].Field);
                    var vy = Value(keys[i].Right ? y.U : y.P, keys[i].Field);
                    if (vx is null || vy is null)
                    {
                        if (vx is null != vy is null)
                        {
                            return vx is null ? 1 : -1;
                        }

                        continue;
                    }

                    var c = vx is string sx ? string.CompareOrdinal(sx, (string)vy) : Num(vx).CompareTo(Num(vy));
                    if (c != 0)
                    {
                        return desc[i] ? -c : c;
                    }
                }

                return x.P.Id.CompareTo(y.P.Id);
            });
            var expected = rows.Skip((int)offset).Take((int)(limit ?? 10))
                .Select(x => "{" + string.Join(",", items.Select(i => $"\"{i.Output}\":{(i.Right && x.U is null ? "null" : ColumnJson(i.Right ? x.U! : x.P, i.Field))}")) + "}")
                .ToList();
            return (sb.ToString(), expected);
        }

        /// <summary>A condition on the joined side (an unmatched side is missing, so only IS NULL and != match it).</summary>
        private (string Text, Func<Pt?, bool> Predicate) RightLeaf()
        {
            bool Get(Pt? u, string field, out object v)
            {
                v = JsonNull;
                return u is not null && u.TryGet(field, out v);
            }

            switch (rng.Next(4))
            {
                case 0:
                    {
                        var op = CompareOps[rng.Next(CompareOps.Length)];
                        var lit = (long)rng.Next(4);
                        return ($"u.tier {op} {Arg(lit)}", u => u is not null ? Compare(u, "tier", op, lit) : op is "!=" or "<>");
                    }

                case 1:
                    {
                        var negated = rng.NextDouble() < 0.5;
                        return ($"u.tier IS {(negated ? "NOT " : "")}NULL", u => (!Get(u, "tier", out var v) || ReferenceEquals(v, JsonNull)) != negated);
                    }

                case 2:
                    {
                        var values = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => (object?)("n" + rng.Next(1, 9).ToString(CultureInfo.InvariantCulture))).ToArray();
                        return ($"u.name IN ({string.Join(", ", values.Select(Arg))})", u => u is not null && In(u, "name", values));
                    }

                default:
                    {
                        var id = (long)rng.Next(0, 10);
                        return ($"u.id = {Arg(id)}", u => u is not null && (long)u.Id == id);
                    }
            }
        }

        /// <summary>A random WHERE tree of depth at most <paramref name="depth"/> and its oracle predicate.</summary>
        public (string Text, Func<Pt, bool> Predicate) Condition(int depth)
        {
            if (depth == 0 || rng.NextDouble() < 0.35)
            {
                return Leaf();
            }

            var kind = rng.Next(5);
            var (lt, lf) = Condition(depth - 1);
            if (kind == 0)
            {
                return ($"NOT ({lt})", p => !lf(p));
            }

            var (rt, rf) = Condition(depth - 1);
            return kind <= 2
                ? ($"({lt}) AND ({rt})", p => lf(p) && rf(p))
                : ($"({lt}) OR ({rt})", p => lf(p) || rf(p));
        }

        private (string, Func<Pt, bool>) Leaf()
        {
            switch (rng.Next(12))
            {
                case 0:
                case 1:
                case 2:
                    {
                        var field = Pick("a", "b", "s", "m", "f", "id", "a", "b", "s");
                        var op = CompareOps[rng.Next(CompareOps.Length)];
                        var lit = Literal(field);
                        if (op is "<" or "<=" or ">" or ">=" && lit is bool)
                        {
                            lit = 1L; // ordering against a boolean is a query error, not a non-match
                        }

                        if (rng.NextDouble() < 0.2)
                        {
                            // literal on the left: 3 < a means a > 3
                            var flipped = op switch { "<" => ">", "<=" => ">=", ">" => "<", ">=" => "<=", _ => op };
                            return ($"{Arg(lit)} {op} {Ref(field)}", p => Compare(p, field, flipped, lit));
                        }

                        return ($"{Ref(field)} {op} {Arg(lit)}", p => Compare(p, field, op, lit));
                    }

                case 3:
                    {
                        var field = Pick("a", "s", "m", "id", "b");
                        var values = Enumerable.Range(0, rng.Next(1, 5)).Select(_ => Literal(field)).ToArray();
                        var negated = rng.NextDouble() < 0.4;
                        var text = $"{Ref(field)} {(negated ? "NOT IN" : "IN")} ({string.Join(", ", values.Select(Arg))})";
                        return (text, p => In(p, field, values) != negated);
                    }

                case 4:
                    {
                        var field = Pick("a", "b", "s", "id");
                        object lo, hi;
                        do
                        {
                            lo = Literal(field)!;
                            hi = Literal(field)!;
                        }
                        while (lo is null or bool || hi is null or bool);
                        var negated = rng.NextDouble() < 0.3;
                        return ($"{Ref(field)} {(negated ? "NOT BETWEEN" : "BETWEEN")} {Arg(lo)} AND {Arg(hi)}",
                            p => (Compare(p, field, ">=", lo) && Compare(p, field, "<=", hi)) != negated);
                    }

                case 5:
                case 6:
                    {
                        var field = rng.NextDouble() < 0.85 ? "s" : Pick("a", "tags", "zz");
                        var pattern = RandomPattern();
                        var ci = rng.NextDouble() < 0.4;
                        var negated = rng.NextDouble() < 0.25;
                        var text = $"{Ref(field)} {(negated ? "NOT " : "")}{(ci ? "ILIKE" : "LIKE")} {Arg(pattern)}";
                        bool Matches(Pt p) =>
                            (p.TryGet(field, out var v) && v is string s
                                && (ci ? Like(s.ToLowerInvariant(), pattern.ToLowerInvariant()) : Like(s, pattern))) != negated;
                        return (text, Matches);
                    }

                case 7:
                    {
                        var field = NullableFields[rng.Next(NullableFields.Length)];
                        var negated = rng.NextDouble() < 0.5;
                        return ($"{Ref(field)} IS {(negated ? "NOT " : "")}NULL", p => IsNull(p, field) != negated);
                    }

                case 8:
                case 9:
                    {
                        var field = rng.NextDouble() < 0.85 ? "tags" : Pick("s", "zz");
                        var mode = rng.Next(3);
                        var values = Enumerable.Range(0, mode == 0 ? 1 : rng.Next(1, 4)).Select(_ => TagLiteral()).ToArray();
                        var list = string.Join(", ", values.Select(Arg));
                        return mode switch
                        {
                            0 => ($"{Ref(field)} CONTAINS {list}", p => ArrayHas(p, field, values[0])),
                            1 => ($"{Ref(field)} CONTAINS ANY ({list})", p => values.Any(v => ArrayHas(p, field, v))),
                            _ => ($"{Ref(field)} CONTAINS ALL ({list})", p => p.TryGet(field, out var v) && v is string[] && values.All(x => ArrayHas(p, field, x))),
                        };
                    }

                default:
                    {
                        // id comparisons (equality, IN and ranges; exercises the id lookup path).
                        var op = CompareOps[rng.Next(CompareOps.Length)];
                        var lit = Literal("id");
                        if (rng.NextDouble() < 0.5)
                        {
                            var values = Enumerable.Range(0, rng.Next(1, 6)).Select(_ => Literal("id")).ToArray();
                            return ($"{Ref("id")} IN ({string.Join(", ", values.Select(Arg))})", p => In(p, "id", values));
                        }

                        return ($"{Ref("id")} {op} {Arg(lit)}", p => Compare(p, "id", op, lit));
                    }
            }
        }

        /// <summary>A column reference, qualified with the FROM alias half of the time when there is one.</summary>
        private string Ref(string column) => _alias is not null && rng.NextDouble() < 0.5 ? _alias + "." + column : column;

        private string Pick(params string[] options) => options[rng.Next(options.Length)];

        private object TagLiteral() => rng.NextDouble() < 0.9 ? Pick("x", "y", "z", "w", "q") : (long)rng.Next(3);

        private string RandomPattern()
        {
            var sb = new StringBuilder();
            var n = rng.Next(5);
            for (var i = 0; i < n; i++)
            {
                var r = rng.NextDouble();
                sb.Append(r < 0.25 ? '%' : r < 0.4 ? '_' : Chars[rng.Next(Chars.Length)]);
            }

            return sb.ToString();
        }

        /// <summary>A literal for a field: mostly of the field's kind, sometimes another kind or NULL.</summary>
        private object? Literal(string field)
        {
            var r = rng.NextDouble();
            switch (field)
            {
                case "a":
                    return r < 0.7 ? (long)rng.Next(-1, 11)
                        : r < 0.8 ? rng.Next(-4, 44) / 4.0
                        : r < 0.88 ? rng.Next(10).ToString(CultureInfo.InvariantCulture)
                        : r < 0.94 ? null
                        : RandomString(rng, 2);
                case "b":
                    return r < 0.6 ? rng.Next(-14, 15) / 4.0
                        : r < 0.85 ? (long)rng.Next(-3, 4)
                        : r < 0.95 ? RandomString(rng, 2)
                        : null;
                case "s":
                    return r < 0.75 ? RandomString(rng, 3)
                        : r < 0.85 ? (long)rng.Next(3)
                        : r < 0.95 ? null
                        : true;
                case "m":
                    return r < 0.35 ? (long)rng.Next(7)
                        : r < 0.7 ? rng.Next(7).ToString(CultureInfo.InvariantCulture)
                        : r < 0.85 ? rng.NextDouble() < 0.5
                        : RandomString(rng, 1);
                case "f":
                    return r < 0.85 ? rng.NextDouble() < 0.5 : (long)rng.Next(2);
                default: // id
                    return r < 0.5 ? (long)points[rng.Next(points.Count)].Id
                        : r < 0.8 ? (long)rng.Next(0, 5_000)
                        : r < 0.9 ? rng.Next(0, 20_000) / 4.0
                        : RandomString(rng, 1);
            }
        }
    }
}
