using System.Buffers.Binary;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Storage;

/// <summary>One live point in a checkpoint.</summary>
internal readonly record struct SnapshotEntry(ulong Id, int Row, uint VectorCrc, long PayloadOffset, int PayloadLength);

/// <summary>
/// <c>points.snap</c>: the checkpoint. It lists every live point with where its vector and payload
/// are and their checksums, and the first WAL LSN it does not cover. Replaced atomically; slots and
/// payload records it references are never overwritten until the next checkpoint replaces it.
/// <code>
/// Little-endian:
///   0  u32 magic 0x50534C56 ("VLSP")
///   4  u16 format version (1)
///   6  u16 reserved, 0
///   8  u64 next LSN: the first WAL record not contained in this checkpoint
///   16 u32 payload log generation
///   20 u32 flags: bit 0 = the checkpoint has an edge snapshot (edges-&lt;next LSN&gt;.snap), bit 1 = a sparse-vector image (sparse-&lt;next LSN&gt;.snap); other bits 0
///   24 u64 payload log length covered
///   32 u32 row high-water mark (rows/slots 0..n-1 may be in use)
///   36 u32 dimension (0 for a metadata-only collection)
///   40 u64 point count N
///   48 N entries of 32 bytes, in ascending row order:
///        u64 id, u32 row, u32 CRC-32C of the vector slot bytes (0 without vectors),
///        i64 payload record offset (-1 when the point has no payload), u32 payload length, u32 reserved 0
///   48 + 32N  u32 CRC-32C of every preceding byte
/// </code>
/// </summary>
internal sealed class PointSnapshot
{
    public const uint Magic = 0x50534C56;
    public const ushort Version = 1;
    public const int HeaderSize = 48;
    public const int EntrySize = 32;

    public ulong NextLsn { get; init; } = 1;

    public uint PayloadGeneration { get; init; }

    public long PayloadLogLength { get; init; } = PayloadLog.HeaderSize;

    public int RowHighWater { get; init; }

    public int Dimension { get; init; }

    /// <summary>Whether the checkpoint's edges are in <c>edges-&lt;NextLsn&gt;.snap</c> (flag bit 0); false means the collection had no edges.</summary>
    public bool HasEdges { get; init; }

    /// <summary>Whether the checkpoint's sparse vectors are in <c>sparse-&lt;NextLsn&gt;.snap</c> (flag bit 1).</summary>
    public bool HasSparse { get; init; }

    public required SnapshotEntry[] Entries { get; init; }

    /// <summary>The path of the file inside a collection directory.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, "points.snap");

    /// <summary>Serialises and atomically replaces the checkpoint file.</summary>
    public void Write(string directory)
    {
        var bytes = new byte[HeaderSize + ((long)Entries.Length * EntrySize) + 4];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], NextLsn);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], PayloadGeneration);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (HasEdges ? 1u : 0u) | (HasSparse ? 2u : 0u));
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], PayloadLogLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[32..], (uint)RowHighWater);
        BinaryPrimitives.WriteUInt32LittleEndian(span[36..], (uint)Dimension);
        BinaryPrimitives.WriteUInt64LittleEndian(span[40..], (ulong)Entries.Length);
        var pos = HeaderSize;
        foreach (var e in Entries)
        {
            var entry = span.Slice(pos, EntrySize);
            BinaryPrimitives.WriteUInt64LittleEndian(entry, e.Id);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], (uint)e.Row);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], e.VectorCrc);
            BinaryPrimitives.WriteInt64LittleEndian(entry[16..], e.PayloadOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[24..], (uint)e.PayloadLength);
            pos += EntrySize;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[pos..], Crc32C.Compute(span[..pos]));
        FileSync.WriteAtomic(PathIn(directory), bytes);
    }

    /// <summary>Reads and validates the checkpoint; null when the collection has never checkpointed.</summary>
    public static PointSnapshot? Read(string directory, int expectedDimension)
    {
        var path = PathIn(directory);
        if (!File.Exists(path))
        {
            return null;
        }

        var length = new FileInfo(path).Length;
        if (length < HeaderSize + 4)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' is {length} bytes, shorter than its header.");
        }

        // Validate the declared count against the actual size before allocating for it.
        Span<byte> header = stackalloc byte[HeaderSize];
        using (var fs = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            _ = RandomAccess.Read(fs, header, 0);
        }

        var count = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]);
        if (count > (ulong)(length - HeaderSize - 4) / EntrySize || HeaderSize + (count * EntrySize) + 4 != (ulong)length)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' declares {count} points but is {length} bytes long.");
        }

        var bytes = File.ReadAllBytes(path);
        var span = bytes.AsSpan();
        var crcPos = bytes.Length - 4;
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[crcPos..]) != Crc32C.Compute(span[..crcPos]))
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' fails its checksum.");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' has a bad magic number.");
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(span[4..]) != Version)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IncompatibleSchemaVersion, $"'{path}' has format version {BinaryPrimitives.ReadUInt16LittleEndian(span[4..])}; this build reads version {Version}.");
        }

        var rowHighWater = BinaryPrimitives.ReadUInt32LittleEndian(span[32..]);
        var dimension = BinaryPrimitives.ReadUInt32LittleEndian(span[36..]);
        if (dimension != (uint)expectedDimension || rowHighWater > int.MaxValue || count > rowHighWater)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' is inconsistent with the collection (dimension {dimension}, rows {rowHighWater}, points {count}).");
        }

        var entries = new SnapshotEntry[count];
        var pos = HeaderSize;
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = span.Slice(pos, EntrySize);
            var row = BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
            var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(entry[24..]);
            if (row >= rowHighWater || payloadLength > int.MaxValue)
            {
                ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}': entry {i} is out of range.");
            }

            entries[i] = new SnapshotEntry(
                BinaryPrimitives.ReadUInt64LittleEndian(entry),
                (int)row,
                BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]),
                BinaryPrimitives.ReadInt64LittleEndian(entry[16..]),
                (int)payloadLength);
            pos += EntrySize;
        }

        var flags = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
        if ((flags & ~3u) != 0)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IncompatibleSchemaVersion, $"'{path}' sets flags 0x{flags:x} this build does not know.");
        }

        return new PointSnapshot
        {
            NextLsn = BinaryPrimitives.ReadUInt64LittleEndian(span[8..]),
            HasEdges = (flags & 1) != 0,
            HasSparse = (flags & 2) != 0,
            PayloadGeneration = BinaryPrimitives.ReadUInt32LittleEndian(span[16..]),
            PayloadLogLength = BinaryPrimitives.ReadInt64LittleEndian(span[24..]),
            RowHighWater = (int)rowHighWater,
            Dimension = (int)dimension,
            Entries = entries,
        };
    }
}
