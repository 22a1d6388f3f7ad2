using VelesDb.AnnBench.Datasets;
using VelesDb.Core.Distance;

namespace VelesDb.AnnBench.Reporting;

/// <summary>Recall and latency statistics, computed the same way for every engine.</summary>
internal static class Metrics
{
    /// <summary>
    /// recall@<paramref name="at"/>: the fraction of the true <paramref name="at"/> nearest
    /// neighbours found among the first <paramref name="at"/> results, averaged over queries.
    /// A result counts when its exact distance is within the distance of the true
    /// <paramref name="at"/>-th neighbour (ann-benchmarks' rule), so an engine is not penalised for
    /// returning a different point at a tied distance. Duplicate and out-of-range ids never count.
    /// </summary>
    public static double Recall(Dataset dataset, int queries, int k, ReadOnlySpan<long> ids, int at)
    {
        at = Math.Min(at, k);
        var found = 0L;
        var seen = new HashSet<long>(at);
        for (var q = 0; q < queries; q++)
        {
            var query = dataset.QueryRow(q);
            var truth = dataset.Neighbours(q);
            var threshold = EuclideanDistance.Distance(query, dataset.BaseRow(truth[at - 1]));
            var limit = threshold + (1e-6f * Math.Max(threshold, 1f));
            seen.Clear();
            var hits = 0;
            for (var j = 0; j < at; j++)
            {
                var id = ids[(q * k) + j];
                if (id < 0 || id >= dataset.Count || !seen.Add(id))
                {
                    continue;
                }

                if (EuclideanDistance.Distance(query, dataset.BaseRow((int)id)) <= limit)
                {
                    hits++;
                }
            }

            found += Math.Min(hits, at);
        }

        return (double)found / ((long)queries * at);
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    public static double Percentile(double[] ascending, double percent)
    {
        if (ascending.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * ascending.Length);
        return ascending[Math.Clamp(rank - 1, 0, ascending.Length - 1)];
    }
}
