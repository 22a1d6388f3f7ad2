using System.Globalization;
using System.Text;

namespace VelesDb.Server.Metrics;

/// <summary>The Prometheus type of a metric family.</summary>
internal enum MetricType
{
    /// <summary>A monotonic total.</summary>
    Counter,

    /// <summary>A value that goes up and down.</summary>
    Gauge,

    /// <summary>Bucketed observations with their sum and count.</summary>
    Histogram,
}

/// <summary>One metric family: a name, its help text, its type and its labelled points.</summary>
/// <param name="Name">The family name (a valid Prometheus metric name).</param>
/// <param name="Help">The help text (escaped when written).</param>
/// <param name="Type">The Prometheus type.</param>
/// <param name="Points">The points, one per label set.</param>
internal sealed record MetricFamily(string Name, string Help, MetricType Type, IReadOnlyList<MetricPoint> Points);

/// <summary>One labelled point of a family: a value, or the buckets of a histogram.</summary>
/// <param name="Labels">The labels, in the order they are written.</param>
/// <param name="Value">The value of a counter or gauge (unused for histograms).</param>
/// <param name="Histogram">The buckets of a histogram point, else null.</param>
internal sealed record MetricPoint(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, HistogramData? Histogram = null);

/// <summary>The state of one histogram point.</summary>
/// <param name="Bounds">The upper bounds of the finite buckets, ascending.</param>
/// <param name="Counts">Observations per bucket, NOT cumulative: one entry per bound plus the last one for values above every bound.</param>
/// <param name="Sum">The sum of the observations.</param>
/// <param name="Count">The number of observations.</param>
internal sealed record HistogramData(IReadOnlyList<double> Bounds, IReadOnlyList<long> Counts, double Sum, long Count);

/// <summary>Writes metric families in the Prometheus text exposition format 0.0.4.</summary>
internal static class PrometheusText
{
    /// <summary>The content type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// Writes the families in the given order: <c># HELP</c>, <c># TYPE</c>, then one line per
    /// sample (histograms as cumulative <c>_bucket{le=…}</c> lines ending with <c>+Inf</c>, then
    /// <c>_sum</c> and <c>_count</c>), and a blank line after each family.
    /// </summary>
    /// <param name="families">The families; names must be unique.</param>
    /// <returns>The exposition text.</returns>
    public static string Write(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families)
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var point in family.Points)
            {
                if (family.Type == MetricType.Histogram && point.Histogram is { } histogram)
                {
                    WriteHistogram(text, family.Name, point.Labels, histogram);
                }
                else
                {
                    Sample(text, family.Name, point.Labels, null, point.Value);
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Formats a sample value: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c> or the shortest round-trip decimal.</summary>
    public static string FormatValue(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Escapes a label value: backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Escapes a help text: backslash and line feed.</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        _ => "histogram",
    };

    private static void WriteHistogram(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, HistogramData histogram)
    {
        long cumulative = 0;
        for (var i = 0; i < histogram.Bounds.Count; i++)
        {
            cumulative += histogram.Counts[i];
            Sample(text, name + "_bucket", labels, FormatValue(histogram.Bounds[i]), cumulative);
        }

        Sample(text, name + "_bucket", labels, "+Inf", histogram.Count);
        Sample(text, name + "_sum", labels, null, histogram.Sum);
        Sample(text, name + "_count", labels, null, histogram.Count);
    }

    private static void Sample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                Label(text, key, labelValue, ref first);
            }

            if (le is not null)
            {
                Label(text, "le", le, ref first);
            }

            text.Append('}');
        }

        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    private static void Label(StringBuilder text, string key, string value, ref bool first)
    {
        if (!first)
        {
            text.Append(',');
        }

        first = false;
        text.Append(key).Append("=\"").Append(EscapeLabelValue(value)).Append('"');
    }
}
