using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using VelesDb.Contracts;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Storage;

namespace VelesDb.Server;

/// <summary>Bulk and streaming ingest (REST spec §2.3 #22–25) and point TTL (#33).</summary>
internal static class IngestEndpoints
{
    /// <summary>The largest NDJSON body (1 GiB); beyond it the stream is cut with 413.</summary>
    public const long NdjsonBodyLimit = 1L << 30;

    /// <summary>The longest NDJSON line (8 MiB); a longer one cuts the stream with 413.</summary>
    public const int MaxNdjsonLine = 8 << 20;

    /// <summary>Points per upsert while an NDJSON stream is read.</summary>
    public const int NdjsonBatch = 100;

    /// <summary>Maps the routes on a route group.</summary>
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/collections/{name}/points/raw", Raw).WithMetadata(new BodyLimit(CollectionEndpoints.PointsBodyLimit)).AsHeavyWork();
        routes.MapPost("/collections/{name}/points/stream", Ndjson).WithMetadata(new BodyLimit(NdjsonBodyLimit));
        routes.MapPatch("/collections/{name}/points/{id}/ttl", SetTtl);
        routes.MapPost("/collections/{name}/stream/enable", EnableStreaming);
        routes.MapPost("/collections/{name}/stream/insert", StreamInsert);
    }

    /// <summary>Turns on the collection's buffered stream ingest (Core <see cref="Collection.EnableStreaming"/>).</summary>
    public static IResult EnableStreaming(string name, StreamEnableRequest body, DatabaseHost host)
    {
        var defaults = new StreamingOptions();
        var options = new StreamingOptions
        {
            BufferSize = body.BufferSize ?? defaults.BufferSize,
            BatchSize = body.BatchSize ?? defaults.BatchSize,
            FlushInterval = body.FlushIntervalMs is { } ms
                ? TimeSpan.FromMilliseconds(Math.Clamp(ms, -1, (long)StreamingOptions.MaxFlushInterval.TotalMilliseconds + 1))
                : defaults.FlushInterval,
        };

        try
        {
            host.Database.GetCollection(name).EnableStreaming(options);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(new StreamEnabledResponse("Streaming enabled", name), ContractsJsonContext.Wire.StreamEnabledResponse);
    }

    /// <summary>
    /// Queues one point for the stream ingest: 202 once queued (written, and durable, when its
    /// batch is; see <see cref="Collection.StreamInsert"/>), 429 with <c>Retry-After: 1</c> when the
    /// buffer is full, 409 when streaming is not enabled.
    /// </summary>
    public static IResult StreamInsert(string name, PointRequest body, HttpResponse response, DatabaseHost host)
    {
        if (CollectionEndpoints.Refusal(body) is { } refusal)
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, refusal);
        }

        bool accepted;
        try
        {
            var collection = host.Database.GetCollection(name);
            if (!collection.IsStreaming)
            {
                return ErrorMapping.Flat(StatusCodes.Status409Conflict, $"Streaming not configured for collection '{name}'; enable it first with POST /collections/{name}/stream/enable.");
            }

            accepted = collection.StreamInsert(CollectionEndpoints.ToPoint(body));
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        if (!accepted)
        {
            response.Headers.RetryAfter = "1";
            return ErrorMapping.Flat(StatusCodes.Status429TooManyRequests, "Stream buffer full, retry after 1s (the Retry-After header says when).");
        }

        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>The longest TTL a <see cref="TimeSpan"/> holds, in seconds.</summary>
    public const ulong MaxTtlSeconds = (ulong)(long.MaxValue / TimeSpan.TicksPerSecond);

    /// <summary>Sets a point's time to live (Core writes <c>_veles_expires_at</c> into its payload); 204.</summary>
    public static IResult SetTtl(string name, ulong id, TtlRequest body, DatabaseHost host)
    {
        if (body.TtlSeconds is not { } seconds)
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, "The body needs \"ttl_seconds\": the seconds until the point expires, e.g. {\"ttl_seconds\": 3600}.");
        }

        if (seconds > MaxTtlSeconds)
        {
            return ErrorMapping.Flat(
                StatusCodes.Status400BadRequest,
                $"ttl_seconds {seconds} is too large (at most {MaxTtlSeconds}); send a shorter TTL.",
                VelesDbException.Format(VelesDbErrorCode.Overflow));
        }

        try
        {
            host.Database.GetCollection(name).SetTimeToLive(id, TimeSpan.FromSeconds((long)seconds));
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.NoContent();
    }

    /// <summary>Inserts or replaces the points of a VRB1 body (no payloads), all or nothing.</summary>
    public static async Task<IResult> Raw(string name, HttpRequest request, DatabaseHost host)
    {
        Collection collection;
        try
        {
            collection = host.Database.GetCollection(name);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        using var body = new MemoryStream(request.ContentLength is { } length and > 0 and <= CollectionEndpoints.PointsBodyLimit ? (int)length : 0);
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted).ConfigureAwait(false);

        Vrb1Batch batch;
        try
        {
            batch = Vrb1.Decode(body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        catch (VelesDbException e)
        {
            // A malformed body is the client's error: 400, with the Serialization code.
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, $"{e.Message} The body must be a VRB1 batch (REST API reference §2.7).", e.CodeString);
        }

        if (batch.Count > CollectionEndpoints.MaxUpsertBatch)
        {
            return ErrorMapping.Flat(StatusCodes.Status400BadRequest, $"Batch too large: {batch.Count} points (at most {CollectionEndpoints.MaxUpsertBatch}); split the upload into smaller batches.");
        }

        try
        {
            collection.Upsert(batch.ToPoints());
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        return Results.Json(new UpsertPointsResponse("Points upserted", batch.Count), ContractsJsonContext.Wire.UpsertPointsResponse);
    }

    /// <summary>
    /// Reads an NDJSON body line by line (never buffering it whole) and upserts its points in
    /// batches of <see cref="NdjsonBatch"/>; answers counts once the body ends.
    /// </summary>
    public static async Task<IResult> Ndjson(string name, HttpRequest request, DatabaseHost host)
    {
        Collection collection;
        try
        {
            collection = host.Database.GetCollection(name);
        }
        catch (VelesDbException e)
        {
            return ErrorMapping.Flat(e);
        }

        var ingest = new NdjsonIngest(collection);
        var reader = request.BodyReader;
        var aborted = request.HttpContext.RequestAborted;
        long scanned = 0;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync(aborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e)
            {
                // Over the body limit (or a malformed chunked body): keep what was read, answer the status.
                ingest.Flush();
                return ErrorMapping.Flat(
                    e.StatusCode,
                    e.StatusCode == StatusCodes.Status413PayloadTooLarge
                        ? $"The NDJSON body is over the {NdjsonBodyLimit >> 30} GiB limit of this route; points before the cut were written. Send the rest in another request."
                        : $"The NDJSON body could not be read: {e.Message}. Points before the error were written.");
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                ingest.NetworkErrors++;
                break;
            }

            var buffer = read.Buffer;
            while (TryReadLine(ref buffer, ref scanned, out var line))
            {
                if (line.Length > MaxNdjsonLine)
                {
                    reader.AdvanceTo(buffer.Start);
                    ingest.Flush();
                    return LineTooLong();
                }

                ingest.Line(line);
            }

            if (buffer.Length > MaxNdjsonLine)
            {
                reader.AdvanceTo(buffer.End);
                ingest.Flush();
                return LineTooLong();
            }

            if (read.IsCompleted)
            {
                ingest.Line(buffer);
                reader.AdvanceTo(buffer.End);
                break;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }

        ingest.Flush();
        return Results.Json(
            new StreamProcessedResponse("Stream processed", ingest.Inserted, ingest.Malformed, ingest.FailedUpserts, ingest.NetworkErrors),
            ContractsJsonContext.Wire.StreamProcessedResponse);
    }

    private static IResult LineTooLong() =>
        ErrorMapping.Flat(StatusCodes.Status413PayloadTooLarge, $"An NDJSON line is longer than {MaxNdjsonLine} bytes; points before it were written. Send one point per line, each under {MaxNdjsonLine / (1 << 20)} MiB.");

    /// <summary>
    /// Cuts the next line off <paramref name="buffer"/>. <paramref name="scanned"/> carries how many
    /// bytes of the unfinished line were searched already, so a long line is scanned once, not once
    /// per read.
    /// </summary>
    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, ref long scanned, out ReadOnlySequence<byte> line)
    {
        if (buffer.Slice(scanned).PositionOf((byte)'\n') is not { } end)
        {
            scanned = buffer.Length;
            line = default;
            return false;
        }

        scanned = 0;
        line = buffer.Slice(0, end);
        buffer = buffer.Slice(buffer.GetPosition(1, end));
        return true;
    }

    /// <summary>The state of one NDJSON upload: the pending batch and the counts.</summary>
    private sealed class NdjsonIngest(Collection collection)
    {
        private readonly List<Point> _batch = new(NdjsonBatch);
        private readonly Dictionary<ulong, int> _slotById = [];

        public long Inserted { get; private set; }

        public long Malformed { get; private set; }

        public long FailedUpserts { get; private set; }

        public long NetworkErrors { get; set; }

        /// <summary>Parses one line (blank lines are skipped) and queues its point.</summary>
        public void Line(ReadOnlySequence<byte> line)
        {
            var reader = new Utf8JsonReader(line);
            PointRequest? request;
            try
            {
                if (IsBlank(line))
                {
                    return;
                }

                request = JsonSerializer.Deserialize(ref reader, ContractsJsonContext.Wire.PointRequest);
                if (reader.Read())
                {
                    // Something follows the point on the same line.
                    Malformed++;
                    return;
                }
            }
            catch (JsonException)
            {
                Malformed++;
                return;
            }

            if (request is null || CollectionEndpoints.Refusal(request) is not null)
            {
                Malformed++;
                return;
            }

            // A later line with the same id replaces the queued point (Core refuses duplicate ids in one batch).
            var point = CollectionEndpoints.ToPoint(request);
            if (_slotById.TryGetValue(point.Id, out var slot))
            {
                _batch[slot] = point;
                return;
            }

            _slotById[point.Id] = _batch.Count;
            _batch.Add(point);
            if (_batch.Count >= NdjsonBatch)
            {
                Flush();
            }
        }

        /// <summary>Writes the queued points; when the batch is refused, writes them one by one so only the bad ones count as failed.</summary>
        public void Flush()
        {
            if (_batch.Count == 0)
            {
                return;
            }

            try
            {
                collection.Upsert(_batch);
                Inserted += _batch.Count;
            }
            catch (VelesDbException)
            {
                foreach (var point in _batch)
                {
                    try
                    {
                        collection.Upsert(point);
                        Inserted++;
                    }
                    catch (VelesDbException)
                    {
                        FailedUpserts++;
                    }
                }
            }

            _batch.Clear();
            _slotById.Clear();
        }

        private static bool IsBlank(ReadOnlySequence<byte> line)
        {
            foreach (var segment in line)
            {
                foreach (var b in segment.Span)
                {
                    if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }
}
