using VelesDb.Core.Collections;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Tests.Collections;

public sealed class StreamingTests : IDisposable
{
    /// <summary>Long enough that a partial batch is never written by the timer during a test.</summary>
    private static readonly StreamingOptions Held = new() { BatchSize = 100_000, FlushInterval = StreamingOptions.MaxFlushInterval };

    private readonly TempDirectory _dir = new();
    private VelesDatabase _db;
    private Collection _docs;

    public StreamingTests()
    {
        _db = VelesDatabase.Open(_dir.Path);
        _docs = _db.CreateCollection("docs", 2);
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private static Point P(ulong id, float x = 1f) => new(id, new[] { x, 0.5f });

    [Fact]
    public void StreamInsert_BeforeEnable_IsAConfigError()
    {
        Assert.False(_docs.IsStreaming);
        var e = Assert.Throws<VelesDbException>(() => _docs.StreamInsert(P(1)));
        Assert.Equal(VelesDbErrorCode.Config, e.Code);
        Assert.Contains("EnableStreaming", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1, 1, "buffer_size")]
    [InlineData(1_000_001, 1, 1, "buffer_size")]
    [InlineData(10, 0, 1, "batch_size")]
    [InlineData(10, 100_001, 1, "batch_size")]
    [InlineData(10, 1, 0, "flush_interval_ms")]
    [InlineData(10, 1, 60_001, "flush_interval_ms")]
    public void EnableStreaming_OutOfRange_IsAConfigError(int buffer, int batch, int intervalMs, string field)
    {
        var e = Assert.Throws<VelesDbException>(() => _docs.EnableStreaming(new StreamingOptions { BufferSize = buffer, BatchSize = batch, FlushInterval = TimeSpan.FromMilliseconds(intervalMs) }));
        Assert.Equal(VelesDbErrorCode.Config, e.Code);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.False(_docs.IsStreaming);
    }

    [Fact]
    public void StreamInsert_ValidatesAtOnce()
    {
        _docs.EnableStreaming();
        var e = Assert.Throws<VelesDbException>(() => _docs.StreamInsert(new Point(1, new[] { 1f, 2f, 3f })));
        Assert.Equal(VelesDbErrorCode.DimensionMismatch, e.Code);
        var nan = Assert.Throws<VelesDbException>(() => _docs.StreamInsert(new Point(1, new[] { float.NaN, 2f })));
        Assert.Equal(VelesDbErrorCode.InvalidVector, nan.Code);
    }

    [Fact]
    public void Flush_WritesEveryAcceptedPoint()
    {
        _docs.EnableStreaming(Held);
        for (ulong i = 0; i < 250; i++)
        {
            Assert.True(_docs.StreamInsert(P(i, i)));
        }

        _docs.Flush();
        Assert.Equal(250, _docs.Count);
        Assert.Equal([249f, 0.5f], _docs.Get(249)!.Vector.ToArray());
    }

    [Fact]
    public void FullBuffer_RefusesUntilTheDrainCatchesUp()
    {
        _docs.EnableStreaming(Held with { BufferSize = 2 });
        Assert.True(_docs.StreamInsert(P(1)));
        Assert.True(_docs.StreamInsert(P(2)));
        Assert.False(_docs.StreamInsert(P(3)));
        Assert.Equal(0, _docs.Count);

        _docs.Flush();
        Assert.Equal(2, _docs.Count);
        Assert.True(_docs.StreamInsert(P(3)));
        _docs.Flush();
        Assert.Equal([1UL, 2UL, 3UL], _docs.AllIds());
    }

    [Fact]
    public void RepeatedId_LastVersionWins()
    {
        _docs.EnableStreaming(Held);
        Assert.True(_docs.StreamInsert(P(1, 1f)));
        Assert.True(_docs.StreamInsert(P(2, 2f)));
        Assert.True(_docs.StreamInsert(P(1, 3f)));
        _docs.Flush();

        Assert.Equal(2, _docs.Count);
        Assert.Equal([3f, 0.5f], _docs.Get(1)!.Vector.ToArray());
    }

    [Fact]
    public void Dispose_WritesEveryAcceptedPoint_SoAReopenHasThemAll()
    {
        _docs.EnableStreaming(Held);
        for (ulong i = 0; i < 500; i++)
        {
            Assert.True(_docs.StreamInsert(P(i, i)));
        }

        _db.Dispose();
        _db = VelesDatabase.Open(_dir.Path);
        _docs = _db.GetCollection("docs");

        Assert.Equal(500, _docs.Count);
        Assert.Equal([499f, 0.5f], _docs.Get(499)!.Vector.ToArray());

        // Streaming is a runtime setting: a reopened collection starts without it.
        Assert.False(_docs.IsStreaming);
    }

    [Fact]
    public void EnableAgain_WritesThePointsQueuedUnderTheOldSettings()
    {
        _docs.EnableStreaming(Held);
        Assert.True(_docs.StreamInsert(P(1)));
        _docs.EnableStreaming(Held with { BufferSize = 5 });
        Assert.Equal(1, _docs.Count);
        Assert.True(_docs.IsStreaming);
    }

    [Fact]
    public void DeletingTheCollection_DropsTheQueue()
    {
        _docs.EnableStreaming(Held);
        Assert.True(_docs.StreamInsert(P(1)));
        _db.DeleteCollection("docs");

        var e = Assert.Throws<VelesDbException>(() => _docs.StreamInsert(P(2)));
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, e.Code);
    }
}
