using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>Largest page a scroll returns.</summary>
    public const int MaxScrollBatch = 100_000;

    /// <summary>Fetches points by id; the result has one entry per requested id, null where absent or expired.</summary>
    public IReadOnlyList<Point?> Get(IReadOnlyList<ulong> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var result = new Point?[ids.Count];
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var now = ExpiryNowLocked();
            for (var i = 0; i < ids.Count; i++)
            {
                result[i] = _rowById.TryGetValue(ids[i], out var row) && !IsExpired(_expiresAtByRow[row], now) ? MaterializeLocked(row) : null;
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return result;
    }

    /// <summary>Fetches one point, or null.</summary>
    public Point? Get(ulong id) => Get([id])[0];

    /// <summary>
    /// Pages through points in ascending id order. <paramref name="cursor"/> is exclusive: pass the
    /// previous page's <see cref="ScrollPage.NextCursor"/> (null to start). NextCursor is null once
    /// no matching point is left. Expired points are left out.
    /// </summary>
    public ScrollPage Scroll(ulong? cursor, int batchSize, Filter? filter = null)
    {
        if (batchSize is <= 0 or > MaxScrollBatch)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"batch_size must be between 1 and {MaxScrollBatch}, got {batchSize}.");
        }

        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var ids = SortedIdsLocked();
            var start = 0;
            if (cursor is { } after)
            {
                var index = Array.BinarySearch(ids, after);
                start = index >= 0 ? index + 1 : ~index;
            }

            var rowFilter = CreateRowFilterLocked(filter);
            var points = new List<Point>(Math.Min(batchSize, ids.Length - start));
            var i = start;
            for (; i < ids.Length && points.Count < batchSize; i++)
            {
                var row = _rowById[ids[i]];
                if (rowFilter.Accepts(row))
                {
                    points.Add(MaterializeLocked(row));
                }
            }

            // Report a cursor only when a further matching point exists, so callers stop on null.
            var more = false;
            for (; i < ids.Length && !more; i++)
            {
                more = rowFilter.Accepts(_rowById[ids[i]]);
            }

            return new ScrollPage(points, more && points.Count > 0 ? points[^1].Id : null);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Every live id, ascending (expired points left out).</summary>
    public IReadOnlyList<ulong> AllIds()
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var ids = SortedIdsLocked();
            var now = ExpiryNowLocked();
            return now == 0 ? ids : [.. ids.Where(id => !IsExpired(_expiresAtByRow[_rowById[id]], now))];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private ulong[] SortedIdsLocked()
    {
        // Readers share the read lock, so two may race to build the cache: the small lock keeps
        // the build single and the published array immutable.
        var ids = Volatile.Read(ref _sortedIds);
        if (ids is not null)
        {
            return ids;
        }

        lock (_sortedIdsLock)
        {
            ids = _sortedIds;
            if (ids is null)
            {
                ids = [.. _rowById.Keys];
                Array.Sort(ids);
                Volatile.Write(ref _sortedIds, ids);
            }

            return ids;
        }
    }

    private Point MaterializeLocked(int row)
    {
        var vector = _vectors is null ? ReadOnlyMemory<float>.Empty : _vectors.Get(row).ToArray();
        JsonElement? payload = _payloadByRow[row].ValueKind == JsonValueKind.Undefined ? null : _payloadByRow[row];
        return new Point(_idByRow[row], vector, payload) { Sparse = SparseOfRowLocked(row) };
    }
}
