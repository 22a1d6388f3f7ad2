using System.Buffers.Binary;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Index;

/// <summary>
/// Writes a little-endian index snapshot to a stream through a buffer, keeping a running CRC-32C
/// of every byte written; <see cref="Finish"/> appends that CRC and flushes.
/// </summary>
internal sealed class SnapshotWriter
{
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _used;
    private uint _crc;

    /// <summary>Creates a writer over <paramref name="stream"/>, which is left open.</summary>
    public SnapshotWriter(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>Writes a u16.</summary>
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    /// <summary>Writes a u32.</summary>
    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    /// <summary>Writes an i32.</summary>
    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    /// <summary>Writes a u64.</summary>
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    /// <summary>Writes an f32.</summary>
    public void WriteSingle(float value) => BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);

    /// <summary>Writes raw bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_used == _buffer.Length)
            {
                FlushBuffer();
            }

            var n = Math.Min(bytes.Length, _buffer.Length - _used);
            bytes[..n].CopyTo(_buffer.AsSpan(_used));
            _used += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>Appends the CRC-32C of everything written and flushes the stream.</summary>
    public void Finish()
    {
        FlushBuffer();
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, _crc);
        _stream.Write(crc);
        _stream.Flush();
    }

    private Span<byte> Reserve(int size)
    {
        if (_used + size > _buffer.Length)
        {
            FlushBuffer();
        }

        var span = _buffer.AsSpan(_used, size);
        _used += size;
        return span;
    }

    private void FlushBuffer()
    {
        if (_used == 0)
        {
            return;
        }

        _crc = Crc32C.Append(_crc, _buffer.AsSpan(0, _used));
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }
}
