using VelesDb.Core.Collections;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Quantization;

/// <summary>A trained vector quantizer of a collection, persisted next to its data.</summary>
internal abstract class Quantizer
{
    private byte[]? _bytes;

    protected Quantizer(int dimension) => Dimension = dimension;

    /// <summary>Dimension of the vectors it encodes.</summary>
    public int Dimension { get; }

    /// <summary>The storage mode it serves.</summary>
    public abstract StorageMode Mode { get; }

    /// <summary>The file's content (see docs/FORMAT.md).</summary>
    public byte[] Bytes => _bytes ??= Serialize();

    /// <summary>CRC-32C of <see cref="Bytes"/>; part of the graph's space signature.</summary>
    public uint Checksum => Crc32C.Compute(Bytes);

    /// <summary>Bytes it holds in memory.</summary>
    public virtual long MemoryBytes => Bytes.Length;

    /// <summary>Bytes of a node code.</summary>
    public abstract int CodeBytes { get; }

    /// <summary>Writes the file content.</summary>
    protected abstract byte[] Serialize();
}
