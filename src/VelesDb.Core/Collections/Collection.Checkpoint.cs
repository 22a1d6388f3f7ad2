using System.Runtime.InteropServices;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>Payload logs smaller than this are never compacted.</summary>
    private const long CompactionMinDeadBytes = 4 << 20;

    private void MaybeCheckpointLocked()
    {
        if (_options.Durability != DurabilityMode.None && _wal.Length >= _options.CheckpointWalBytes)
        {
            CheckpointLocked();
        }
    }

    /// <summary>
    /// The checkpoint sequence (write lock held). Order matters for crash safety:
    /// 1. vectors and payloads fsynced in their files; 2. a compacted payload generation, if any,
    /// written and fsynced, and the edges written to <c>edges-&lt;next LSN&gt;.snap</c>; 3. <c>points.snap</c>
    /// atomically replaced (it names whether that edge file belongs to it), older edge files deleted; 4. an empty WAL atomically
    /// replaces the old one; 5. rows freed since the last checkpoint become reusable. A crash after
    /// 3 and before 4 leaves WAL records the snapshot already holds: replay skips them by LSN.
    /// </summary>
    /// <param name="forceCompaction">Compact the payload log whenever it holds any dead record, not
    /// only past the automatic threshold (<see cref="Compact"/>).</param>
    private void CheckpointLocked(bool forceCompaction = false)
    {
        _vectors?.Flush();
        _payloads.Flush();

        var payloads = _payloads;
        var compact = forceCompaction
            ? _payloadDeadBytes > 0
            : _payloadDeadBytes >= CompactionMinDeadBytes && _payloadDeadBytes * 2 >= _payloads.Length;
        if (compact)
        {
            payloads = CompactPayloads();
        }

        var entries = new List<SnapshotEntry>(_rowById.Count);
        for (var row = 0; row < _rowHighWater; row++)
        {
            if (_liveByRow[row])
            {
                entries.Add(new SnapshotEntry(_idByRow[row], row, _vectorCrcByRow[row], _payloadOffsetByRow[row], _payloadLengthByRow[row]));
            }
        }

        var nextLsn = _wal.NextLsn;
        var hasEdges = WriteEdgeSnapshotLocked(nextLsn);
        var hasSparse = WriteSparseImageLocked(nextLsn);
        new PointSnapshot
        {
            NextLsn = nextLsn,
            HasEdges = hasEdges,
            HasSparse = hasSparse,
            PayloadGeneration = payloads.Generation,
            PayloadLogLength = payloads.Length,
            RowHighWater = _rowHighWater,
            Dimension = HasVectors ? Dimension : 0,
            Entries = [.. entries],
        }.Write(_directory);
        RemoveStaleEdgeSnapshots(nextLsn, hasEdges);
        RemoveStaleImages("sparse-*.snap", Path.GetFileName(SparseImagePath(nextLsn)), hasSparse);

        if (compact)
        {
            var old = _payloads;
            _payloads = payloads;
            old.Dispose();
            File.Delete(PayloadLog.PathIn(_directory, old.Generation));
            FileSync.FsyncDirectory(_directory);
            _payloadDeadBytes = 0;
        }

        var oldWal = _wal;
        _wal = WriteAheadLog.CreateEmpty(_directory, nextLsn, _options.Durability);
        oldWal.Retire();

        foreach (var row in CollectionsMarshal.AsSpan(_pendingFreeRows))
        {
            _freeRows.Push(row);
        }

        _pendingFreeRows.Clear();
    }

    /// <summary>
    /// Compacts storage: a checkpoint that also rewrites the payload log without its dead records
    /// (replaced or deleted payloads) whatever their share, empties the WAL, and saves the HNSW
    /// graph and the text index if they changed. Blocks writers and readers while it runs.
    /// </summary>
    /// <returns>The bytes the collection's files took before minus after (0 when they did not
    /// shrink, e.g. when a graph or text index was saved for the first time).</returns>
    public long Compact()
    {
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            var before = DiskBytesLocked();
            CheckpointLocked(forceCompaction: true);
            SaveIndexLocked();
            SaveTextLocked();
            return Math.Max(0, before - DiskBytesLocked());
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The size of every file in the collection directory (subdirectories included).</summary>
    private long DiskBytesLocked()
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(_directory).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            total += file.Length;
        }

        return total;
    }

    /// <summary>Copies live payload records into the next generation and repoints the rows.</summary>
    private PayloadLog CompactPayloads()
    {
        var next = PayloadLog.CreateNew(_directory, _payloads.Generation + 1);
        for (var row = 0; row < _rowHighWater; row++)
        {
            if (_liveByRow[row] && _payloadOffsetByRow[row] >= 0)
            {
                var bytes = _payloads.Read(_payloadOffsetByRow[row], _payloadLengthByRow[row], _idByRow[row]);
                _payloadOffsetByRow[row] = next.Append(_idByRow[row], bytes);
            }
        }

        next.Flush();
        return next;
    }
}
