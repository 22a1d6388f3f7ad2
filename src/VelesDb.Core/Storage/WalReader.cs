using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Storage;

/// <summary>What recovery found in a WAL.</summary>
internal sealed class WalScanResult
{
    /// <summary>Byte length of the valid prefix (header plus every whole, valid record).</summary>
    public long ValidLength { get; set; }

    /// <summary>LSN the next record would carry.</summary>
    public ulong NextLsn { get; set; }

    /// <summary>Records handed to the handler.</summary>
    public int RecordsApplied { get; set; }

    /// <summary>Bytes of torn tail that recovery will cut off.</summary>
    public long TornTailBytes { get; set; }

    /// <summary>Human-readable notes about damage found and what was done.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Whether anything beyond the header was present (replayed or cut).</summary>
    public bool HadContent => RecordsApplied > 0 || TornTailBytes > 0 || Notes.Count > 0;
}

/// <summary>
/// Reads <c>wal.log</c> at open. Rules: a short or invalid record with no valid record after it is
/// a torn tail (a crash during an append that was never acknowledged) and is cut; an invalid record
/// followed by valid ones is damage to acknowledged data and stops the open with
/// <see cref="VelesDbErrorCode.IndexCorrupted"/> unless the caller asked for repair, in which case
/// the damaged span is skipped and reported. Every length is checked against the file size before
/// it is used.
/// </summary>
internal static class WalReader
{
    /// <summary>Receives one valid record; the span is only valid during the call.</summary>
    public delegate void RecordHandler(WalRecordType type, ulong lsn, ReadOnlySpan<byte> body);

    /// <summary>
    /// Scans the log, calling <paramref name="handler"/> for each valid record whose LSN is at least
    /// <paramref name="firstLsnToApply"/> (older ones are already in the checkpoint).
    /// </summary>
    public static unsafe WalScanResult Scan(string directory, ulong firstLsnToApply, bool repair, RecordHandler handler)
    {
        var path = WriteAheadLog.PathIn(directory);
        var result = new WalScanResult { ValidLength = WriteAheadLog.HeaderSize, NextLsn = firstLsnToApply };
        if (!File.Exists(path))
        {
            Damage(result, repair, $"'{path}' is missing; writes since the last checkpoint cannot be recovered.");
            return result;
        }

        var fileLength = new FileInfo(path).Length;
        if (fileLength < WriteAheadLog.HeaderSize)
        {
            Damage(result, repair, $"'{path}' is {fileLength} bytes, shorter than its {WriteAheadLog.HeaderSize}-byte header.");
            return result;
        }

        using var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* basePtr = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
        try
        {
            // SAFETY: the view maps the whole file, at least fileLength bytes from basePtr (it may be
            // rounded up to a page); every span below is bounds-checked against fileLength first.
            basePtr += view.PointerOffset;
            var header = new ReadOnlySpan<byte>(basePtr, WriteAheadLog.HeaderSize);
            ulong expectedLsn;
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != WriteAheadLog.Magic
                || BinaryPrimitives.ReadUInt32LittleEndian(header[28..]) != Crc32C.Compute(header[..28]))
            {
                Damage(result, repair, $"'{path}' has a damaged header.");
                expectedLsn = 0; // repair: accept whatever consecutive LSNs the records carry
            }
            else if (BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) != WriteAheadLog.Version)
            {
                ThrowHelper.Throw(VelesDbErrorCode.IncompatibleSchemaVersion, $"'{path}' has WAL format version {BinaryPrimitives.ReadUInt16LittleEndian(header[4..])}; this build reads version {WriteAheadLog.Version}.");
                return result;
            }
            else
            {
                expectedLsn = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
                if (expectedLsn > firstLsnToApply)
                {
                    Damage(result, repair, $"'{path}' starts at LSN {expectedLsn} but the checkpoint ends at LSN {firstLsnToApply}: records in between are missing.");
                }
            }

