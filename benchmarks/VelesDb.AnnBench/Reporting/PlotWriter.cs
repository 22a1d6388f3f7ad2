using ScottPlot;

namespace VelesDb.AnnBench.Reporting;

/// <summary>Recall-vs-QPS plot per dataset (ScottPlot 5, PNG), QPS on a log axis as in ann-benchmarks.</summary>
internal static class PlotWriter
{
    public static void Write(string path, string title, IReadOnlyList<ResultRecord> records)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var engine in records.Select(r => r.Engine).Distinct())
        {
            // Connected in ef order, so the line traces the engine's recall/speed trade-off.
            var points = records.Where(r => r.Engine == engine && r.QpsSingleThread > 0).OrderBy(r => r.Ef.Value).ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            var scatter = plot.Add.Scatter(
                points.Select(r => r.Recall).ToArray(),
                points.Select(r => Math.Log10(r.QpsSingleThread)).ToArray());
            scatter.LegendText = engine;
            scatter.Color = palette.GetColor(index++);
            scatter.MarkerSize = points.Length == 1 ? 12 : 7;
            scatter.MarkerShape = points.Length == 1 ? MarkerShape.FilledDiamond : MarkerShape.FilledCircle;
            scatter.LineWidth = 2;
        }

        foreach (var target in (double[])[0.95, 0.99])
        {
            var line = plot.Add.VerticalLine(target);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Gray;
            line.LineWidth = 1;
        }

        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.Left.Label.Text = "queries per second, one thread (log)";
        plot.Axes.Bottom.Label.Text = "recall@10";
        plot.Title(title);
        plot.ShowLegend(Alignment.LowerLeft);
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(Math.Floor(limits.Bottom - 0.05), Math.Ceiling(limits.Top + 0.05));
        plot.SavePng(path, 900, 560);
    }
}
