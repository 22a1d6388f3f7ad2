using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VelesDb.Core.Diagnostics;
using VelesDb.Core.Errors;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>Writes the files of a new, empty collection into <paramref name="directory"/>.</summary>
    internal static void InitializeFiles(string directory, CollectionConfig config)
    {
        config.Write(directory);
        if (config.Kind != "metadata" && config.Dimension > 0)
        {
            VectorFile.CreateNew(directory, config.Dimension);
        }

        PayloadLog.CreateNew(directory, 0).Dispose();
        WriteAheadLog.CreateEmpty(directory, 1, DurabilityMode.Fsync).Dispose();
    }

    /// <summary>
    /// Opens a collection: loads and verifies the checkpoint (every vector slot and payload record
    /// against its checksum), replays the WAL, and checkpoints again if anything was replayed or
    /// repaired so the next open starts clean.
    /// </summary>
    internal static Collection Open(string directory, CollectionConfig config, VelesDatabaseOptions options, ILogger logger)
    {
        var collection = new Collection(directory, config, options, logger);
        try
        {
            collection.Load();
            return collection;
        }
        catch
        {
            collection._wal?.Retire();
            collection._vectors?.Dispose();
            collection._payloads?.Dispose();
            throw;
        }
    }

    private void Load()
    {
        var report = new RecoveryReport();
        var snapshot = PointSnapshot.Read(_directory, HasVectors ? Dimension : 0)
            ?? new PointSnapshot { Entries = [], Dimension = HasVectors ? Dimension : 0 };

        if (HasVectors)
        {
            _vectors = VectorFile.Open(_directory, Dimension);
            if (snapshot.RowHighWater > _vectors.Capacity && snapshot.Entries.Length > 0)
            {
                ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{VectorFile.PathIn(_directory)}' holds {_vectors.Capacity} slots but the checkpoint uses {snapshot.RowHighWater}: the file was truncated.");
            }
        }

        _payloads = PayloadLog.Open(_directory, snapshot.PayloadGeneration, snapshot.PayloadLogLength);
        LoadSnapshotEntries(snapshot, report);
        LoadOrBuildTextLocked(snapshot.NextLsn, report);
        LoadEdgesLocked(snapshot);
        LoadSparseLocked(snapshot);

        var scan = WalReader.Scan(_directory, snapshot.NextLsn, _options.Repair, ApplyRecord);
        report.WalRecordsReplayed = scan.RecordsApplied;
        report.TornTailBytes = scan.TornTailBytes;
        report.NotesList.AddRange(scan.Notes);

        _wal = File.Exists(WriteAheadLog.PathIn(_directory))
            ? WriteAheadLog.OpenForAppend(_directory, scan.ValidLength, scan.NextLsn, _options.Durability)
            : WriteAheadLog.CreateEmpty(_directory, scan.NextLsn, _options.Durability);
        if (scan.HadContent || !report.IsClean || scan.NextLsn != snapshot.NextLsn)
        {
            // The replayed state becomes the new checkpoint and the old log is dropped, so damage
            // that repair skipped is not met again and the next open replays nothing.
            CheckpointLocked();
        }

        RemoveLeftovers();
        BuildIndex();
        BuildSecondaryIndexesLocked();
        BuildGraphIndexesLocked();
        foreach (var note in report.NotesList)
        {
            Log.RecoveryNote(_logger, Name, note);
        }

        if (report.WalRecordsReplayed > 0)
        {
            Log.WalReplayed(_logger, Name, report.WalRecordsReplayed);
        }

        Recovery = report;
    }

    private void LoadSnapshotEntries(PointSnapshot snapshot, RecoveryReport report)
    {
        _rowHighWater = snapshot.RowHighWater;
        EnsureRowCapacity(Math.Max(0, _rowHighWater - 1));
        foreach (var e in snapshot.Entries)
        {
            if (_liveByRow[e.Row] || _rowById.ContainsKey(e.Id))
            {
                ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{PointSnapshot.PathIn(_directory)}' lists row {e.Row} or id {e.Id} twice.");
            }

            string? damage = null;
            if (_vectors is not null && Crc32C.Compute(_vectors.GetBytes(e.Row)) != e.VectorCrc)
            {
                damage = $"the vector of point {e.Id} (slot {e.Row} of '{VectorFile.PathIn(_directory)}') fails its checksum";
            }

            JsonElement payload = default;
            if (damage is null && e.PayloadOffset >= 0)
            {
                try
                {
                    payload = ParsePayload(_payloads.Read(e.PayloadOffset, e.PayloadLength, e.Id));
                }
                catch (Exception ex) when (ex is VelesDbException or JsonException)
                {
                    damage = $"the payload of point {e.Id}: {ex.Message}";
                }
            }

            if (damage is not null)
            {
                if (!_options.Repair)
                {
                    ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"Collection '{Name}': {damage}. Open with repair enabled to drop the damaged points.");
                }

                report.DroppedIds.Add(e.Id);
                report.NotesList.Add($"Repaired: dropped point {e.Id}: {damage}.");
                _pendingFreeRows.Add(e.Row);
                continue;
            }

            _idByRow[e.Row] = e.Id;
            _liveByRow[e.Row] = true;
            _vectorCrcByRow[e.Row] = e.VectorCrc;
            _payloadOffsetByRow[e.Row] = e.PayloadOffset;
            _payloadLengthByRow[e.Row] = e.PayloadLength;
            _payloadByRow[e.Row] = payload;
            TrackExpiryLocked(e.Row, payload);
            _rowById[e.Id] = e.Row;
        }

        // Rows the checkpoint does not use are free now: nothing durable points at them.
        for (var row = _rowHighWater - 1; row >= 0; row--)
        {
            if (!_liveByRow[row] && !CollectionsMarshal.AsSpan(_pendingFreeRows).Contains(row))
            {
                _freeRows.Push(row);
            }
        }
    }

    /// <summary>Deletes temp files and payload generations that no checkpoint references.</summary>
    private void RemoveLeftovers()
    {
        foreach (var path in Directory.EnumerateFiles(_directory))
        {
            var name = Path.GetFileName(path);
            var stale = name.EndsWith(".tmp", StringComparison.Ordinal)
                || (name.StartsWith("payloads-", StringComparison.Ordinal) && name.EndsWith(".log", StringComparison.Ordinal)
                    && name != Path.GetFileName(PayloadLog.PathIn(_directory, _payloads.Generation)));
            if (stale)
            {
                File.Delete(path);
                Log.RemovedLeftover(_logger, path);
            }
        }
    }
}
