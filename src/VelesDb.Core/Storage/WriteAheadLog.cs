using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Storage;

/// <summary>
/// The per-collection write-ahead log, <c>wal.log</c>. Every write is appended here before it is
/// applied, so a crash loses nothing that was acknowledged.
/// <para>On-disk format (all integers little-endian; see docs/FORMAT.md):</para>
/// <code>
/// File header, 32 bytes:
///   0  u32  magic 0x4C574C56 ("VLWL")
///   4  u16  format version (1)
///   6  u16  reserved, 0
///   8  u64  base LSN: the LSN of the first record this file may hold
///   16 u8[12] reserved, 0
///   28 u32  CRC-32C of bytes 0..28
/// Record, 17-byte header then the body:
///   0  u32  body length in bytes (at most MaxBodyLength)
///   4  u32  CRC-32C of bytes 0..4 followed by bytes 8..(17 + length)
///   8  u64  LSN: consecutive, starting at the base LSN
///   16 u8   record type (WalRecordType)
///   17 body
/// </code>
/// Appends are serialised by the caller's write lock; <see cref="WaitDurable"/> implements group
/// commit: the first waiter fsyncs for everyone whose record was written before the fsync began.
/// </summary>
internal sealed class WriteAheadLog : IDisposable
{
    public const uint Magic = 0x4C574C56;
    public const ushort Version = 1;
    public const int HeaderSize = 32;
    public const int RecordHeaderSize = 17;

    /// <summary>Largest body accepted on write and believed on read (1 GiB).</summary>
    public const int MaxBodyLength = 1 << 30;

    private readonly SafeFileHandle _handle;
    private readonly DurabilityMode _mode;
    private readonly object _syncLock = new();
    private long _length;
    private ulong _nextLsn;
    private ulong _writtenLsn;
    private ulong _durableLsn;
    private bool _syncInProgress;
    private bool _retired;
    private Exception? _failure;

    private WriteAheadLog(SafeFileHandle handle, long length, ulong nextLsn, DurabilityMode mode)
    {
        _handle = handle;
        _length = length;
        _nextLsn = nextLsn;
        _writtenLsn = nextLsn - 1;
        _durableLsn = nextLsn - 1;
        _mode = mode;
    }

    /// <summary>The path of the log inside a collection directory.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, "wal.log");

    /// <summary>Bytes in the file, header included.</summary>
    public long Length => Volatile.Read(ref _length);

    /// <summary>The LSN the next append gets.</summary>
    public ulong NextLsn => _nextLsn;

    /// <summary>
    /// Atomically replaces the log with an empty one whose first record will carry
    /// <paramref name="baseLsn"/>, and opens it for appending.
    /// </summary>
    public static WriteAheadLog CreateEmpty(string directory, ulong baseLsn, DurabilityMode mode)
    {
        var path = PathIn(directory);
        Span<byte> header = stackalloc byte[HeaderSize];
        WriteHeader(header, baseLsn);
        FileSync.WriteAtomic(path, header);
        return OpenForAppend(directory, HeaderSize, baseLsn, mode);
    }

