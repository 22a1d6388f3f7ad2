using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Storage;

/// <summary>
/// <c>payloads-NNNNNNNN.log</c>: append-only store of payload JSON. The checkpoint points at
/// records by offset; records written after the checkpoint are cut at open and re-created by WAL
/// replay. A compaction writes a new generation and the checkpoint switches to it atomically.
/// <code>
/// Header, 16 bytes (little-endian):
///   0  u32 magic 0x4C504C56 ("VLPL")
///   4  u16 format version (1)
///   6  u16 reserved, 0
///   8  u32 generation (matches the file name)
///   12 u32 CRC-32C of bytes 0..12
/// Record:
///   0  u32 length of the JSON in bytes
///   4  u32 CRC-32C of bytes 0..4 followed by bytes 8..(16 + length)
///   8  u64 point id
///   16 UTF-8 JSON[length]
/// </code>
/// </summary>
internal sealed class PayloadLog : IDisposable
{
    public const uint Magic = 0x4C504C56;
    public const ushort Version = 1;
    public const int HeaderSize = 16;
    public const int RecordHeaderSize = 16;

    private readonly SafeFileHandle _handle;
    private readonly string _path;
    private long _length;

    private PayloadLog(SafeFileHandle handle, string path, long length, uint generation)
    {
        _handle = handle;
        _path = path;
        _length = length;
        Generation = generation;
    }

    /// <summary>The generation number in the file name and header.</summary>
    public uint Generation { get; }

    /// <summary>Bytes in the file.</summary>
    public long Length => _length;

    /// <summary>The file name of a generation.</summary>
    public static string PathIn(string directory, uint generation) =>
        Path.Combine(directory, $"payloads-{generation:D8}.log");

    /// <summary>Creates an empty generation durably and opens it.</summary>
    public static PayloadLog CreateNew(string directory, uint generation)
    {
        var path = PathIn(directory, generation);
        Span<byte> header = stackalloc byte[HeaderSize];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], generation);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], Crc32C.Compute(header[..12]));
        FileSync.WriteAtomic(path, header);
        return Open(directory, generation, HeaderSize);
    }

    /// <summary>
    /// Opens a generation, validating its header, and cuts it to <paramref name="validLength"/>
    /// (what the checkpoint covers).
    /// </summary>
    public static PayloadLog Open(string directory, uint generation, long validLength)
    {
        var path = PathIn(directory, generation);
        if (!File.Exists(path))
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' is missing.");
        }

        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var length = RandomAccess.GetLength(handle);
            Span<byte> header = stackalloc byte[HeaderSize];
            if (length < HeaderSize || length < validLength || RandomAccess.Read(handle, header, 0) != HeaderSize)
            {
                ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' is {length} bytes, shorter than the {Math.Max(HeaderSize, validLength)} bytes the checkpoint covers.");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic
                || BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != Crc32C.Compute(header[..12])
                || BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != generation)
            {
                ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' has a damaged header.");
            }

            if (length > validLength)
            {
                RandomAccess.SetLength(handle, validLength);
                FileSync.Fsync(handle);
            }

            return new PayloadLog(handle, path, validLength, generation);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Appends a record (through to the OS, not fsynced) and returns its offset.</summary>
    public long Append(ulong id, ReadOnlySpan<byte> json)
    {
        var total = RecordHeaderSize + json.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var record = buffer.AsSpan(0, total);
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)json.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(record[8..], id);
            json.CopyTo(record[RecordHeaderSize..]);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32C.Append(Crc32C.Compute(record[..4]), record[8..]));
            var offset = _length;
            RandomAccess.Write(_handle, record, offset);
            _length += total;
            return offset;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads and verifies the record at <paramref name="offset"/>, which must belong to
    /// <paramref name="id"/> and hold <paramref name="length"/> bytes of JSON.
    /// </summary>
    public byte[] Read(long offset, int length, ulong id)
    {
        if (offset < HeaderSize || length < 0 || offset + RecordHeaderSize + (long)length > _length)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{_path}': payload of point {id} at offset {offset} (+{length}) lies outside the file.");
        }

        var record = new byte[RecordHeaderSize + length];
        if (RandomAccess.Read(_handle, record, offset) != record.Length)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{_path}': short read of the payload of point {id}.");
        }

        var span = record.AsSpan();
        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != (uint)length
            || BinaryPrimitives.ReadUInt64LittleEndian(span[8..]) != id
            || BinaryPrimitives.ReadUInt32LittleEndian(span[4..]) != Crc32C.Append(Crc32C.Compute(span[..4]), span[8..]))
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{_path}': the payload of point {id} at offset {offset} fails its checksum.");
        }

        return span[RecordHeaderSize..].ToArray();
    }

    /// <summary>fsync.</summary>
    public void Flush() => FileSync.Fsync(_handle);

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
