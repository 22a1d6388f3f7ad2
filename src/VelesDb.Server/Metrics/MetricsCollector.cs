using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace VelesDb.Server.Metrics;

/// <summary>
/// Aggregates System.Diagnostics.Metrics measurements in memory for <c>/metrics</c>: a
/// <see cref="MeterListener"/> sums counters and up-down counters, keeps the last value of gauges,
/// buckets histograms (bounds from the instrument's advice, else the Prometheus defaults) and reads
/// observable instruments at each scrape. Every label set is its own point.
/// </summary>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>The Prometheus client default buckets (seconds), for histograms without advice.</summary>
    internal static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();
    private readonly Lock _scrapeLock = new();
    private Dictionary<Instrument, Dictionary<string, Cell>>? _observed;

    /// <summary>Starts listening to the instruments <paramref name="include"/> accepts.</summary>
    /// <param name="include">Selects the instruments to collect (by meter, by name).</param>
    public MetricsCollector(Func<Instrument, bool> include)
    {
        ArgumentNullException.ThrowIfNull(include);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (include(instrument))
            {
                _series.TryAdd(instrument, new Series(instrument));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, state) => _series.TryRemove(instrument, out Series? removed);
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<float>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and returns every family, sorted by name.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_scrapeLock)
        {
            _observed = [];
            try
            {
                _listener.RecordObservableInstruments();
                var families = new List<MetricFamily>();
                foreach (var group in _series.Values.GroupBy(s => s.Instrument.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    var first = group.First();
                    var points = group
                        .SelectMany(s => s.Instrument.IsObservable ? (_observed.GetValueOrDefault(s.Instrument) ?? []).Values : s.Cells.Values)
                        .OrderBy(c => c.Key, StringComparer.Ordinal)
                        .Select(c => c.ToPoint())
                        .ToList();
                    families.Add(new MetricFamily(group.Key, first.Instrument.Description ?? group.Key, first.Type, points));
                }

                return families;
            }
            finally
            {
                _observed = null;
            }
        }
    }

    /// <summary>Collects and renders the exposition text.</summary>
    public string Render() => PrometheusText.Write(Collect());

    /// <summary>Stops listening.</summary>
    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_series.TryGetValue(instrument, out Series? series))
        {
            return;
        }

        var labels = tags.Length == 0 ? [] : new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            labels[i] = new(tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? string.Empty);
        }

        string key;
        if (labels.Length == 0)
        {
            key = string.Empty;
        }
        else
        {
            Array.Sort(labels, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            key = string.Join('\u0001', labels.Select(l => l.Key + "\u0002" + l.Value));
        }
        if (instrument.IsObservable)
        {
            // Only during a scrape (RecordObservableInstruments runs the callbacks on the scraping thread).
            if (_observed is { } observed)
            {
                if (!observed.TryGetValue(instrument, out var cells))
                {
                    observed[instrument] = cells = new Dictionary<string, Cell>(StringComparer.Ordinal);
                }

                var cell = new Cell(key, labels, series);
                cell.Set(value);
                cells[key] = cell;
            }

            return;
        }

        var target = series.Cells.GetOrAdd(key, static (k, state) => new Cell(k, state.labels, state.series), (labels, series));
        if (series.Type == MetricType.Histogram)
        {
            target.Observe(value);
        }
        else if (series.LastValue)
        {
            target.Set(value);
        }
        else
        {
            target.Add(value);
        }
    }

    /// <summary>The points of one instrument.</summary>
    private sealed class Series
    {
        public Series(Instrument instrument)
        {
            Instrument = instrument;
            var kind = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : instrument.GetType();
            Type = kind == typeof(Counter<>) || kind == typeof(ObservableCounter<>) ? MetricType.Counter
                : kind == typeof(Histogram<>) ? MetricType.Histogram
                : MetricType.Gauge;
            LastValue = kind == typeof(Gauge<>);
            Bounds = instrument switch
            {
                Histogram<double> { Advice.HistogramBucketBoundaries: { } b } => [.. b],
                Histogram<long> { Advice.HistogramBucketBoundaries: { } b } => [.. b.Select(x => (double)x)],
                Histogram<int> { Advice.HistogramBucketBoundaries: { } b } => [.. b.Select(x => (double)x)],
                _ => DefaultBuckets,
            };
        }

        public Instrument Instrument { get; }

        public MetricType Type { get; }

        /// <summary>Whether a measurement replaces the value (a synchronous gauge) instead of adding to it.</summary>
        public bool LastValue { get; }

        public double[] Bounds { get; }

        public ConcurrentDictionary<string, Cell> Cells { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>One labelled point: a value, or histogram buckets.</summary>
    private sealed class Cell(string key, KeyValuePair<string, string>[] labels, Series series)
    {
        private readonly Lock _lock = new();
        private readonly long[]? _buckets = series.Type == MetricType.Histogram ? new long[series.Bounds.Length + 1] : null;
        private double _value;
        private long _count;

        public string Key { get; } = key;

        public void Add(double value)
        {
            lock (_lock)
            {
                _value += value;
            }
        }

        public void Set(double value)
        {
            lock (_lock)
            {
                _value = value;
            }
        }

        public void Observe(double value)
        {
            // The first bound that is >= value (Prometheus buckets are upper-inclusive).
            var index = Array.BinarySearch(series.Bounds, value);
            index = index >= 0 ? index : ~index;
            lock (_lock)
            {
                _buckets![index]++;
                _value += value;
                _count++;
            }
        }

        public MetricPoint ToPoint()
        {
            lock (_lock)
            {
                return _buckets is null
                    ? new MetricPoint(labels, _value)
                    : new MetricPoint(labels, _value, new HistogramData(series.Bounds, [.. _buckets], _value, _count));
            }
        }
    }
}