    /// <summary>Opens an existing, already validated log to append after <paramref name="validLength"/> bytes.</summary>
    public static WriteAheadLog OpenForAppend(string directory, long validLength, ulong nextLsn, DurabilityMode mode)
    {
        var handle = File.OpenHandle(PathIn(directory), FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        if (RandomAccess.GetLength(handle) != validLength)
        {
            RandomAccess.SetLength(handle, validLength);
            FileSync.Fsync(handle);
        }

        return new WriteAheadLog(handle, validLength, nextLsn, mode);
    }

    /// <summary>Fills a 32-byte file header.</summary>
    public static void WriteHeader(Span<byte> header, ulong baseLsn)
    {
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], baseLsn);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], Crc32C.Compute(header[..28]));
    }

    /// <summary>Checksum of a record as laid out in <paramref name="record"/> (header and body).</summary>
    public static uint RecordCrc(ReadOnlySpan<byte> record) =>
        Crc32C.Append(Crc32C.Compute(record[..4]), record[8..]);

    /// <summary>
    /// Writes one record through to the OS (not yet fsynced) and returns its LSN. The caller holds
    /// the collection write lock, which keeps LSN order equal to apply order.
    /// </summary>
    public ulong Append(WalRecordType type, ReadOnlySpan<byte> body)
    {
        if (_failure is not null)
        {
            ThrowFailed();
        }

        if (body.Length > MaxBodyLength)
        {
            ThrowHelper.Throw(VelesDbErrorCode.GuardRail, $"A single write of {body.Length} bytes exceeds the WAL record limit of {MaxBodyLength} bytes; split the batch.");
        }

        var total = RecordHeaderSize + body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var record = buffer.AsSpan(0, total);
            var lsn = _nextLsn;
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(record[8..], lsn);
            record[16] = (byte)type;
            body.CopyTo(record[RecordHeaderSize..]);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], RecordCrc(record));
            try
            {
                RandomAccess.Write(_handle, record, _length);
            }
            catch (IOException ex)
            {
                // A partial write may be on disk; appending after it would hide later records behind
                // a torn one. Refuse all further writes; the next open truncates the tail.
                Fail(ex);
                ThrowFailed();
            }

            _length += total;
            _nextLsn = lsn + 1;
            lock (_syncLock)
            {
                _writtenLsn = lsn;
            }

            return lsn;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// In <see cref="DurabilityMode.Fsync"/> mode, blocks until the record <paramref name="lsn"/> is
    /// on stable storage. One caller fsyncs on behalf of all records written before it started.
    /// </summary>
    public void WaitDurable(ulong lsn)
    {
        if (_mode != DurabilityMode.Fsync)
        {
            return;
        }

        SyncUpTo(lsn);
    }

    /// <summary>Makes every record written so far durable, whatever the mode.</summary>
    public void Sync()
    {
        ulong target;
        lock (_syncLock)
        {
            target = _writtenLsn;
        }

        SyncUpTo(target);
    }

    private void SyncUpTo(ulong lsn)
    {
        while (true)
        {
            ulong target;
            lock (_syncLock)
            {
                while (true)
                {
                    if (_failure is not null)
                    {
                        ThrowFailed();
                    }

                    if (_durableLsn >= lsn || _retired)
                    {
                        return;
                    }

                    if (!_syncInProgress)
                    {
                        break;
                    }

                    Monitor.Wait(_syncLock);
                }

                _syncInProgress = true;
                target = _writtenLsn;
            }

            Exception? error = null;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                RandomAccess.FlushToDisk(_handle);
                Diagnostics.CoreMetrics.WalFsyncSeconds.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                error = ex;
            }

            lock (_syncLock)
            {
                _syncInProgress = false;
                if (error is not null)
                {
                    // After a failed fsync the kernel may have dropped the dirty pages; retrying
                    // could report success for data that is gone. The log is unusable until reopen.
                    _failure ??= error;
                }
                else if (target > _durableLsn)
                {
                    _durableLsn = target;
                }

                Monitor.PulseAll(_syncLock);
            }
        }
    }

    private void Fail(Exception ex)
    {
        lock (_syncLock)
        {
            _failure ??= ex;
            Monitor.PulseAll(_syncLock);
        }
    }

    private void ThrowFailed() =>
        ThrowHelper.Throw(
            VelesDbErrorCode.Storage,
            "The write-ahead log failed earlier (" + _failure!.Message + "); the collection refuses writes until the database is reopened.",
            _failure);

    /// <summary>
    /// Closes a log whose records are all contained in a durable checkpoint (or that is being
    /// abandoned): waiters return at once instead of fsyncing a closed file.
    /// </summary>
    public void Retire()
    {
        lock (_syncLock)
        {
            while (_syncInProgress)
            {
                Monitor.Wait(_syncLock);
            }

            _retired = true;
            Monitor.PulseAll(_syncLock);
        }

        _handle.Dispose();
    }

    /// <summary>Fsyncs what was written, then retires the log. A failed fsync reaches the waiters.</summary>
    public void Close()
    {
        try
        {
            Sync();
        }
        catch (VelesDbException)
        {
            // Recorded as the log's failure: every waiter sees it instead of a false success.
        }

        Retire();
    }

    /// <inheritdoc />
    public void Dispose() => Close();
}

/// <summary>WAL record types. Persisted: never renumber.</summary>
internal enum WalRecordType : byte
{
    /// <summary>A batch of points to upsert: applied all-or-nothing.</summary>
    Upsert = 1,

    /// <summary>A batch of ids to delete.</summary>
    Delete = 2,

    /// <summary>A batch of graph edges to add: applied all-or-nothing.</summary>
    AddEdges = 3,

    /// <summary>A batch of edge ids to remove.</summary>
    RemoveEdges = 4,

    /// <summary>A batch of points to upsert, some with sparse vectors: applied all-or-nothing.</summary>
    UpsertSparse = 5,
}
