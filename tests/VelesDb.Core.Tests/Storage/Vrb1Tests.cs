using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Tests.Storage;

public class Vrb1Tests
{
    [Fact]
    public void Encode_WritesTheSpecifiedLayout()
    {
        var bytes = Vrb1.Encode([7UL, 0x0102030405060708UL], [1f, 2f, 3f, -0.5f], 2);

        // 16 header + 2 × 8 ids + 2 × 2 × 4 floats.
        Assert.Equal(48, bytes.Length);
        byte[] header = [(byte)'V', (byte)'R', (byte)'B', (byte)'1', 2, 0, 0, 0, 2, 0, 0, 0, 8, 0, 0, 0];
        Assert.Equal(header, bytes[..16]);
        Assert.Equal(new byte[] { 7, 0, 0, 0, 0, 0, 0, 0 }, bytes[16..24]);
        Assert.Equal(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 }, bytes[24..32]);

        // 1.0f = 0x3F800000, -0.5f = 0xBF000000, little-endian.
        Assert.Equal(new byte[] { 0, 0, 0x80, 0x3F }, bytes[32..36]);
        Assert.Equal(new byte[] { 0, 0, 0, 0xBF }, bytes[44..48]);
    }

    [Fact]
    public void RoundTrip_KeepsIdsVectorsAndDimension()
    {
        Point[] points = [new(1, new[] { 0.25f, 1f, -3f }), new(ulong.MaxValue, new[] { 9f, 8f, 7f }), new(42, new[] { 0f, 0f, 1e-30f })];
        var batch = Vrb1.Decode(Vrb1.Encode(points));

        Assert.Equal(3, batch.Count);
        Assert.Equal(3, batch.Dimension);
        Assert.Equal([1UL, ulong.MaxValue, 42UL], batch.Ids);
        var decoded = batch.ToPoints();
        for (var i = 0; i < points.Length; i++)
        {
            Assert.Equal(points[i].Id, decoded[i].Id);
            Assert.Equal(points[i].Vector.ToArray(), decoded[i].Vector.ToArray());
            Assert.Null(decoded[i].Payload);
        }
    }

    [Fact]
    public void RoundTrip_EmptyBatch()
    {
        var bytes = Vrb1.Encode([], [], 4);
        Assert.Equal(16, bytes.Length);
        var batch = Vrb1.Decode(bytes);
        Assert.Equal(0, batch.Count);
        Assert.Equal(4, batch.Dimension);
    }

    [Fact]
    public void Encode_MismatchedVectorBuffer_Throws()
    {
        Assert.Throws<ArgumentException>(() => Vrb1.Encode([1UL, 2UL], [1f, 2f, 3f], 2));
        Assert.Throws<ArgumentException>(() => Vrb1.Encode([new Point(1, new[] { 1f }), new Point(2, new[] { 1f, 2f })]));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "short", "too short" },
        { "magic", "magic" },
        { "width", "id width" },
        { "reserved", "reserved" },
        { "overflow", "overflows" },
        { "longer", "length mismatch" },
        { "shorter", "length mismatch" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Decode_Malformed_ThrowsSerializationError(string kind, string expected)
    {
        var valid = Vrb1.Encode([1UL, 2UL], [1f, 2f, 3f, 4f], 2);
        var bytes = kind switch
        {
            "short" => valid[..15],
            "magic" => Patch(valid, 3, (byte)'2'),
            "width" => Patch(valid, 12, 4),
            "reserved" => Patch(valid, 14, 1),
            "overflow" => Patch(Patch(valid, 7, 0xFF), 11, 0xFF),
            "longer" => [.. valid, 0],
            "shorter" => valid[..^1],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var e = Assert.Throws<VelesDbException>(() => Vrb1.Decode(bytes));
        Assert.Equal(VelesDbErrorCode.Serialization, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    private static byte[] Patch(byte[] bytes, int at, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] = value;
        return copy;
    }
}
