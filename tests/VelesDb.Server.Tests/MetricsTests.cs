using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using VelesDb.Server.Metrics;

namespace VelesDb.Server.Tests;

/// <summary>The Prometheus renderer, the meter collector and <c>GET /metrics</c>.</summary>
public sealed class MetricsTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; } = 1_000_000;

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void Renderer_EscapesAndWritesCumulativeBuckets()
    {
        var families = new[]
        {
            new MetricFamily("x_total", "Line one\\two\nthree \"q\"", MetricType.Counter, [
                new MetricPoint([new("path", "a\"b\\c\nd"), new("k", "v")], 3),
                new MetricPoint([], 1.5),
            ]),
            new MetricFamily("lat_seconds", "Latency.", MetricType.Histogram, [
                new MetricPoint([new("route", "/r")], 0, new HistogramData([0.1, 1], [2, 1, 3], 12.5, 6)),
            ]),
            new MetricFamily("g", "Gauge.", MetricType.Gauge, [new MetricPoint([], double.PositiveInfinity), new MetricPoint([new("a", "b")], -2)]),
        };

        var expected =
            "# HELP x_total Line one\\\\two\\nthree \"q\"\n" +
            "# TYPE x_total counter\n" +
            "x_total{path=\"a\\\"b\\\\c\\nd\",k=\"v\"} 3\n" +
            "x_total 1.5\n" +
            "\n" +
            "# HELP lat_seconds Latency.\n" +
            "# TYPE lat_seconds histogram\n" +
            "lat_seconds_bucket{route=\"/r\",le=\"0.1\"} 2\n" +
            "lat_seconds_bucket{route=\"/r\",le=\"1\"} 3\n" +
            "lat_seconds_bucket{route=\"/r\",le=\"+Inf\"} 6\n" +
            "lat_seconds_sum{route=\"/r\"} 12.5\n" +
            "lat_seconds_count{route=\"/r\"} 6\n" +
            "\n" +
            "# HELP g Gauge.\n" +
            "# TYPE g gauge\n" +
            "g +Inf\n" +
            "g{a=\"b\"} -2\n" +
            "\n";
        var text = PrometheusText.Write(families);
        Assert.Equal(expected, text);

        // The strict parser reads back what was written.
        var parsed = Exposition.Parse(text);
        Assert.Equal("a\"b\\c\nd", parsed["x_total"].Samples[0].Labels["path"]);
        Assert.Equal("Line one\\two\nthree \"q\"", parsed["x_total"].Help);
        Assert.Equal(6, parsed["lat_seconds"].Value("lat_seconds_bucket", ("route", "/r"), ("le", "+Inf")));
    }

    [Fact]
    public void Collector_AggregatesEveryInstrumentKindByLabels()
    {
        using var meter = new Meter("VelesDb.Tests.Collector." + Guid.NewGuid().ToString("N"));
        using var other = new Meter("VelesDb.Tests.Other." + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(i => ReferenceEquals(i.Meter, meter));
        var counter = meter.CreateCounter<long>("c_total", description: "A counter.");
        var upDown = meter.CreateUpDownCounter<int>("in_flight", description: "Up and down.");
        var histogram = meter.CreateHistogram("h_seconds", "s", "A histogram.", null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2] });
        var plain = meter.CreateHistogram<double>("d_seconds");
        var gauge = meter.CreateGauge<double>("temp", description: "Last value.");
        var observed = 7L;
        meter.CreateObservableGauge("obs", () => new Measurement<long>(observed, new KeyValuePair<string, object?>("kind", "x")), description: "Observed.");
        other.CreateCounter<long>("ignored_total").Add(5);

        counter.Add(2, new KeyValuePair<string, object?>("b", "2"), new KeyValuePair<string, object?>("a", 1));
        counter.Add(3, new KeyValuePair<string, object?>("a", 1), new KeyValuePair<string, object?>("b", "2"));
        counter.Add(1, new KeyValuePair<string, object?>("a", 9), new KeyValuePair<string, object?>("b", "2"));
        upDown.Add(3);
        upDown.Add(-1);
        histogram.Record(0.5);
        histogram.Record(1);
        histogram.Record(1.5);
        histogram.Record(9);
        plain.Record(0.007);
        gauge.Record(20);
        gauge.Record(21.5);

        var families = collector.Collect().ToDictionary(f => f.Name);
        Assert.Equal(["c_total", "d_seconds", "h_seconds", "in_flight", "obs", "temp"], families.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(MetricType.Counter, families["c_total"].Type);
        Assert.Equal(MetricType.Gauge, families["in_flight"].Type);
        Assert.Equal(MetricType.Histogram, families["h_seconds"].Type);
        Assert.Equal(MetricType.Gauge, families["obs"].Type);

        // Tags in any order are the same point; labels are sorted by name.
        var points = families["c_total"].Points;
        Assert.Equal(2, points.Count);
        Assert.Equal([new("a", "1"), new("b", "2")], points[0].Labels);
        Assert.Equal(5, points[0].Value);
        Assert.Equal(1, points[1].Value);
        Assert.Equal(2, families["in_flight"].Points.Single().Value);
        Assert.Equal(21.5, families["temp"].Points.Single().Value);

        // 0.5 and 1 (upper-inclusive) in le=1, 1.5 in le=2, 9 above.
        var h = families["h_seconds"].Points.Single().Histogram!;
        Assert.Equal([1.0, 2.0], h.Bounds);
        Assert.Equal([2L, 1L, 1L], h.Counts);
        Assert.Equal(12, h.Sum);
        Assert.Equal(4, h.Count);
        var d = families["d_seconds"].Points.Single().Histogram!;
        Assert.Equal(MetricsCollector.DefaultBuckets, d.Bounds);
        Assert.Equal(1, d.Counts[1]);

        var obs = families["obs"].Points.Single();
        Assert.Equal(7, obs.Value);
        Assert.Equal([new("kind", "x")], obs.Labels);
        observed = 9;
        Assert.Equal(9, collector.Collect().Single(f => f.Name == "obs").Points.Single().Value);

        var text = Exposition.Parse(collector.Render());
        Assert.Equal(3, text["h_seconds"].Value("h_seconds_bucket", ("le", "2")));
        Assert.Equal(4, text["h_seconds"].Value("h_seconds_bucket", ("le", "+Inf")));
    }

    [Fact]
    public async Task Metrics_CountRequestsQueriesAndCollections()
    {
        using var factory = new ServerFactory();
        await factory.ReadyDatabaseAsync();
        using var client = factory.CreateClient();
        Assert.Equal(201, (await Http.PostJsonAsync(client, "/v1/collections", new { name = "docs", dimension = 2 })).Status);
        Assert.Equal(200, (await Http.PostJsonAsync(client, "/v1/collections/docs/points", new
        {
            points = new object[] { new { id = 1, vector = new[] { 1f, 0f } }, new { id = 2, vector = new[] { 0f, 1f } }, new { id = 3, vector = new[] { 1f, 1f } } },
        })).Status);
        Assert.Equal(201, (await Http.PostJsonAsync(client, "/v1/collections", new { name = "facts", collection_type = "metadata" })).Status);
        const string Select = "SELECT * FROM docs LIMIT 1";
        Assert.Equal(200, (await Http.PostJsonAsync(client, "/v1/query", new { query = Select })).Status);
        Assert.Equal(200, (await Http.PostJsonAsync(client, "/v1/query", new { query = Select })).Status);
        Assert.Equal(200, (await Http.PostJsonAsync(client, "/v1/query/explain", new { query = Select })).Status);
        Assert.NotEqual(200, (await Http.PostJsonAsync(client, "/v1/query", new { query = "SELEC nonsense" })).Status);
        Assert.Equal(404, (await Http.GetAsync(client, "/v1/collections/missing")).Status);
        Assert.Equal(404, (await Http.GetAsync(client, "/v1/no/such/route")).Status);
        Assert.Equal(200, (await Http.GetAsync(client, "/health")).Status);

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var m = Exposition.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("counter", m["velesdb_http_requests_total"].Type);
        Assert.Equal(1, m["velesdb_http_requests_total"].Value("velesdb_http_requests_total", ("method", "GET"), ("route", "/v1/collections/{name}"), ("status", "404")));
        Assert.Equal(1, m["velesdb_http_requests_total"].Value("velesdb_http_requests_total", ("method", "GET"), ("route", "unmatched"), ("status", "404")));
        Assert.Equal(1, m["velesdb_http_requests_total"].Value("velesdb_http_requests_total", ("method", "GET"), ("route", "/health"), ("status", "200")));
        Assert.Equal(2, m["velesdb_http_requests_total"].Value("velesdb_http_requests_total", ("method", "POST"), ("route", "/v1/query"), ("status", "200")));
        Assert.Equal(2, m["velesdb_http_requests_total"].Value("velesdb_http_requests_total", ("method", "POST"), ("route", "/v1/collections"), ("status", "201")));

        // The scrape itself is in flight; earlier requests are done.
        Assert.Equal("gauge", m["velesdb_http_requests_in_flight"].Type);
        Assert.Equal(1, m["velesdb_http_requests_in_flight"].Value("velesdb_http_requests_in_flight"));

        var duration = m["velesdb_http_request_duration_seconds"];
        Assert.Equal("histogram", duration.Type);
        var labels = new[] { ("method", "POST"), ("route", "/v1/query"), ("status", "200") };
        Assert.Equal(2, duration.Value("velesdb_http_request_duration_seconds_count", labels));
        Assert.Equal(2, duration.Value("velesdb_http_request_duration_seconds_bucket", [.. labels, ("le", "+Inf")]));

        Assert.Equal(3, m["velesdb_queries_total"].Value("velesdb_queries_total"));
        Assert.Equal(2, m["velesdb_queries_by_type"].Value("velesdb_queries_by_type", ("type", "SELECT")));
        Assert.Equal(1, m["velesdb_queries_by_type"].Value("velesdb_queries_by_type", ("type", "EXPLAIN")));
        Assert.Equal("histogram", m["velesdb_query_duration_seconds"].Type);
        Assert.Equal(2, m["velesdb_query_duration_seconds"].Value("velesdb_query_duration_seconds_count"));
        Assert.Equal(9, m["velesdb_query_duration_seconds"].Samples.Count(s => s.Name == "velesdb_query_duration_seconds_bucket"));

        Assert.Equal(2, m["velesdb_collections"].Value("velesdb_collections"));
        Assert.Equal(3, m["velesdb_documents_total"].Value("velesdb_documents_total"));
        Assert.Equal(3, m["velesdb_collection_points"].Value("velesdb_collection_points", ("collection", "docs")));
        Assert.Equal(0, m["velesdb_collection_points"].Value("velesdb_collection_points", ("collection", "facts")));
        Assert.True(m["velesdb_index_size_bytes"].Value("velesdb_index_size_bytes", ("collection", "docs")) > 0);
        Assert.Equal(1, m["velesdb_up"].Value("velesdb_up"));
        Assert.Equal(1, m["velesdb_info"].Value("velesdb_info", ("version", ServerApp.Version)));

        // The same SELECT twice and the EXPLAIN of it: planned once, then reused twice; the bad query missed.
        Assert.Equal("counter", m["velesdb_plan_cache_hits_total"].Type);
        Assert.Equal(2, m["velesdb_plan_cache_hits_total"].Value("velesdb_plan_cache_hits_total"));
        Assert.Equal(2, m["velesdb_plan_cache_misses_total"].Value("velesdb_plan_cache_misses_total"));
        Assert.Equal(1, m["velesdb_plan_cache_size"].Value("velesdb_plan_cache_size"));
        Assert.Equal(0.5, m["velesdb_plan_cache_hit_rate"].Value("velesdb_plan_cache_hit_rate"));
        Assert.Equal("histogram", m["velesdb_wal_fsync_duration_seconds"].Type);
        Assert.Empty(m["velesdb_rate_limit_rejected_total"].Samples);
    }

    [Fact]
    public async Task Metrics_NeedsTheKey_WhenAuthIsOn()
    {
        using var factory = new ServerFactory(keys: ["k1"]);
        using var client = factory.CreateClient();
        var (status, body, _) = await Http.GetAsync(client, "/v1/metrics");
        Assert.Equal(401, status);
        Assert.Equal("Unauthorized", body!["error"]!.GetValue<string>());
        Assert.Equal("missing Authorization header", body["message"]!.GetValue<string>());

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/metrics", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k1");
        using var ok = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var m = Exposition.Parse(await ok.Content.ReadAsStringAsync());
        Assert.Equal(1, m["velesdb_http_requests_total"].Value("velesdb_http_requests_total", ("method", "GET"), ("route", "/v1/metrics"), ("status", "401")));
    }

    [Fact]
    public async Task Metrics_CountRateLimitRejections()
    {
        using var factory = new ServerFactory(rateLimit: 2, time: new ManualClock());
        using var client = factory.CreateClient();
        // The clock never moves: two requests pass, the next two are refused.
        Assert.Equal(200, (await Http.GetAsync(client, "/v1/health")).Status);
        Assert.Equal(200, (await Http.GetAsync(client, "/v1/health")).Status);
        Assert.Equal(429, (await Http.GetAsync(client, "/v1/health")).Status);
        Assert.Equal(429, (await Http.GetAsync(client, "/v1/ready")).Status);

        var metrics = factory.Services.GetRequiredService<ServerMetrics>();
        var m = Exposition.Parse(metrics.Render());
        Assert.Equal(2, m["velesdb_rate_limit_rejected_total"].Value("velesdb_rate_limit_rejected_total"));
        Assert.Equal(1, m["velesdb_http_requests_total"].Value("velesdb_http_requests_total", ("method", "GET"), ("route", "/v1/health"), ("status", "429")));
        Assert.Equal(1, m["velesdb_http_requests_total"].Value("velesdb_http_requests_total", ("method", "GET"), ("route", "/v1/ready"), ("status", "429")));
    }
}

