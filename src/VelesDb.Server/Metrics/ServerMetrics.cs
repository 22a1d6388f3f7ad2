using System.Diagnostics;
using System.Diagnostics.Metrics;
using VelesDb.Core.Collections;
using VelesDb.Core.Diagnostics;
using VelesDb.Core.Errors;

namespace VelesDb.Server.Metrics;

/// <summary>
/// The server's instruments (meter <see cref="MeterName"/>, one per application instance) and the
/// collector behind <c>/metrics</c>, which also reads the engine's meter <see cref="CoreMetrics.MeterName"/>.
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    /// <summary>The name of the server's meter.</summary>
    public const string MeterName = "VelesDb.Server";

    /// <summary>The route label of requests no route matched (bounded, unlike the raw path).</summary>
    public const string UnmatchedRoute = "unmatched";

    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly double[] QueryBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

    private static readonly HashSet<string> KnownMethods = new(StringComparer.Ordinal) { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS" };

    private readonly Meter _meter = new(MeterName, ServerApp.Version);
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Counter<long> _queries;
    private readonly Counter<long> _queriesByType;
    private readonly Counter<long> _rateLimited;
    private readonly Histogram<double> _queryDuration;
    private readonly MetricsCollector _collector;

    /// <summary>Creates the instruments; the observable ones read <paramref name="host"/>'s database at each scrape.</summary>
    public ServerMetrics(DatabaseHost host)
    {
        _requests = _meter.CreateCounter<long>("velesdb_http_requests_total", description: "HTTP requests answered, by method, route template and status.");
        _duration = _meter.CreateHistogram(
            "velesdb_http_request_duration_seconds",
            unit: "s",
            description: "Seconds from receiving a request to the end of its response, by method, route template and status.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _inFlight = _meter.CreateUpDownCounter<long>("velesdb_http_requests_in_flight", description: "HTTP requests being served now.");
        _queries = _meter.CreateCounter<long>("velesdb_queries_total", description: "VelesQL statements executed successfully (POST /query, /aggregate, /query/explain).");
        _queriesByType = _meter.CreateCounter<long>("velesdb_queries_by_type", description: "VelesQL statements executed successfully, by statement type.");
        _queryDuration = _meter.CreateHistogram(
            "velesdb_query_duration_seconds",
            unit: "s",
            description: "Seconds the engine took to run each successful VelesQL statement of POST /query and /aggregate.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = QueryBuckets });
        _rateLimited = _meter.CreateCounter<long>("velesdb_rate_limit_rejected_total", description: "Requests refused with 429 by the per-client rate limit.");

        _meter.CreateObservableGauge("velesdb_up", () => host.IsReady ? 1 : 0, description: "1 when the database is open and requests are served, else 0.");
        _meter.CreateObservableGauge("velesdb_info", () => new Measurement<int>(1, new KeyValuePair<string, object?>("version", ServerApp.Version)), description: "Server build information; the value is always 1.");
        _meter.CreateObservableGauge("velesdb_collections", () => Read<long>(host, db => [new Measurement<long>(db.ListCollections().Count)]), description: "Collections in the database.");
        _meter.CreateObservableGauge("velesdb_documents_total", () => Read<long>(host, db => [new Measurement<long>(db.ListCollections().Sum(c => c.PointCount))]), description: "Points (documents, nodes) in all collections.");
        _meter.CreateObservableGauge("velesdb_collection_points", () => Read(host, PointsPerCollection), description: "Points in each collection.");
        _meter.CreateObservableGauge("velesdb_index_size_bytes", () => Read(host, IndexSizes), description: "Bytes held in memory by each collection's vector index (graph, codes, quantizer).");
        _meter.CreateObservableCounter("velesdb_plan_cache_hits_total", () => Read<long>(host, db => [new Measurement<long>(db.PlanCache.Hits)]), description: "VelesQL statements that reused a cached plan.");
        _meter.CreateObservableCounter("velesdb_plan_cache_misses_total", () => Read<long>(host, db => [new Measurement<long>(db.PlanCache.Misses)]), description: "VelesQL statements planned because no current plan was cached.");
        _meter.CreateObservableGauge("velesdb_plan_cache_size", () => Read<long>(host, db => [new Measurement<long>(db.PlanCache.Size)]), description: "VelesQL plans cached now.");
        _meter.CreateObservableGauge("velesdb_plan_cache_hit_rate", () => Read(host, HitRate), description: "Plan cache hits divided by hits plus misses (0 before any query).");

        _collector = new MetricsCollector(i => ReferenceEquals(i.Meter, _meter) || i.Meter.Name == CoreMetrics.MeterName);
    }

    /// <summary>The server's meter (tests).</summary>
    internal Meter Meter => _meter;

    /// <summary>Renders every family in the Prometheus text format.</summary>
    public string Render() => _collector.Render();

    /// <summary>Counts a request that has started.</summary>
    public void RequestStarted() => _inFlight.Add(1);

    /// <summary>Records a finished request.</summary>
    /// <param name="method">The HTTP method (unusual ones are reported as <c>OTHER</c>).</param>
    /// <param name="route">The route template, or <see cref="UnmatchedRoute"/>.</param>
    /// <param name="status">The response status.</param>
    /// <param name="seconds">The elapsed time.</param>
    public void RequestFinished(string method, string route, int status, double seconds)
    {
        _inFlight.Add(-1);
        var tags = new TagList
        {
            { "method", KnownMethods.Contains(method) ? method : "OTHER" },
            { "route", route },
            { "status", status },
        };
        _requests.Add(1, tags);
        _duration.Record(seconds, tags);
    }

    /// <summary>Counts a successfully executed VelesQL statement.</summary>
    /// <param name="statementType">The statement type, e.g. <c>SELECT</c>.</param>
    /// <param name="elapsed">The engine's run time, or null when not measured (explain).</param>
    public void QueryExecuted(string statementType, TimeSpan? elapsed)
    {
        if (elapsed is { } time)
        {
            _queryDuration.Record(time.TotalSeconds);
        }

        _queries.Add(1);
        _queriesByType.Add(1, new KeyValuePair<string, object?>("type", statementType));
    }

    /// <summary>Counts a request refused by the rate limit.</summary>
    public void RateLimited() => _rateLimited.Add(1);

    /// <summary>Stops collecting and disposes the meter.</summary>
    public void Dispose()
    {
        _collector.Dispose();
        _meter.Dispose();
    }

    private static IEnumerable<Measurement<T>> Read<T>(DatabaseHost host, Func<VelesDatabase, IEnumerable<Measurement<T>>> read)
        where T : struct
    {
        if (!host.IsReady)
        {
            return [];
        }

        try
        {
            return [.. read(host.Database)];
        }
        catch (Exception e) when (e is VelesDbException or ObjectDisposedException or DatabaseNotReadyException)
        {
            // The database closed during the scrape: report nothing rather than fail it.
            return [];
        }
    }

    private static IEnumerable<Measurement<long>> PointsPerCollection(VelesDatabase db) =>
        db.ListCollections().Select(c => new Measurement<long>(c.PointCount, new KeyValuePair<string, object?>("collection", c.Name)));

    private static IEnumerable<Measurement<long>> IndexSizes(VelesDatabase db)
    {
        foreach (var info in db.ListCollections())
        {
            long bytes;
            try
            {
                if (!db.TryGetCollection(info.Name, out var collection))
                {
                    continue;
                }

                bytes = collection.IndexMemoryBytes;
            }
            catch (Exception e) when (e is VelesDbException or ObjectDisposedException)
            {
                // Deleted while the scrape ran.
                continue;
            }

            yield return new Measurement<long>(bytes, new KeyValuePair<string, object?>("collection", info.Name));
        }
    }

    private static IEnumerable<Measurement<double>> HitRate(VelesDatabase db)
    {
        var stats = db.PlanCache;
        var total = stats.Hits + stats.Misses;
        return [new Measurement<double>(total == 0 ? 0 : (double)stats.Hits / total)];
    }
}
