using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using VelesDb.Core.Errors;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Index;

/// <summary>
/// Reads a snapshot written by <see cref="SnapshotWriter"/>: buffered little-endian reads with a
/// running CRC-32C, the number of bytes left known up front so that every declared count can be
/// checked (<see cref="EnsureAvailable"/>) before anything is allocated for it. Every problem
/// (short stream, bad checksum, trailing bytes) is reported as
/// <see cref="VelesDbErrorCode.IndexCorrupted"/>.
/// </summary>
internal sealed class SnapshotReader
{
    private readonly Stream _stream;
    private readonly string _what;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _position;
    private int _filled;
    private long _unread;
    private uint _crc;

    private SnapshotReader(Stream stream, long length, string what)
    {
        _stream = stream;
        _unread = length;
        _what = what;
    }

    /// <summary>
    /// Bytes of the body not yet consumed, the trailing 4-byte CRC excluded (negative when the
    /// stream is too short to hold even the CRC).
    /// </summary>
    public long Remaining => _unread + (_filled - _position) - sizeof(uint);

    /// <summary>
    /// Opens a reader over the rest of <paramref name="stream"/>. A stream that cannot seek is
    /// first copied to memory so that its length is known.
    /// </summary>
    public static SnapshotReader Open(Stream stream, string what)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }

        return new SnapshotReader(stream, stream.Length - stream.Position, what);
    }

    /// <summary>Throws <see cref="VelesDbErrorCode.IndexCorrupted"/> naming the snapshot and <paramref name="problem"/>.</summary>
    [DoesNotReturn]
    public void Fail(string problem) =>
        ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"The {_what} snapshot is damaged: {problem}.");

    /// <summary>Fails unless <paramref name="count"/> items of <paramref name="itemSize"/> bytes can still follow.</summary>
    public void EnsureAvailable(long count, int itemSize, string items)
    {
        if (count < 0 || count > Remaining / itemSize)
        {
            Fail($"it declares {count} {items} but only {Math.Max(Remaining, 0)} bytes remain");
        }
    }

    /// <summary>
    /// Reads the 24-byte header both index snapshots share — magic, version, zero flags, two
    /// counts and a posting total — failing on a wrong magic, version or flags.
    /// </summary>
    public (uint Documents, uint Terms, ulong Postings) ReadHeader(uint magic, ushort expectedVersion)
    {
        EnsureAvailable(24, 1, "header bytes");
        if (ReadUInt32() != magic)
        {
            Fail("wrong magic");
        }

        var version = ReadUInt16();
        if (version != expectedVersion || ReadUInt16() != 0)
        {
            Fail($"unsupported version {version} or flags");
        }

        return (ReadUInt32(), ReadUInt32(), ReadUInt64());
    }

    /// <summary>Reads a u16.</summary>
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    /// <summary>Reads a u32.</summary>
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    /// <summary>Reads an i32.</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    /// <summary>Reads a u64.</summary>
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads an f32.</summary>
    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    /// <summary>Fills <paramref name="target"/>.</summary>
    public void ReadBytes(Span<byte> target)
    {
        while (!target.IsEmpty)
        {
            if (_position == _filled)
            {
                Refill(1);
            }

            var n = Math.Min(target.Length, _filled - _position);
            _buffer.AsSpan(_position, n).CopyTo(target);
            _crc = Crc32C.Append(_crc, target[..n]);
            _position += n;
            target = target[n..];
        }
    }

    /// <summary>Reads the trailing CRC, compares it with the bytes read and checks that nothing follows.</summary>
    public void VerifyEnd()
    {
        if (Remaining != 0)
        {
            Fail(Remaining > 0 ? $"{Remaining} unexpected bytes before the checksum" : "it is truncated");
        }

        var computed = _crc;
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(TakeUnchecked(4));
        if (stored != computed)
        {
            Fail("checksum mismatch");
        }
    }

    private ReadOnlySpan<byte> Take(int size)
    {
        if (Remaining < size)
        {
            Fail("it is truncated");
        }

        var span = TakeUnchecked(size);
        _crc = Crc32C.Append(_crc, span);
        return span;
    }

    private ReadOnlySpan<byte> TakeUnchecked(int size)
    {
        if (_filled - _position < size)
        {
            Refill(size);
        }

        var span = _buffer.AsSpan(_position, size);
        _position += size;
        return span;
    }

    // Moves the unread tail to the front and reads until at least `needed` bytes are buffered.
    private void Refill(int needed)
    {
        var left = _filled - _position;
        _buffer.AsSpan(_position, left).CopyTo(_buffer);
        _position = 0;
        _filled = left;
        while (_filled < needed)
        {
            var want = (int)Math.Min(_buffer.Length - _filled, _unread);
            var read = want <= 0 ? 0 : _stream.Read(_buffer, _filled, want);
            if (read <= 0)
            {
                Fail("it is truncated");
            }

            _filled += read;
            _unread -= read;
        }
    }
}
