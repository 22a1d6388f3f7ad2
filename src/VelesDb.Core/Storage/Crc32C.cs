using System.Buffers.Binary;
using System.Numerics;

namespace VelesDb.Core.Storage;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of every VelesDB file. Standard parameters: initial value
/// 0xFFFFFFFF, reflected, final XOR 0xFFFFFFFF, so <c>Compute("123456789") == 0xE3069283</c>.
/// Uses the hardware instruction through <see cref="BitOperations.Crc32C(uint, ulong)"/>.
/// </summary>
internal static class Crc32C
{
    /// <summary>Checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a checksum: <c>Append(Compute(a), b) == Compute(a ++ b)</c>.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        for (; i < data.Length; i++)
        {
            state = BitOperations.Crc32C(state, data[i]);
        }

        return ~state;
    }
}
