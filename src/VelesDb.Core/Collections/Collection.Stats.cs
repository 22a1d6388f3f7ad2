using System.Text;
using System.Text.Json;
using VelesDb.Core.Graph;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    private CollectionStats? _lastStats;

    /// <summary>
    /// The result of the last <see cref="Analyze()"/> since the collection was opened; null before
    /// any. Kept in memory only.
    /// </summary>
    public CollectionStats? LastStats => Volatile.Read(ref _lastStats);

    /// <summary>
    /// Scans every point once and computes the collection's statistics: counts, sizes, per-field
    /// statistics (distinct values, min/max, numeric histogram) and index statistics. The result
    /// is also kept as <see cref="LastStats"/>. Readers and writers run meanwhile (the scan reads
    /// page by page), so on a changing collection the figures describe no single instant.
    /// </summary>
    public CollectionStats Analyze() => Analyze(null);

    /// <summary>As <see cref="Analyze()"/>, calling <paramref name="progress"/> before each point and each field summary (it may throw to stop the scan).</summary>
    internal CollectionStats Analyze(Action? progress)
    {
        var fields = new SortedDictionary<string, FieldStatsBuilder>(StringComparer.Ordinal);
        long rows = 0, payloadBytes = 0;
        ulong? cursor = null;
        do
        {
            var page = Scroll(cursor, 1_000);
            foreach (var point in page.Points)
            {
                progress?.Invoke();
                rows++;
                if (point.Payload is not { } payload)
                {
                    continue;
                }

                payloadBytes += Encoding.UTF8.GetByteCount(payload.GetRawText());
                if (payload.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var property in payload.EnumerateObject())
                {
                    if (!fields.TryGetValue(property.Name, out var stats))
                    {
                        stats = new FieldStatsBuilder();
                        fields[property.Name] = stats;
                    }

                    stats.Add(property.Value);
                }
            }

            cursor = page.NextCursor;
        }
        while (cursor is not null);

        var fieldStats = new List<FieldStatistics>(fields.Count);
        foreach (var (name, stats) in fields)
        {
            progress?.Invoke();
            fieldStats.Add(stats.ToStatistics(name));
        }

        var deleted = IndexTombstones;
        var result = new CollectionStats(
            Name,
            rows + deleted,
            rows,
            deleted,
            payloadBytes,
            rows == 0 ? 0.0 : (double)payloadBytes / rows,
            HasVectors ? Dimension * sizeof(float) : 0,
            EdgeCount,
            DiskBytes(),
            DateTimeOffset.UtcNow,
            fieldStats,
            IndexStatisticsList());
        Volatile.Write(ref _lastStats, result);
        return result;
    }

    private long DiskBytes()
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return DiskBytesLocked();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private List<IndexStatistics> IndexStatisticsList()
    {
        var list = new List<IndexStatistics>();
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            if (_index is not null)
            {
                list.Add(new IndexStatistics("hnsw", "hnsw", _index.LiveCount, _index.LayerCount, _index.MemoryBytes));
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        foreach (var secondary in ListIndexes())
        {
            list.Add(new IndexStatistics(secondary.Field, "secondary", secondary.IndexedPoints, 1, secondary.MemoryBytes));
        }

        foreach (var graph in ListPropertyIndexes())
        {
            list.Add(new IndexStatistics($"{graph.Label}.{graph.Property}", graph.Kind == GraphIndexKind.Range ? "range" : "hash", graph.Entries, 1, graph.MemoryBytes));
        }

        return list;
    }
}
