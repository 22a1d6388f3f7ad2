using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Storage;

/// <summary>
/// <c>vectors.dat</c>: float32 vectors in fixed-size slots, memory-mapped so search reads them in
/// place. Slot contents are checksummed in the checkpoint (<see cref="PointSnapshot"/>), not here,
/// so the slot array stays dense and aligned for SIMD.
/// <code>
/// Header, 64 bytes (little-endian):
///   0  u32 magic 0x44564C56 ("VLVD")
///   4  u16 format version (1)
///   6  u16 reserved, 0
///   8  u32 dimension
///   12 u32 reserved, 0
///   16 u32 CRC-32C of bytes 0..16
///   20 u8[44] reserved, 0
/// Slots from offset 64: slot s holds dimension float32 values at 64 + s * dimension * 4.
/// </code>
/// Growth doubles the capacity and remaps; callers hold the collection write lock while growing and
/// a read lock while reading, so no reader sees an unmapped view.
/// </summary>
internal sealed unsafe class VectorFile : IDisposable
{
    public const uint Magic = 0x44564C56;
    public const ushort Version = 1;
    public const int HeaderSize = 64;
    private const int MinCapacity = 1024;

    private readonly string _path;
    private readonly int _dimension;
    private readonly SafeFileHandle _handle;
    private MemoryMappedFile _map = null!;
    private MemoryMappedViewAccessor _view = null!;
    private byte* _base;
    private int _capacity;

    private VectorFile(string path, int dimension, SafeFileHandle handle, int capacity)
    {
        _path = path;
        _dimension = dimension;
        _handle = handle;
        Map(capacity);
    }

    /// <summary>The path of the file inside a collection directory.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, "vectors.dat");

    /// <summary>Slots the current mapping can hold.</summary>
    public int Capacity => _capacity;

    private long SlotBytes => (long)_dimension * sizeof(float);

    /// <summary>Creates a new file with its header, durably.</summary>
    public static void CreateNew(string directory, int dimension)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)dimension);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], Crc32C.Compute(header[..16]));
        FileSync.WriteAtomic(PathIn(directory), header);
    }

    /// <summary>Opens and validates the header against the collection's dimension.</summary>
    public static VectorFile Open(string directory, int dimension)
    {
        var path = PathIn(directory);
        if (!File.Exists(path))
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' is missing.");
        }

        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var length = RandomAccess.GetLength(handle);
            Span<byte> header = stackalloc byte[HeaderSize];
            if (length < HeaderSize || RandomAccess.Read(handle, header, 0) != HeaderSize)
            {
                ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' is shorter than its header.");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic
                || BinaryPrimitives.ReadUInt32LittleEndian(header[16..]) != Crc32C.Compute(header[..16]))
            {
                ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' has a damaged header.");
            }

            if (BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) != Version)
            {
                ThrowHelper.Throw(VelesDbErrorCode.IncompatibleSchemaVersion, $"'{path}' has an unknown format version.");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != (uint)dimension)
            {
                ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' holds dimension {BinaryPrimitives.ReadUInt32LittleEndian(header[8..])}, the collection config says {dimension}.");
            }

            var slotBytes = (long)dimension * sizeof(float);
            var capacity = (int)Math.Min(int.MaxValue, Math.Max(MinCapacity, (length - HeaderSize) / slotBytes));
            return new VectorFile(path, dimension, handle, capacity);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The vector in <paramref name="slot"/>; valid until the next growth (hold the read lock).</summary>
    public ReadOnlySpan<float> Get(int slot)
    {
        if ((uint)slot >= (uint)_capacity)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Internal, $"Vector slot {slot} is outside the file capacity {_capacity}.");
        }

        // SAFETY: slot < _capacity, and the mapping covers HeaderSize + _capacity * SlotBytes bytes.
        return new ReadOnlySpan<float>(_base + HeaderSize + (slot * SlotBytes), _dimension);
    }

    /// <summary>
    /// Hints the CPU to start loading a slot into cache. Sequential scans call it a few rows
    /// ahead: the distance kernel alone does not keep enough loads in flight to reach memory
    /// bandwidth. Out-of-range slots are ignored.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int slot)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || (uint)slot >= (uint)_capacity)
        {
            return;
        }

        // SAFETY: slot < _capacity, so every line address below lies inside the mapping; a
        // prefetch never faults in any case.
        var start = _base + HeaderSize + (slot * SlotBytes);
        for (long offset = 0; offset < SlotBytes; offset += 64)
        {
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(start + offset);
        }
    }

    /// <summary>Bytes of a slot, for checksumming.</summary>
    public ReadOnlySpan<byte> GetBytes(int slot)
    {
        var floats = Get(slot);
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(floats);
    }

    /// <summary>Writes a vector into a slot, growing the file if needed (write lock held).</summary>
    public void Write(int slot, ReadOnlySpan<float> vector)
    {
        if (slot >= _capacity)
        {
            var newCapacity = _capacity;
            while (newCapacity <= slot)
            {
                newCapacity = (int)Math.Min(int.MaxValue, (long)newCapacity * 2);
            }

            Remap(newCapacity);
        }

        // SAFETY: slot < _capacity after the growth above; the slot spans exactly _dimension floats.
        vector.CopyTo(new Span<float>(_base + HeaderSize + (slot * SlotBytes), _dimension));
    }

    /// <summary>Makes every written slot durable (msync, then fsync of the file).</summary>
    public void Flush()
    {
        _view.Flush();
        FileSync.Fsync(_handle);
    }

    private void Remap(int newCapacity)
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        Map(newCapacity);
    }

    private void Map(int capacity)
    {
        var length = HeaderSize + (capacity * SlotBytes);
        if (RandomAccess.GetLength(_handle) < length)
        {
            RandomAccess.SetLength(_handle, length);
        }

        _map = MemoryMappedFile.CreateFromFile(_handle, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        _view = _map.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
        byte* ptr = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref ptr);
        _base = ptr + _view.PointerOffset;
        _capacity = capacity;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
        _handle.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => _path;
}
