using System.Text;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Tests.Storage;

public class Crc32CTests
{
    [Fact]
    public void Compute_CheckString_MatchesStandardValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Compute_Empty_IsZero()
    {
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(100)]
    public void Append_AnySplit_EqualsWholeComputation(int split)
    {
        var data = new byte[100];
        new Random(split).NextBytes(data);
        Assert.Equal(Crc32C.Compute(data), Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
    }

    [Fact]
    public void Compute_SingleBitFlip_ChangesChecksum()
    {
        var data = new byte[256];
        new Random(1).NextBytes(data);
        var crc = Crc32C.Compute(data);
        for (var bit = 0; bit < data.Length * 8; bit++)
        {
            data[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(crc, Crc32C.Compute(data));
            data[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }
}
