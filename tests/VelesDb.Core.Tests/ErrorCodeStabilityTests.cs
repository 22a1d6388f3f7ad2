using VelesDb.Core.Errors;

namespace VelesDb.Core.Tests;

public class ErrorCodeStabilityTests
{
    [Fact]
    public void ErrorCodes_NumericValues_AreFrozen()
    {
        // These numbers are the wire contract; a failing assertion here means a renumbering.
        string[] expected =
        [
            "CollectionExists", "CollectionNotFound", "PointNotFound", "DimensionMismatch", "InvalidVector",
            "Storage", "Index", "IndexCorrupted", "Config", "Query", "Io", "Serialization", "Internal",
            "VectorNotAllowed", "SearchNotSupported", "VectorRequired", "SchemaValidation", "GraphNotSupported",
            "EdgeExists", "EdgeNotFound", "InvalidEdgeLabel", "NodeNotFound", "Overflow", "ColumnStoreError",
            "GpuError", "EpochMismatch", "GuardRail", "InvalidQuantizerConfig", "TrainingFailed",
            "SparseIndexError", "DatabaseLocked", "InvalidDimension", "AllocationFailed",
            "InvalidCollectionName", "SnapshotBuildFailed", "IncompatibleSchemaVersion",
        ];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(i + 1, (int)Enum.Parse<VelesDbErrorCode>(expected[i]));
        }

        Assert.Equal(expected.Length, Enum.GetValues<VelesDbErrorCode>().Length);
    }

    [Fact]
    public void CodeString_FormatsThreeDigits()
    {
        var ex = new VelesDbException(VelesDbErrorCode.DimensionMismatch, "x");
        Assert.Equal("VELES-004", ex.CodeString);
        Assert.Equal("VELES-031", VelesDbException.Format(VelesDbErrorCode.DatabaseLocked));
    }
}
