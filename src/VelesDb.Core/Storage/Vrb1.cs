using System.Buffers.Binary;
using System.Runtime.InteropServices;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Storage;

/// <summary>
/// The VRB1 binary point batch (REST spec §2.7), used by <c>POST …/points/raw</c> and the CLI
/// import. Little-endian: bytes 0–3 <c>"VRB1"</c>, 4–7 point count (u32), 8–11 dimension (u32),
/// byte 12 the id width (always 8), bytes 13–15 zero; then <c>count</c> u64 ids; then
/// <c>count × dimension</c> f32 components, row-major. The total length is exactly
/// <c>16 + 8·count + 4·count·dimension</c>. Payloads are not part of the format.
/// </summary>
public static class Vrb1
{
    /// <summary>Bytes before the ids.</summary>
    public const int HeaderSize = 16;

    /// <summary>The only id width the format allows.</summary>
    public const byte IdWidth = 8;

    private static ReadOnlySpan<byte> Magic => "VRB1"u8;

    /// <summary>Encodes a batch.</summary>
    /// <param name="ids">The point ids.</param>
    /// <param name="vectors">The vectors, row-major: <c>ids.Count × dimension</c> components.</param>
    /// <param name="dimension">The vector dimension.</param>
    /// <exception cref="ArgumentException">The vector buffer does not hold exactly one vector per id.</exception>
    public static byte[] Encode(IReadOnlyList<ulong> ids, ReadOnlySpan<float> vectors, int dimension)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        if ((long)ids.Count * dimension != vectors.Length)
        {
            throw new ArgumentException($"Expected {ids.Count} × {dimension} = {(long)ids.Count * dimension} vector components, got {vectors.Length}.", nameof(vectors));
        }

        var length = HeaderSize + (8L * ids.Count) + (4L * vectors.Length);
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"The batch would take {length} bytes, more than one array can hold; encode it in smaller batches.", nameof(ids));
        }

        var bytes = new byte[length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)ids.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)dimension);
        span[12] = IdWidth;
        var pos = HeaderSize;
        foreach (var id in ids)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[pos..], id);
            pos += 8;
        }

        foreach (var value in vectors)
        {
            BinaryPrimitives.WriteSingleLittleEndian(span[pos..], value);
            pos += 4;
        }

        return bytes;
    }

    /// <summary>Encodes points (all with vectors of the same length; payloads and sparse vectors are not encoded).</summary>
    /// <exception cref="ArgumentException">The points have vectors of different lengths.</exception>
    public static byte[] Encode(IReadOnlyList<Point> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var dimension = points.Count == 0 ? 0 : points[0].Vector.Length;
        var vectors = new float[(long)points.Count * dimension];
        var ids = new ulong[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].Vector.Length != dimension)
            {
                throw new ArgumentException($"Point {points[i].Id} has {points[i].Vector.Length} components but the first point has {dimension}; a VRB1 batch has one dimension.", nameof(points));
            }

            ids[i] = points[i].Id;
            points[i].Vector.Span.CopyTo(vectors.AsSpan(i * dimension));
        }

        return Encode(ids, vectors, dimension);
    }

    /// <summary>Decodes a batch.</summary>
    /// <exception cref="VelesDbException">VELES-012 (Serialization): the bytes are not a well-formed VRB1 batch; the message says what is wrong.</exception>
    public static Vrb1Batch Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderSize)
        {
            Fail($"VRB1 body too short: {data.Length} bytes, the header alone is {HeaderSize}.");
        }

        if (!data[..4].SequenceEqual(Magic))
        {
            Fail("Bad VRB1 magic: the body must start with the 4 ASCII bytes \"VRB1\".");
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        var dimension = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (data[12] != IdWidth)
        {
            Fail($"Bad VRB1 id width {data[12]} at byte 12; ids are u64, so it must be 8.");
        }

        if (data[13] != 0 || data[14] != 0 || data[15] != 0)
        {
            Fail("VRB1 reserved bytes 13–15 must be zero.");
        }

        var expected = (UInt128)HeaderSize + ((UInt128)8 * count) + ((UInt128)4 * count * dimension);
        if (expected > (UInt128)Array.MaxLength)
        {
            Fail($"VRB1 header overflows: {count} points × {dimension} dimensions do not fit in one request; send smaller batches.");
        }

        if ((UInt128)data.Length != expected)
        {
            Fail($"VRB1 length mismatch: {count} points of dimension {dimension} need exactly {expected} bytes (16 + 8·count + 4·count·dimension), the body has {data.Length}.");
        }

        var ids = MemoryMarshal.Cast<byte, ulong>(data.Slice(HeaderSize, (int)count * 8)).ToArray();
        var vectors = MemoryMarshal.Cast<byte, float>(data[(HeaderSize + ((int)count * 8))..]).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = BinaryPrimitives.ReverseEndianness(ids[i]);
            }

            var raw = data[(HeaderSize + ((int)count * 8))..];
            for (var i = 0; i < vectors.Length; i++)
            {
                vectors[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
            }
        }

        return new Vrb1Batch(ids, vectors, (int)dimension);
    }

    private static void Fail(string message) => ThrowHelper.Throw(VelesDbErrorCode.Serialization, message);
}

/// <summary>A decoded VRB1 batch.</summary>
/// <param name="Ids">The point ids.</param>
/// <param name="Vectors">The vectors, row-major: <c>Ids.Length × Dimension</c> components.</param>
/// <param name="Dimension">The vector dimension from the header.</param>
public sealed record Vrb1Batch(ulong[] Ids, float[] Vectors, int Dimension)
{
    /// <summary>The number of points.</summary>
    public int Count => Ids.Length;

    /// <summary>The batch as points without payloads; each vector is a slice of <see cref="Vectors"/>.</summary>
    public IReadOnlyList<Point> ToPoints()
    {
        var points = new Point[Ids.Length];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = new Point(Ids[i], Vectors.AsMemory(i * Dimension, Dimension));
        }

        return points;
    }
}
