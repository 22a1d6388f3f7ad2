using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Filtering.Bitmaps;
using VelesDb.Core.Index.Secondary;

namespace VelesDb.Core.Collections;

/// <summary>A secondary index on a payload field, as listed by <see cref="Collection.ListIndexes"/>.</summary>
/// <param name="Field">The dot path of the indexed field.</param>
/// <param name="DistinctValues">Distinct scalar values the field takes.</param>
/// <param name="IndexedPoints">Points where the field is present and not null.</param>
/// <param name="MemoryBytes">An estimate of the bytes the index holds.</param>
public sealed record SecondaryIndexInfo(string Field, int DistinctValues, long IndexedPoints, long MemoryBytes);

public sealed partial class Collection
{
    private SecondaryIndexes _secondary = new();

    /// <summary>
    /// Creates a secondary index on a payload field (a dot path such as <c>author.name</c>): existing
    /// points are indexed now, later writes keep it up to date, and it is rebuilt at every open
    /// (the field list is stored in <c>config.json</c>). Filters use it for <c>eq</c>, <c>neq</c>,
    /// <c>in</c>, <c>not in</c>, ranges and null tests on that field, answering them from bitmaps
    /// instead of reading payloads.
    /// </summary>
    /// <returns>False when the field was already indexed (nothing changes).</returns>
    /// <exception cref="VelesDbException">VELES-009 when the field path is empty or has an empty segment.</exception>
    public bool CreateIndex(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (FieldPath.Validate(field) is { } problem)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Cannot index field '{field}': {problem}");
        }

        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (_secondary.Contains(field))
            {
                return false;
            }

            var config = _config.Clone();
            config.IndexedFields = [.. config.IndexedFields ?? [], field];
            config.Write(_directory);
            _config = config;
            _secondary.Create(field, LiveRowsWithPayloadLocked());
            BumpWriteGeneration();
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Drops the secondary index on <paramref name="field"/>; false when there was none.</summary>
    public bool DropIndex(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (!_secondary.Contains(field))
            {
                return false;
            }

            var config = _config.Clone();
            config.IndexedFields = [.. (config.IndexedFields ?? []).Where(f => f != field)];
            if (config.IndexedFields.Count == 0)
            {
                config.IndexedFields = null;
            }

            config.Write(_directory);
            _config = config;
            _secondary.Drop(field);
            BumpWriteGeneration();
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The secondary indexes, in creation order.</summary>
    public IReadOnlyList<SecondaryIndexInfo> ListIndexes()
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return [.. _secondary.Fields.Select(i => new SecondaryIndexInfo(i.Field, i.DistinctValues, i.Present.Cardinality, i.MemoryBytes))];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Builds the live-row bitmap and the configured indexes from the loaded points (at open).</summary>
    private void BuildSecondaryIndexesLocked()
    {
        var secondary = new SecondaryIndexes();
        foreach (var (row, payload) in LiveRowsWithPayloadLocked())
        {
            secondary.Add(row, payload);
        }

        foreach (var field in _config.IndexedFields ?? [])
        {
            secondary.Create(field, LiveRowsWithPayloadLocked());
        }

        _secondary = secondary;
    }

    private IEnumerable<(int Row, JsonElement Payload)> LiveRowsWithPayloadLocked()
    {
        for (var row = 0; row < _rowHighWater; row++)
        {
            if (_liveByRow[row])
            {
                yield return (row, _payloadByRow[row]);
            }
        }
    }

    /// <summary>
    /// The filter of one read, with the rows the secondary indexes select for it (under the read
    /// lock). It also hides expired points (<see cref="ExpiresAtKey"/>) once any row carries an
    /// expiry: this is the one visibility check every filtered read path goes through.
    /// </summary>
    private RowFilter CreateRowFilterLocked(Filter? filter)
    {
        var now = ExpiryNowLocked();
        if (filter is null)
        {
            return now == 0 ? default : new RowFilter(null, null, false, _payloadByRow, _expiresAtByRow, now);
        }

        var rows = _secondary.Select(filter.Condition, out var exact);
        return new RowFilter(filter, rows, exact, _payloadByRow, now == 0 ? null : _expiresAtByRow, now);
    }

    /// <summary>
    /// A filter as one read applies it: rows outside the index selection are rejected without
    /// reading their payload; rows inside it are accepted outright when the selection is exact,
    /// and checked against the filter otherwise. With <paramref name="expiresAt"/>, rows whose
    /// expiry is at or before <paramref name="now"/> are rejected too. The default value accepts every row.
    /// </summary>
    private readonly struct RowFilter(Filter? filter, RoaringBitmap? rows, bool exact, JsonElement[] payloads, long[]? expiresAt = null, long now = 0)
    {
        /// <summary>The filter, or null when the read has none.</summary>
        public Filter? Filter => filter;

        /// <summary>The rows the indexes selected (exactly or a superset), or null when they cannot narrow the filter.</summary>
        public RoaringBitmap? Rows => rows;

        /// <summary>Whether every row is accepted (no filter, no expiry to check).</summary>
        public bool IsEmpty => filter is null && expiresAt is null;

        /// <summary>Whether <see cref="Rows"/> is exactly the matching rows.</summary>
        public bool IsExact => rows is not null && exact && expiresAt is null;

        public bool Accepts(int row) =>
            (expiresAt is null || !IsExpired(expiresAt[row], now))
            && (filter is null || ((rows is null || rows.Contains(row)) && (exact || filter.Matches(payloads[row]))));
    }
}
