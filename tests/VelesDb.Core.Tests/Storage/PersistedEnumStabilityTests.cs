using VelesDb.Core.Collections;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Tests.Storage;

/// <summary>Values written to disk must never change meaning; a failure here means a format break.</summary>
public class PersistedEnumStabilityTests
{
    [Fact]
    public void WalRecordType_NumericValues_AreFrozen()
    {
        Assert.Equal(1, (byte)WalRecordType.Upsert);
        Assert.Equal(2, (byte)WalRecordType.Delete);
        Assert.Equal(3, (byte)WalRecordType.AddEdges);
        Assert.Equal(4, (byte)WalRecordType.RemoveEdges);
        Assert.Equal(5, (byte)WalRecordType.UpsertSparse);
        Assert.Equal(5, Enum.GetValues<WalRecordType>().Length);
    }

    [Fact]
    public void StorageMode_CanonicalNames_AreFrozen()
    {
        Assert.Equal("full", StorageMode.Full.ToCanonicalName());
        Assert.Equal("sq8", StorageMode.SQ8.ToCanonicalName());
        Assert.Equal("binary", StorageMode.Binary.ToCanonicalName());
        Assert.Equal("pq", StorageMode.ProductQuantization.ToCanonicalName());
        Assert.Equal(4, Enum.GetValues<StorageMode>().Length);
    }

    [Theory]
    [InlineData("f32", StorageMode.Full)]
    [InlineData("INT8", StorageMode.SQ8)]
    [InlineData("bit", StorageMode.Binary)]
    [InlineData("Product_Quantization", StorageMode.ProductQuantization)]
    public void StorageMode_Aliases_ParseCaseInsensitively(string text, StorageMode expected)
    {
        Assert.Equal(expected, StorageModes.Parse(text));
    }

    [Fact]
    public void StorageMode_Unknown_ThrowsConfig()
    {
        Assert.Equal(Errors.VelesDbErrorCode.Config, Assert.Throws<Errors.VelesDbException>(() => StorageModes.Parse("rabitq2")).Code);
    }

    [Fact]
    public void FileMagics_AreFrozen()
    {
        Assert.Equal(0x4C574C56u, WriteAheadLog.Magic);
        Assert.Equal(0x50534C56u, PointSnapshot.Magic);
        Assert.Equal(0x44564C56u, VectorFile.Magic);
        Assert.Equal(0x4C504C56u, PayloadLog.Magic);
    }
}
