using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Collections;

/// <summary>Settings of a collection's buffered stream ingest (<see cref="Collection.EnableStreaming"/>).</summary>
public sealed record StreamingOptions
{
    /// <summary>Largest <see cref="BufferSize"/>.</summary>
    public const int MaxBufferSize = 1_000_000;

    /// <summary>Largest <see cref="BatchSize"/>.</summary>
    public const int MaxBatchSize = 100_000;

    /// <summary>Longest <see cref="FlushInterval"/>.</summary>
    public static readonly TimeSpan MaxFlushInterval = TimeSpan.FromMinutes(1);

    /// <summary>Points accepted but not yet written before inserts are refused (default 10 000, 1 to 1 000 000).</summary>
    public int BufferSize { get; init; } = 10_000;

    /// <summary>Points written per upsert (default 128, 1 to 100 000).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Longest wait before a partial batch is written (default 50 ms, 1 ms to 1 min).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Throws VELES-009 when a setting is out of range.</summary>
    internal void Validate()
    {
        if (BufferSize is < 1 or > MaxBufferSize)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Streaming buffer_size must be between 1 and {MaxBufferSize}, got {BufferSize}.");
        }

        if (BatchSize is < 1 or > MaxBatchSize)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Streaming batch_size must be between 1 and {MaxBatchSize}, got {BatchSize}.");
        }

        if (FlushInterval < TimeSpan.FromMilliseconds(1) || FlushInterval > MaxFlushInterval)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Streaming flush_interval_ms must be between 1 and {(long)MaxFlushInterval.TotalMilliseconds}, got {(long)FlushInterval.TotalMilliseconds}.");
        }
    }
}

public sealed partial class Collection
{
    private readonly Lock _streamGate = new();
    private StreamIngestor? _stream;

    /// <summary>Whether <see cref="EnableStreaming"/> was called (and the collection is still open).</summary>
    public bool IsStreaming => Volatile.Read(ref _stream) is not null;

    /// <summary>
    /// Turns on buffered stream ingest: <see cref="StreamInsert"/> then queues points in a bounded
    /// buffer of <see cref="StreamingOptions.BufferSize"/> points, and a background task upserts them
    /// in batches of <see cref="StreamingOptions.BatchSize"/>, or whatever has arrived once
    /// <see cref="StreamingOptions.FlushInterval"/> has passed. Calling it again replaces the
    /// settings: the points queued under the old ones are written first.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-009 when a setting is out of range.</exception>
    public void EnableStreaming(StreamingOptions? options = null)
    {
        options ??= new StreamingOptions();
        options.Validate();
        StreamIngestor? previous;
        lock (_streamGate)
        {
            _lock.EnterReadLock();
            try
            {
                ThrowIfDisposed();
            }
            finally
            {
                _lock.ExitReadLock();
            }

            previous = _stream;
            Volatile.Write(ref _stream, new StreamIngestor(this, options, _logger));
        }

        previous?.CompleteAndWait();
    }

    /// <summary>
    /// Queues one point for the stream ingest. The point is validated at once (like an upsert)
    /// but written later, by the drain task: it becomes visible to reads, and durable in the
    /// WAL, only once its batch is written. <see cref="Flush"/>, <see cref="FlushFull"/> and
    /// <see cref="Dispose"/> first wait until every accepted point is written, so an accepted
    /// point is never lost by an orderly close; a process crash loses the points still buffered.
    /// A batch the collection refuses (which validation makes rare: an I/O failure, say) is retried
    /// point by point; points that still fail are logged and dropped.
    /// </summary>
    /// <returns>True when the point was queued; false when the buffer is full (retry later).</returns>
    /// <exception cref="VelesDbException">
    /// VELES-009 when streaming is not enabled; the upsert errors (VELES-004 wrong dimension,
    /// VELES-005, VELES-014, VELES-016, VELES-027) when the point is invalid.
    /// </exception>
    public bool StreamInsert(Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var stream = Volatile.Read(ref _stream);
        if (stream is null)
        {
            ThrowIfDisposedUnlocked();
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Streaming is not enabled on collection '{Name}'; call EnableStreaming first.");
        }

        Prepare([point]);
        return stream.TryWrite(point);
    }

    /// <summary>Waits until every point accepted so far by <see cref="StreamInsert"/> has been written.</summary>
    private void WaitStreamDrained() => Volatile.Read(ref _stream)?.WaitDrained();

    /// <summary>Stops the stream ingest; with <paramref name="drain"/>, writes the queued points first.</summary>
    private void StopStreaming(bool drain)
    {
        StreamIngestor? stream;
        lock (_streamGate)
        {
            stream = _stream;
            Volatile.Write(ref _stream, null);
        }

        if (drain)
        {
            stream?.CompleteAndWait();
        }
        else
        {
            stream?.Complete();
        }
    }

    private void ThrowIfDisposedUnlocked()
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The bounded buffer and drain task of one <see cref="EnableStreaming"/>.</summary>
    private sealed partial class StreamIngestor : IDisposable
    {
        private readonly Collection _collection;
        private readonly StreamingOptions _options;
        private readonly ILogger _logger;
        private readonly Channel<Point> _channel = Channel.CreateUnbounded<Point>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Task _drain;
        private readonly object _progress = new();

        /// <summary>Points accepted so far.</summary>
        private long _accepted;