            long pos = WriteAheadLog.HeaderSize;
            while (pos < fileLength)
            {
                var lsn = TryReadRecord(basePtr, fileLength, pos, expectedLsn, out var type, out var bodyLength);
                if (lsn is null)
                {
                    var next = FindNextValidRecord(basePtr, fileLength, pos + 1, expectedLsn);
                    if (next is null)
                    {
                        result.TornTailBytes = fileLength - pos;
                        result.Notes.Add($"Torn tail: cut {fileLength - pos} bytes at offset {pos} of '{path}' (a write that was never acknowledged).");
                        break;
                    }

                    var (nextPos, nextLsn) = next.Value;
                    Damage(result, repair, $"'{path}' is damaged at offset {pos} (expected LSN {expectedLsn}) and valid records follow at offset {nextPos} (LSN {nextLsn}).");
                    result.Notes.Add($"Repair skipped {nextPos - pos} bytes, losing LSNs {expectedLsn}..{nextLsn - 1}.");
                    pos = nextPos;
                    expectedLsn = nextLsn;
                    continue;
                }

                if (lsn.Value >= firstLsnToApply)
                {
                    handler(type, lsn.Value, new ReadOnlySpan<byte>(basePtr + pos + WriteAheadLog.RecordHeaderSize, bodyLength));
                    result.RecordsApplied++;
                }

                pos += WriteAheadLog.RecordHeaderSize + bodyLength;
                expectedLsn = lsn.Value + 1;
                result.ValidLength = pos;
            }

            result.NextLsn = Math.Max(expectedLsn, firstLsnToApply);
            return result;
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    /// <summary>
    /// Validates the record at <paramref name="pos"/>. With <paramref name="expectedLsn"/> 0 any LSN
    /// is accepted (header lost during repair). Returns its LSN, or null when it is not valid.
    /// </summary>
    private static unsafe ulong? TryReadRecord(byte* basePtr, long fileLength, long pos, ulong expectedLsn, out WalRecordType type, out int bodyLength)
    {
        type = default;
        bodyLength = 0;
        if (fileLength - pos < WriteAheadLog.RecordHeaderSize)
        {
            return null;
        }

        // SAFETY: pos + RecordHeaderSize <= fileLength was checked just above.
        var head = new ReadOnlySpan<byte>(basePtr + pos, WriteAheadLog.RecordHeaderSize);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(head);
        var lsn = BinaryPrimitives.ReadUInt64LittleEndian(head[8..]);
        if (length > WriteAheadLog.MaxBodyLength
            || (ulong)(fileLength - pos - WriteAheadLog.RecordHeaderSize) < length
            || (expectedLsn != 0 && lsn != expectedLsn)
            || head[16] is not ((byte)WalRecordType.Upsert or (byte)WalRecordType.Delete or (byte)WalRecordType.AddEdges or (byte)WalRecordType.RemoveEdges or (byte)WalRecordType.UpsertSparse))
        {
            return null;
        }

        // SAFETY: the whole record lies inside the file: length was bounded by the remaining size.
        var record = new ReadOnlySpan<byte>(basePtr + pos, WriteAheadLog.RecordHeaderSize + (int)length);
        if (WriteAheadLog.RecordCrc(record) != BinaryPrimitives.ReadUInt32LittleEndian(head[4..]))
        {
            return null;
        }

        type = (WalRecordType)head[16];
        bodyLength = (int)length;
        return lsn;
    }

    /// <summary>
    /// Looks for any valid record after damage. The LSN window check comes before the checksum so
    /// the scan stays linear in practice.
    /// </summary>
    private static unsafe (long Pos, ulong Lsn)? FindNextValidRecord(byte* basePtr, long fileLength, long from, ulong expectedLsn)
    {
        var maxRecords = (ulong)(fileLength / WriteAheadLog.RecordHeaderSize) + 1;
        for (var q = from; q + WriteAheadLog.RecordHeaderSize <= fileLength; q++)
        {
            // SAFETY: q + RecordHeaderSize <= fileLength is the loop condition.
            var lsn = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(basePtr + q + 8, 8));
            if (expectedLsn != 0 && (lsn < expectedLsn || lsn > expectedLsn + maxRecords))
            {
                continue;
            }

            if (lsn == 0)
            {
                continue;
            }

            if (TryReadRecord(basePtr, fileLength, q, lsn, out _, out _) is not null)
            {
                return (q, lsn);
            }
        }

        return null;
    }

    private static void Damage(WalScanResult result, bool repair, string message)
    {
        if (!repair)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, message + " Open with repair enabled to recover what is readable.");
        }

        result.Notes.Add("Repaired: " + message);
    }
}
