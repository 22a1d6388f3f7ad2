using System.Buffers.Binary;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Quantization;

/// <summary>
/// The file of a quantizer whose parameters are a few float32 values per dimension (SQ8:
/// minimum and step; binary: threshold). Never trusted: lengths are checked against the file
/// size before allocating, the whole file against its CRC, every value for finiteness.
/// <code>
/// Little-endian:
///   0  u32 magic ("VQS8" 0x38535156 for SQ8, "VQB1" 0x31425156 for binary)
///   4  u16 format version (1)
///   6  u16 A = arrays per dimension
///   8  u32 dimension D
///   12 A × D f32 values, array after array
///   end u32 CRC-32C of every preceding byte
/// </code>
/// </summary>
internal static class PerDimensionFile
{
    public const ushort Version = 1;
    private const int HeaderSize = 12;

    /// <summary>Serialises the arrays (all of length <paramref name="dimension"/>).</summary>
    public static byte[] Serialize(uint magic, int dimension, params float[][] arrays)
    {
        var bytes = new byte[HeaderSize + (arrays.Length * dimension * sizeof(float)) + sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, magic);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), Version);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)arrays.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)dimension);
        var offset = HeaderSize;
        foreach (var array in arrays)
        {
            foreach (var value in array)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), value);
                offset += sizeof(float);
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), Crc32C.Compute(bytes.AsSpan(0, offset)));
        return bytes;
    }

    /// <summary>Parses a file written by <see cref="Serialize"/>; null and the reason when it is not sound.</summary>
    public static float[][]? TryParse(ReadOnlySpan<byte> bytes, uint magic, int arrays, out int dimension, out string? problem)
    {
        dimension = 0;
        if (bytes.Length < HeaderSize + sizeof(uint))
        {
            problem = "file shorter than its header";
            return null;
        }

        dimension = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]), int.MaxValue);
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes) != magic
            || BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]) != Version
            || BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]) != arrays)
        {
            problem = "wrong magic, version or layout";
            return null;
        }

        var expected = HeaderSize + ((long)arrays * dimension * sizeof(float)) + sizeof(uint);
        if (dimension < 1 || expected != bytes.Length)
        {
            problem = $"declares dimension {dimension} but is {bytes.Length} bytes";
            return null;
        }

        var body = bytes[..^sizeof(uint)];
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[^sizeof(uint)..]))
        {
            problem = "checksum mismatch";
            return null;
        }

        var result = new float[arrays][];
        var offset = HeaderSize;
        for (var a = 0; a < arrays; a++)
        {
            result[a] = new float[dimension];
            for (var i = 0; i < dimension; i++, offset += sizeof(float))
            {
                var value = BinaryPrimitives.ReadSingleLittleEndian(body[offset..]);
                if (!float.IsFinite(value))
                {
                    problem = $"value {i} of array {a} is not finite";
                    return null;
                }

                result[a][i] = value;
            }
        }

        problem = null;
        return result;
    }
}