        /// <summary>Points written (or superseded by a later version of the same id, or dropped) so far.</summary>
        private long _done;

        /// <summary>Bumped by <see cref="WaitDrained"/>: the drain then writes partial batches at once.</summary>
        private long _kicks;

        /// <summary>Cancelled (and replaced) by <see cref="WaitDrained"/> to wake a drain waiting for more points.</summary>
        private CancellationTokenSource _kick = new();

        public StreamIngestor(Collection collection, StreamingOptions options, ILogger logger)
        {
            _collection = collection;
            _options = options;
            _logger = logger;
            _drain = Task.Run(DrainAsync);
        }

        /// <summary>
        /// Queues a point; false when <see cref="StreamingOptions.BufferSize"/> points are accepted
        /// but not written yet (those the drain holds in its current batch count too), or when the
        /// ingest has stopped.
        /// </summary>
        public bool TryWrite(Point point)
        {
            if (Interlocked.Increment(ref _accepted) - Interlocked.Read(ref _done) <= _options.BufferSize
                && _channel.Writer.TryWrite(point))
            {
                return true;
            }

            Interlocked.Decrement(ref _accepted);
            Pulse();
            return false;
        }

        /// <summary>Blocks until the drain has handled every point accepted before the call.</summary>
        public void WaitDrained()
        {
            var target = Interlocked.Read(ref _accepted);
            Interlocked.Increment(ref _kicks);
            // Not disposed: the drain may still be reading its token (a bare source holds nothing to free).
            try
            {
                Interlocked.Exchange(ref _kick, new CancellationTokenSource()).Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The ingest has ended already: nothing is left to wake.
            }
            lock (_progress)
            {
                while (Interlocked.Read(ref _done) < Math.Min(target, Interlocked.Read(ref _accepted)) && !_drain.IsCompleted)
                {
                    Monitor.Wait(_progress, TimeSpan.FromMilliseconds(100));
                }
            }
        }

        /// <summary>Refuses further points; the drain writes what is queued and ends.</summary>
        public void Complete() => _channel.Writer.TryComplete();

        /// <summary>Refuses further points and waits until the queued ones are written.</summary>
        public void CompleteAndWait()
        {
            Complete();
            _drain.GetAwaiter().GetResult();
            Dispose();
        }

        /// <summary>Frees the current wake-up source; call only once the drain has ended.</summary>
        public void Dispose() => Volatile.Read(ref _kick).Dispose();

        private async Task DrainAsync()
        {
            var reader = _channel.Reader;
            var batch = new List<Point>(Math.Min(_options.BatchSize, 1024));
            var slotById = new Dictionary<ulong, int>();
            long seenKicks = 0;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                var started = Stopwatch.GetTimestamp();
                while (batch.Count < _options.BatchSize)
                {
                    if (reader.TryRead(out var point))
                    {
                        // A later version of a queued id replaces it (an upsert batch may not repeat an id).
                        if (slotById.TryGetValue(point.Id, out var slot))
                        {
                            batch[slot] = point;
                            Done(1);
                        }
                        else
                        {
                            slotById[point.Id] = batch.Count;
                            batch.Add(point);
                        }

                        continue;
                    }

                    // The buffer is empty: write now when a flush is waiting, else wait for more
                    // until the flush interval has passed.
                    var kick = Volatile.Read(ref _kick).Token;
                    var kicks = Interlocked.Read(ref _kicks);
                    if (kicks != seenKicks)
                    {
                        seenKicks = kicks;
                        break;
                    }

                    var left = _options.FlushInterval - Stopwatch.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero || !await WaitForMoreAsync(reader, left, kick).ConfigureAwait(false))
                    {
                        break;
                    }
                }

                WriteBatch(batch);
                Done(batch.Count);
                batch.Clear();
                slotById.Clear();
            }
        }

        /// <summary>Waits up to <paramref name="left"/> for another point; false on timeout, on a kick, or when the channel is done.</summary>
        private static async Task<bool> WaitForMoreAsync(ChannelReader<Point> reader, TimeSpan left, CancellationToken kick)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(kick);
            timeout.CancelAfter(left);
            try
            {
                return await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        private void WriteBatch(List<Point> batch)
        {
            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                _collection.Upsert(batch);
                return;
            }
            catch (VelesDbException e) when (e.Code == VelesDbErrorCode.CollectionNotFound)
            {
                // The collection was deleted: its queued points go with it.
                return;
            }
            catch (VelesDbException e)
            {
                LogBatchFailed(_logger, _collection.Name, batch.Count, e);
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            foreach (var point in batch)
            {
                try
                {
                    _collection.Upsert(point);
                }
                catch (VelesDbException e)
                {
                    LogPointDropped(_logger, _collection.Name, point.Id, e);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        }

        private void Done(int count)
        {
            if (count == 0)
            {
                return;
            }

            Interlocked.Add(ref _done, count);
            Pulse();
        }

        private void Pulse()
        {
            lock (_progress)
            {
                Monitor.PulseAll(_progress);
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Collection '{Collection}': a stream batch of {Count} points was refused; retrying point by point")]
        private static partial void LogBatchFailed(ILogger logger, string collection, int count, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "Collection '{Collection}': streamed point {Id} could not be written and was dropped")]
        private static partial void LogPointDropped(ILogger logger, string collection, ulong id, Exception exception);
    }
}
