using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Tests.Collections;

/// <summary>
/// Durability checks that run in-process: a "crash" is a copy of the database files taken while
/// the database is open (exactly what a SIGKILL leaves), then opened elsewhere.
/// </summary>
public class RecoveryTests
{
    private const int Dim = 8;

    [Fact]
    public void Reopen_AfterCleanClose_KeepsEverything()
    {
        using var dir = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.CreateCollection("c", Dim);
            c.Upsert([.. Enumerable.Range(0, 100).Select(i => TestData.Point((ulong)i, Dim, $$"""{"i":{{i}}}"""))]);
            c.Delete([5, 6]);
        }

        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.GetCollection("c");
            Assert.Equal(98, c.Count);
            Assert.True(c.Recovery.IsClean);
            Assert.Equal(0, c.Recovery.WalRecordsReplayed);
            Assert.Equal(TestData.Vector(Dim, 42), c.Get(42)!.Vector.ToArray());
            Assert.Equal(42, c.Get(42)!.Payload!.Value.GetProperty("i").GetInt32());
            Assert.Null(c.Get(5));
        }
    }

    [Theory]
    [InlineData(DurabilityMode.Fsync)]
    [InlineData(DurabilityMode.FlushOnly)]
    public void CrashCopy_WithoutCheckpoint_ReplaysWal(DurabilityMode mode)
    {
        using var dir = new TempDirectory();
        using var crash = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = mode }))
        {
            var c = db.CreateCollection("c", Dim);
            c.Upsert([.. Enumerable.Range(0, 50).Select(i => TestData.Point((ulong)i, Dim, $$"""{"i":{{i}}}"""))]);
            c.FlushFull();
            c.Upsert(TestData.Point(1000, Dim, """{"late":true}"""));
            c.Upsert(TestData.Point(3, Dim, """{"replaced":true}"""));
            c.Delete([4]);
            c.Flush();
            TestData.CrashCopy(dir.Path, crash.Path);
        }

        using var reopened = VelesDatabase.Open(crash.Path);
        var r = reopened.GetCollection("c");
        Assert.Equal(3, r.Recovery.WalRecordsReplayed);
        Assert.Equal(50, r.Count);
        Assert.True(r.Get(1000)!.Payload!.Value.GetProperty("late").GetBoolean());
        Assert.True(r.Get(3)!.Payload!.Value.GetProperty("replaced").GetBoolean());
        Assert.Null(r.Get(4));
    }

    [Fact]
    public void CrashCopy_DurabilityNone_ReturnsToLastCheckpoint()
    {
        using var dir = new TempDirectory();
        using var crash = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Durability = DurabilityMode.None }))
        {
            var c = db.CreateCollection("c", Dim);
            c.Upsert([.. Enumerable.Range(0, 10).Select(i => TestData.Point((ulong)i, Dim))]);
            c.FlushFull();
            c.Delete([1, 2]);
            c.Upsert([.. Enumerable.Range(100, 10).Select(i => TestData.Point((ulong)i, Dim))]);
            TestData.CrashCopy(dir.Path, crash.Path);
        }

        using var reopened = VelesDatabase.Open(crash.Path);
        var r = reopened.GetCollection("c");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (ulong)i), r.AllIds());
        Assert.Equal(TestData.Vector(Dim, 1), r.Get(1)!.Vector.ToArray());
    }

    [Fact]
    public void AutomaticCheckpoints_ManyOverwrites_StateSurvivesCrashCopy()
    {
        using var dir = new TempDirectory();
        using var crash = new TempDirectory();
        var expected = new Dictionary<ulong, int>();
        using (var db = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { CheckpointWalBytes = 4096 }))
        {
            var c = db.CreateCollection("c", Dim);
            var rng = new Random(3);
            for (var op = 0; op < 600; op++)
            {
                var id = (ulong)rng.Next(40);
                if (rng.Next(5) == 0)
                {
                    c.Delete([id]);
                    expected.Remove(id);
                }
                else
                {
                    c.Upsert(TestData.Point(id, Dim, $$"""{"op":{{op}},"pad":"{{new string('p', rng.Next(200))}}"}"""));
                    expected[id] = op;
                }
            }

            TestData.CrashCopy(dir.Path, crash.Path);
        }

        using var reopened = VelesDatabase.Open(crash.Path);
        var r = reopened.GetCollection("c");
        Assert.Equal(expected.Keys.Order(), r.AllIds());
        foreach (var (id, op) in expected)
        {
            Assert.Equal(op, r.Get(id)!.Payload!.Value.GetProperty("op").GetInt32());
        }
    }

    /// <summary>
    /// Cuts the WAL at every byte of its last records: recovery must yield exactly the records
    /// wholly before the cut, and report the cut bytes as a torn tail.
    /// </summary>
    [Fact]
    public void TruncationSweep_EveryByteOfLastRecords_RecoversWholeRecordsBeforeCut()
    {
        using var dir = new TempDirectory();
        using var source = new TempDirectory();
        var boundaries = new List<long>();
        var walPath = Path.Combine(source.Path, "c", "wal.log");
        using (var db = VelesDatabase.Open(source.Path))
        {
            var c = db.CreateCollection("c", 4);
            boundaries.Add(new FileInfo(walPath).Length);
            for (var i = 0; i < 4; i++)
            {
                // Record i upserts ids 10i..10i+2 (a batch) and one payload.
                c.Upsert([.. Enumerable.Range(i * 10, 3).Select(id => TestData.Point((ulong)id, 4, $$"""{"r":{{i}}}"""))]);
                boundaries.Add(new FileInfo(walPath).Length);
            }

            c.Delete([0]);
            boundaries.Add(new FileInfo(walPath).Length);
            TestData.CrashCopy(source.Path, Path.Combine(dir.Path, "base"));
        }

        var fullWal = File.ReadAllBytes(Path.Combine(dir.Path, "base", "c", "wal.log"));
        var sweepFrom = boundaries[2];
        for (var cut = sweepFrom; cut <= fullWal.Length; cut++)
        {
            var trial = Path.Combine(dir.Path, "t" + cut);
            TestData.CrashCopy(Path.Combine(dir.Path, "base"), trial);
            File.WriteAllBytes(Path.Combine(trial, "c", "wal.log"), fullWal.AsSpan(0, (int)cut).ToArray());
            using (var db = VelesDatabase.Open(trial))
            {
                var c = db.GetCollection("c");
                var whole = boundaries.Count(b => b <= cut) - 1;
                var expected = new SortedSet<ulong>();
                for (var r = 0; r < Math.Min(whole, 4); r++)
                {
                    for (var id = r * 10; id < (r * 10) + 3; id++)
                    {
                        expected.Add((ulong)id);
                    }
                }

                if (whole == 5)
                {
                    expected.Remove(0);
                }

                Assert.Equal(expected, c.AllIds());
                Assert.Equal(whole, c.Recovery.WalRecordsReplayed);
                Assert.Equal(cut - boundaries[whole], c.Recovery.TornTailBytes);
            }

            Directory.Delete(trial, recursive: true);
        }
    }

    [Fact]
    public void BitFlip_InMiddleWalRecord_StopsOpen_UnlessRepair()
    {
        using var dir = new TempDirectory();
        using var crash = new TempDirectory();
        long secondRecordStart;
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.CreateCollection("c", 4);
            c.Upsert(TestData.Point(1, 4));
            secondRecordStart = new FileInfo(Path.Combine(dir.Path, "c", "wal.log")).Length;
            c.Upsert(TestData.Point(2, 4));
            c.Upsert(TestData.Point(3, 4));
            TestData.CrashCopy(dir.Path, crash.Path);
        }

        var wal = Path.Combine(crash.Path, "c", "wal.log");
        var bytes = File.ReadAllBytes(wal);
        bytes[secondRecordStart + 30] ^= 0x10;
        File.WriteAllBytes(wal, bytes);

        var ex = Assert.Throws<VelesDbException>(() => VelesDatabase.Open(crash.Path));
        Assert.Equal(VelesDbErrorCode.IndexCorrupted, ex.Code);
        Assert.Contains("wal.log", ex.Message, StringComparison.Ordinal);

        using var repaired = VelesDatabase.Open(crash.Path, new VelesDatabaseOptions { Repair = true });
        var r = repaired.GetCollection("c");
        Assert.Equal([1UL, 3UL], r.AllIds());
        Assert.False(r.Recovery.IsClean);
    }

    [Fact]
    public void BitFlip_InLastWalRecord_IsCutAsTornTail_AndReported()
    {
        using var dir = new TempDirectory();
        using var crash = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.CreateCollection("c", 4);
            c.Upsert(TestData.Point(1, 4));
            c.Upsert(TestData.Point(2, 4));
            TestData.CrashCopy(dir.Path, crash.Path);
        }

        var wal = Path.Combine(crash.Path, "c", "wal.log");
        var bytes = File.ReadAllBytes(wal);
        bytes[^3] ^= 0x01;
        File.WriteAllBytes(wal, bytes);
        using var reopened = VelesDatabase.Open(crash.Path);
        var r = reopened.GetCollection("c");
        Assert.Equal([1UL], r.AllIds());
        Assert.True(r.Recovery.TornTailBytes > 0);
        Assert.False(r.Recovery.IsClean);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void BitFlips_InVectorFile_AreDetected_RepairDropsPoint(int burst)
    {
        using var dir = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.CreateCollection("c", 4);
            c.Upsert([.. Enumerable.Range(0, 10).Select(i => TestData.Point((ulong)i, 4))]);
        }

        // Row r of the checkpoint lives at 64 + r*16; flip inside row 3.
        var path = Path.Combine(dir.Path, "c", "vectors.dat");
        var bytes = File.ReadAllBytes(path);
        for (var b = 0; b < burst; b++)
        {
            bytes[64 + (3 * 16) + 2 + (b / 8)] ^= (byte)(1 << (b % 8));
        }

        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<VelesDbException>(() => VelesDatabase.Open(dir.Path));
        Assert.Equal(VelesDbErrorCode.IndexCorrupted, ex.Code);

        using var repaired = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Repair = true });
        var r = repaired.GetCollection("c");
        Assert.Equal(9, r.Count);
        Assert.Single(r.Recovery.DroppedPointIds);
        var dropped = r.Recovery.DroppedPointIds[0];
        Assert.Null(r.Get(dropped));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void BitFlips_InPayloadLog_AreDetected_RepairDropsPoint(int burst)
    {
        using var dir = new TempDirectory();
        using (var db = VelesDatabase.Open(dir.Path))
        {
            var c = db.CreateCollection("c", 4);
            c.Upsert([.. Enumerable.Range(0, 10).Select(i => TestData.Point((ulong)i, 4, $$"""{"name":"point-{{i}}"}"""))]);
        }

        var path = Directory.GetFiles(Path.Combine(dir.Path, "c"), "payloads-*.log").Single();
        var bytes = File.ReadAllBytes(path);
        var at = bytes.Length / 2;
        for (var b = 0; b < burst; b++)
        {
            bytes[at + (b / 8)] ^= (byte)(1 << (b % 8));
        }

        File.WriteAllBytes(path, bytes);
        Assert.Equal(VelesDbErrorCode.IndexCorrupted, Assert.Throws<VelesDbException>(() => VelesDatabase.Open(dir.Path)).Code);
        using var repaired = VelesDatabase.Open(dir.Path, new VelesDatabaseOptions { Repair = true });
        Assert.Equal(9, repaired.GetCollection("c").Count);
    }

    /// <summary>Every single-bit flip in a small WAL is either detected or harmless, never silently accepted.</summary>
    [Fact]
    public void BitFlip_EveryBitOfWal_NeverYieldsWrongData()
    {
        using var dir = new TempDirectory();
        using var source = new TempDirectory();
        using (var db = VelesDatabase.Open(source.Path))
        {
            var c = db.CreateCollection("c", 2);
            c.Upsert(Point.WithJson(1, new float[] { 1, 2 }, """{"a":1}"""));
            c.Upsert(Point.WithJson(2, new float[] { 3, 4 }, """{"b":2}"""));
            TestData.CrashCopy(source.Path, Path.Combine(dir.Path, "base"));
        }

        var walBytes = File.ReadAllBytes(Path.Combine(dir.Path, "base", "c", "wal.log"));
        var trial = Path.Combine(dir.Path, "trial");
        TestData.CrashCopy(Path.Combine(dir.Path, "base"), trial);
        var walPath = Path.Combine(trial, "c", "wal.log");
        var snapPath = Path.Combine(trial, "c", "points.snap");
        var corruptOpens = 0;
        for (var bit = 0; bit < walBytes.Length * 8; bit++)
        {
            var flipped = (byte[])walBytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            File.WriteAllBytes(walPath, flipped);
            File.Delete(snapPath);
            try
            {
                using var db = VelesDatabase.Open(trial);
                var c = db.GetCollection("c");
                foreach (var id in c.AllIds())
                {
                    // Whatever survived must be exactly what was written.
                    var p = c.Get(id)!;
                    Assert.Equal(id == 1 ? new float[] { 1, 2 } : new float[] { 3, 4 }, p.Vector.ToArray());
                    Assert.Equal(id == 1 ? """{"a":1}""" : """{"b":2}""", TestData.PayloadText(p));
                }
            }
            catch (VelesDbException ex) when (ex.Code == VelesDbErrorCode.IndexCorrupted)
            {
                corruptOpens++;
            }

            Directory.Delete(Path.Combine(trial, "c"), recursive: true);
            TestData.CrashCopy(Path.Combine(dir.Path, "base"), trial);
        }

        Assert.True(corruptOpens > 0);
    }
}