/// <summary>A strict reader of the Prometheus text format 0.0.4, for the tests.</summary>
internal static class Exposition
{
    internal sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);

    internal sealed class Family(string name)
    {
        public string Name { get; } = name;

        public string? Help { get; set; }

        public string? Type { get; set; }

        public List<Sample> Samples { get; } = [];

        /// <summary>The value of the one sample named <paramref name="sample"/> with exactly these labels.</summary>
        public double Value(string sample, params (string Key, string Value)[] labels) =>
            Samples.Single(s => s.Name == sample && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Value;
    }

    public static Dictionary<string, Family> Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        Family? current = null;
        foreach (var line in text[..^1].Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var name = rest[..space];
                Assert.Matches("^[a-zA-Z_:][a-zA-Z0-9_:]*$", name);
                Assert.False(families.ContainsKey(name), $"family {name} declared twice");
                current = families[name] = new Family(name) { Help = Unescape(rest[(space + 1)..], help: true) };
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.Equal(current?.Name, parts[0]);
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.Null(current!.Type);
                Assert.Empty(current.Samples);
                current.Type = parts[1];
                continue;
            }

            Assert.False(line.StartsWith('#'), $"unexpected comment: {line}");
            Assert.NotNull(current?.Type);
            current.Samples.Add(ParseSample(line, current));
        }

        foreach (var family in families.Values.Where(f => f.Type == "histogram"))
        {
            CheckHistogram(family);
        }

        return families;
    }

    private static Sample ParseSample(string line, Family family)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        var name = line[..i];
        var allowed = family.Type == "histogram"
            ? new[] { family.Name + "_bucket", family.Name + "_sum", family.Name + "_count" }
            : [family.Name];
        Assert.Contains(name, allowed);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var start = i;
                while (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_')
                {
                    i++;
                }

                var key = line[start..i];
                Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", key);
                Assert.Equal('=', line[i++]);
                Assert.Equal('"', line[i++]);
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"bad escape \\{line[i]} in {line}"),
                        });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                i++;
                Assert.True(labels.TryAdd(key, value.ToString()), $"label {key} twice in {line}");
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        Assert.Equal(' ', line[i]);
        var text = line[(i + 1)..];
        Assert.DoesNotContain(' ', text);
        var number = text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, number);
    }

    /// <summary>Buckets cumulative and ascending, ending with +Inf equal to _count, for every label set.</summary>
    private static void CheckHistogram(Family family)
    {
        static string Key(Dictionary<string, string> labels) =>
            string.Join(',', labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));

        foreach (var series in family.Samples.GroupBy(s => Key(s.Labels)))
        {
            var buckets = series.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(buckets);
            Assert.Equal("+Inf", buckets[^1].Labels["le"]);
            var previousBound = double.NegativeInfinity;
            var previousCount = 0.0;
            foreach (var bucket in buckets)
            {
                var bound = bucket.Labels["le"] == "+Inf" ? double.PositiveInfinity : double.Parse(bucket.Labels["le"], CultureInfo.InvariantCulture);
                Assert.True(bound > previousBound, "bucket bounds ascend");
                Assert.True(bucket.Value >= previousCount, "bucket counts are cumulative");
                previousBound = bound;
                previousCount = bucket.Value;
            }

            Assert.Equal(previousCount, series.Single(s => s.Name.EndsWith("_count", StringComparison.Ordinal)).Value);
            Assert.Single(series, s => s.Name.EndsWith("_sum", StringComparison.Ordinal));
        }
    }

    private static string Unescape(string text, bool help)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                result.Append(text[i]);
                continue;
            }

            i++;
            result.Append(text[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when !help => '"',
                _ => throw new FormatException($"bad escape \\{text[i]}"),
            });
        }

        return result.ToString();
    }
}
