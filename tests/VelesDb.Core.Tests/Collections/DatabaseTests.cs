using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Tests.Collections;

public class DatabaseTests
{
    [Fact]
    public void Open_SecondOpenerOfSameDirectory_ThrowsDatabaseLocked()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var ex = Assert.Throws<VelesDbException>(() => VelesDatabase.Open(dir.Path));
        Assert.Equal(VelesDbErrorCode.DatabaseLocked, ex.Code);
    }

    [Fact]
    public void Open_AfterDispose_Succeeds()
    {
        using var dir = new TempDirectory();
        VelesDatabase.Open(dir.Path).Dispose();
        using var db = VelesDatabase.Open(dir.Path);
        Assert.Empty(db.ListCollections());
    }

    [Theory]
    [InlineData("")]
    [InlineData("-leading")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("dot.name")]
    [InlineData("CON")]
    [InlineData("nul")]
    [InlineData("com1")]
    [InlineData("LPT9")]
    [InlineData("é")]
    public void CreateCollection_InvalidName_ThrowsInvalidCollectionName(string name)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var ex = Assert.Throws<VelesDbException>(() => db.CreateCollection(name, 4));
        Assert.Equal(VelesDbErrorCode.InvalidCollectionName, ex.Code);
        Assert.Equal("VELES-034", ex.CodeString);
    }

    [Fact]
    public void CreateCollection_NameOf129Chars_Rejected_128Accepted()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        Assert.Equal(VelesDbErrorCode.InvalidCollectionName, Assert.Throws<VelesDbException>(() => db.CreateCollection(new string('a', 129), 4)).Code);
        db.CreateCollection(new string('a', 128), 4);
        db.CreateCollection("Valid_name-1", 4);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65_537)]
    public void CreateCollection_DimensionOutOfRange_ThrowsInvalidDimension(int dimension)
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        Assert.Equal(VelesDbErrorCode.InvalidDimension, Assert.Throws<VelesDbException>(() => db.CreateCollection("c", dimension)).Code);
    }

    [Fact]
    public void CreateCollection_Twice_ThrowsCollectionExists_AcrossKinds()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        db.CreateCollection("c", 4);
        Assert.Equal(VelesDbErrorCode.CollectionExists, Assert.Throws<VelesDbException>(() => db.CreateCollection("c", 8)).Code);
        Assert.Equal(VelesDbErrorCode.CollectionExists, Assert.Throws<VelesDbException>(() => db.CreateMetadataCollection("c")).Code);
    }

    [Fact]
    public void GetCollection_Missing_ThrowsCollectionNotFound()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var missing = Assert.Throws<VelesDbException>(() => db.GetCollection("nope"));
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, missing.Code);
        Assert.Equal("nope", missing.Collection);
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Assert.Throws<VelesDbException>(() => db.DeleteCollection("nope")).Code);
        Assert.False(db.TryGetCollection("nope", out _));
    }

    [Fact]
    public void Collections_PersistAcrossReopen_WithConfig()
    {
        using var dir = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            db.CreateCollection("vec", 16, DistanceMetric.Euclidean, StorageMode.SQ8);
            db.CreateMetadataCollection("meta");
        }

        using (var db = VelesDatabase.Open(dir.Path))
        {
            var list = db.ListCollections();
            Assert.Equal(["meta", "vec"], list.Select(c => c.Name));
            var vec = db.GetCollection("vec");
            Assert.Equal(16, vec.Dimension);
            Assert.Equal(DistanceMetric.Euclidean, vec.Metric);
            Assert.Equal(StorageMode.SQ8, vec.StorageMode);
            Assert.Equal(CollectionKind.Vector, vec.Kind);
            Assert.Equal(CollectionKind.Metadata, db.GetCollection("meta").Kind);
        }
    }

    [Fact]
    public void DeleteCollection_RemovesFilesAndName_HandleThenThrowsNotFound()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("gone", 4);
        c.Upsert(TestData.Point(1, 4));
        db.DeleteCollection("gone");
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "gone")));
        Assert.Empty(db.ListCollections());
        var stale = Assert.Throws<VelesDbException>(() => c.Get(1));
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, stale.Code);
        Assert.Equal("gone", stale.Collection);
        var again = db.CreateCollection("gone", 8);
        Assert.Equal(0, again.Count);
    }

    [Fact]
    public void Open_NewerSchemaVersion_ThrowsIncompatibleSchemaVersion()
    {
        using var dir = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            db.CreateCollection("c", 4);
        }

        var config = Path.Combine(dir.Path, "c", "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"schema_version\": 1", "\"schema_version\": 99", StringComparison.Ordinal));
        var ex = Assert.Throws<VelesDbException>(() => VelesDatabase.Open(dir.Path));
        Assert.Equal(VelesDbErrorCode.IncompatibleSchemaVersion, ex.Code);
    }

    [Fact]
    public void Open_LeftoverStagingDirectories_AreRemoved()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, ".creating-x-123"));
        Directory.CreateDirectory(Path.Combine(dir.Path, ".deleting-y-456"));
        using var db = VelesDatabase.Open(dir.Path);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, ".creating-x-123")));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, ".deleting-y-456")));
        Assert.Empty(db.ListCollections());
    }

    [Fact]
    public void CreateCollection_BeyondMaxCollections_ThrowsGuardRail()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { MaxCollections = 2 });
        db.CreateCollection("a", 2);
        db.CreateMetadataCollection("b");
        Assert.Equal(VelesDbErrorCode.GuardRail, Assert.Throws<VelesDbException>(() => db.CreateCollection("c", 2)).Code);
    }
}
