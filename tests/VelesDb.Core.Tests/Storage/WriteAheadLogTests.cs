using VelesDb.Core.Errors;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Tests.Storage;

public class WriteAheadLogTests
{
    [Fact]
    public void Append_ThenScan_ReturnsRecordsInOrder()
    {
        using var dir = new TempDirectory();
        using (var wal = WriteAheadLog.CreateEmpty(dir.Path, 1, DurabilityMode.Fsync))
        {
            for (var i = 0; i < 10; i++)
            {
                var lsn = wal.Append(WalRecordType.Upsert, new byte[i * 3]);
                wal.WaitDurable(lsn);
                Assert.Equal((ulong)i + 1, lsn);
            }
        }

        var seen = new List<(ulong Lsn, int Length)>();
        var result = WalReader.Scan(dir.Path, 1, repair: false, (type, lsn, body) => seen.Add((lsn, body.Length)));
        Assert.Equal(10, seen.Count);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (ulong)i), seen.Select(s => s.Lsn));
        Assert.Equal(0, result.TornTailBytes);
        Assert.Equal(11UL, result.NextLsn);
    }

    [Fact]
    public void WaitDurable_RecordsEachFsyncOnTheEngineMeter()
    {
        using var dir = new TempDirectory();
        var thread = Environment.CurrentManagedThreadId;
        var seconds = new List<double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Diagnostics.CoreMetrics.MeterName && instrument.Name == "velesdb_wal_fsync_duration_seconds")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            // Other test classes fsync in parallel on their own threads; count this thread's only.
            if (Environment.CurrentManagedThreadId == thread)
            {
                seconds.Add(value);
            }
        });
        listener.Start();

        using (var wal = WriteAheadLog.CreateEmpty(dir.Path, 1, DurabilityMode.Fsync))
        {
            for (var i = 0; i < 3; i++)
            {
                wal.WaitDurable(wal.Append(WalRecordType.Upsert, new byte[8]));
            }

            // Already durable: no fsync.
            wal.WaitDurable(3);
        }

        // One fsync per new record; the fourth wait and Close find everything durable already.
        Assert.Equal(3, seconds.Count);
        Assert.All(seconds, s => Assert.True(s >= 0));
    }

    [Fact]
    public void Scan_SkipsRecordsBelowCheckpointLsn()
    {
        using var dir = new TempDirectory();
        using (var wal = WriteAheadLog.CreateEmpty(dir.Path, 5, DurabilityMode.None))
        {
            for (var i = 0; i < 4; i++)
            {
                wal.Append(WalRecordType.Delete, new byte[4]);
            }
        }

        var applied = new List<ulong>();
        var result = WalReader.Scan(dir.Path, 7, repair: false, (_, lsn, _) => applied.Add(lsn));
        Assert.Equal([7UL, 8UL], applied);
        Assert.Equal(9UL, result.NextLsn);
    }

    [Fact]
    public void WaitDurable_ConcurrentWriters_AllReturnAndShareFsyncs()
    {
        using var dir = new TempDirectory();
        using var wal = WriteAheadLog.CreateEmpty(dir.Path, 1, DurabilityMode.Fsync);
        var gate = new object();
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            ulong lsn;
            lock (gate)
            {
                lsn = wal.Append(WalRecordType.Upsert, new byte[16]);
            }

            wal.WaitDurable(lsn);
        });
        var count = 0;
        WalReader.Scan(dir.Path, 1, repair: false, (_, _, _) => count++);
        Assert.Equal(200, count);
    }

    [Fact]
    public void Scan_MissingFile_ThrowsCorruptedUnlessRepair()
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<VelesDbException>(() => WalReader.Scan(dir.Path, 1, repair: false, (_, _, _) => { }));
        Assert.Equal(VelesDbErrorCode.IndexCorrupted, ex.Code);
        var result = WalReader.Scan(dir.Path, 1, repair: true, (_, _, _) => { });
        Assert.NotEmpty(result.Notes);
    }
}
