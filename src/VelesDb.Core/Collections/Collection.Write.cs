using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.Core.Index.Sparse;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>
    /// Inserts or replaces points, all or nothing. Every point is validated before anything is
    /// written; an invalid batch throws and changes nothing. A batch may not name the same id twice
    /// (VELES-009): with two versions of a point in one call, which one should win is a guess.
    /// </summary>
    /// <exception cref="VelesDbException">
    /// VELES-004 wrong dimension, VELES-005 NaN or infinite component, VELES-014 vector given to a
    /// metadata collection, VELES-016 vector missing, VELES-027 payload over the size limit,
    /// VELES-009 duplicate id in the batch.
    /// </exception>
    public void Upsert(IReadOnlyList<Point> points) => Write(points, insertOnly: false, out _);

    /// <summary>
    /// Inserts points whose ids are all new, all or nothing, with the checks of
    /// <see cref="Upsert(IReadOnlyList{Point})"/>. The existence check runs under the write lock,
    /// so no concurrent write can slip in between check and insert.
    /// </summary>
    /// <param name="points">The points.</param>
    /// <param name="existingId">The first id that already exists, when the call returns false.</param>
    /// <returns>False (and nothing written) when an id already exists.</returns>
    internal bool TryInsert(IReadOnlyList<Point> points, out ulong existingId) => Write(points, insertOnly: true, out existingId);

    private bool Write(IReadOnlyList<Point> points, bool insertOnly, out ulong existingId)
    {
        ArgumentNullException.ThrowIfNull(points);
        existingId = 0;
        if (points.Count == 0)
        {
            return true;
        }

        var prepared = Prepare(points);
        var withSparse = prepared.Any(p => p.Sparse is { Count: > 0 });
        ArrayBufferWriter<byte>? body = null;
        if (_options.Durability != DurabilityMode.None)
        {
            body = new ArrayBufferWriter<byte>(EstimateUpsertBody(prepared));
            EncodeUpsert(body, prepared, withSparse);
        }

        ulong lsn = 0;
        WriteAheadLog wal;
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (insertOnly)
            {
                foreach (var p in prepared)
                {
                    if (_rowById.ContainsKey(p.Id))
                    {
                        existingId = p.Id;
                        return false;
                    }
                }
            }

            if (body is not null)
            {
                lsn = _wal.Append(withSparse ? WalRecordType.UpsertSparse : WalRecordType.Upsert, body.WrittenSpan);
                BumpWriteGeneration();
            }

            var rows = new int[prepared.Length];
            for (var i = 0; i < prepared.Length; i++)
            {
                var p = prepared[i];
                rows[i] = ApplyUpsert(p.Id, p.Vector.Span, p.PayloadUtf8, p.Payload, p.Sparse);
            }

            // Reaching the training size re-indexes everything on the codes, these rows included.
            if (!MaybeAutoTrainLocked())
            {
                IndexRowsLocked(rows);
            }

            MaybeCheckpointLocked();
            wal = _wal;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        if (lsn != 0)
        {
            wal.WaitDurable(lsn);
        }

        return true;
    }

    /// <summary>Inserts or replaces one point.</summary>
    public void Upsert(Point point) => Upsert([point]);

    /// <summary>
    /// Deletes points by id. Idempotent: absent ids are ignored. Returns how many points existed.
    /// </summary>
    /// <remarks>
    /// With <see cref="AutoReindex"/> on, a delete that leaves more than
    /// <see cref="AutoReindexTombstoneRatio"/> of the index as tombstones rebuilds the index before
    /// returning (<see cref="RebuildIndex"/>).
    /// </remarks>
    public int Delete(IReadOnlyList<ulong> ids)
    {
        var removed = RemoveLogged(ids, WalRecordType.Delete, _rowById.ContainsKey, ApplyDelete);
        if (removed > 0 && AutoReindex && TombstoneRatio > AutoReindexTombstoneRatio)
        {
            RebuildIndex();
        }

        return removed;
    }

    /// <summary>
    /// The removal write path shared by point deletes and edge removals: under the write lock, the
    /// ids that exist (each once) are logged as one record of <paramref name="type"/> and applied;
    /// the record is made durable after the lock is released. Returns how many existed.
    /// </summary>
    private int RemoveLogged(IReadOnlyList<ulong> ids, WalRecordType type, Func<ulong, bool> exists, Action<ulong> apply)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ulong lsn = 0;
        int removed;
        WriteAheadLog wal;
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            var present = new List<ulong>(ids.Count);
            var seen = new HashSet<ulong>();
            foreach (var id in ids)
            {
                if (exists(id) && seen.Add(id))
                {
                    present.Add(id);
                }
            }

            if (present.Count == 0)
            {
                return 0;
            }

            if (_options.Durability != DurabilityMode.None)
            {
                lsn = _wal.Append(type, EncodeIds(present));
                BumpWriteGeneration();
            }

            foreach (var id in present)
            {
                apply(id);
            }

            removed = present.Count;
            MaybeCheckpointLocked();
            wal = _wal;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        if (lsn != 0)
        {
            wal.WaitDurable(lsn);
        }

        return removed;
    }

    /// <summary>Deletes one point; true when it existed.</summary>
    public bool Delete(ulong id) => Delete([id]) == 1;

    private readonly record struct PreparedPoint(ulong Id, ReadOnlyMemory<float> Vector, byte[]? PayloadUtf8, JsonElement Payload, IReadOnlyDictionary<string, SparseVector>? Sparse);

    private PreparedPoint[] Prepare(IReadOnlyList<Point> points)
    {
        var result = new PreparedPoint[points.Count];
        var positions = new Dictionary<ulong, int>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i] ?? throw new VelesDbException(VelesDbErrorCode.Config, $"Point at position {i} is null.");
            if (!positions.TryAdd(p.Id, i))
            {
                ThrowHelper.Throw(VelesDbErrorCode.Config, $"Duplicate id {p.Id} in one batch (positions {positions[p.Id]} and {i}); send each id once per upsert.");
            }

            ValidateVector(p.Id, p.Vector.Span);
            ValidateSparse(p.Id, p.Sparse);
            byte[]? utf8 = null;
            JsonElement payload = default;
            if (p.Payload is { } element && element.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                utf8 = SerializePayload(element);
                if (utf8.Length > _options.MaxPayloadBytes)
                {
                    ThrowHelper.Throw(VelesDbErrorCode.GuardRail, $"Payload of point {p.Id} is {utf8.Length} bytes; the limit is {_options.MaxPayloadBytes} bytes.");
                }

                payload = ParsePayload(utf8);
            }

            if (Kind == CollectionKind.Graph)
            {
                _ = GraphSchema.Labels(payload.ValueKind == JsonValueKind.Undefined ? null : payload);
                Schema!.ValidateNode(p.Id, payload.ValueKind == JsonValueKind.Undefined ? null : payload);
            }

            result[i] = new PreparedPoint(p.Id, p.Vector, utf8, payload, p.Sparse);
        }

        return result;
    }

    private void ValidateVector(ulong id, ReadOnlySpan<float> vector)
    {
        if (!HasVectors)
        {
            if (!vector.IsEmpty)
            {
                ThrowHelper.Throw(VelesDbErrorCode.VectorNotAllowed, $"Collection '{Name}' has no vectors ({(Kind == CollectionKind.Graph ? "a graph without embeddings" : "metadata-only")}); point {id} must not carry a vector.");
            }

            return;
        }

        if (vector.IsEmpty)
        {
            ThrowHelper.Throw(VelesDbErrorCode.VectorRequired, $"Point {id} has no vector; collection '{Name}' requires {Dimension} dimensions.");
        }

        if (vector.Length != Dimension)
        {
            ThrowHelper.Throw(VelesDbErrorCode.DimensionMismatch, $"Point {id}: vector dimension mismatch: expected {Dimension}, got {vector.Length}.");
        }

        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                ThrowHelper.Throw(VelesDbErrorCode.InvalidVector, $"Point {id}: component {i} is {vector[i]}; vectors must be finite.");
            }
        }
    }

    private static byte[] SerializePayload(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static JsonElement ParsePayload(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        return JsonElement.ParseValue(ref reader);
    }

    private static int EstimateUpsertBody(PreparedPoint[] points)
    {
        long size = 4;
        foreach (var p in points)
        {
            size += 20 + (p.Vector.Length * 4L) + (p.PayloadUtf8?.Length ?? 0) + (p.Sparse?.Sum(s => 8L + (s.Key.Length * 3L) + (s.Value.Count * 8L)) ?? 0);
        }

        return (int)Math.Min(size, WriteAheadLog.MaxBodyLength + 1L);
    }

    /// <summary>
    /// Upsert body: u32 count, then per point: u64 id, u32 float count, f32[count],
    /// i32 payload length (-1 = none), payload UTF-8 JSON; in an UpsertSparse record each point
    /// then has its sparse section.
    /// </summary>
    private static void EncodeUpsert(ArrayBufferWriter<byte> writer, PreparedPoint[] points, bool withSparse)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(writer.GetSpan(4), (uint)points.Length);
        writer.Advance(4);
        foreach (var p in points)
        {
            var head = writer.GetSpan(12);
            BinaryPrimitives.WriteUInt64LittleEndian(head, p.Id);
            BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)p.Vector.Length);
            writer.Advance(12);
            var vectorBytes = MemoryMarshal.AsBytes(p.Vector.Span);
            if (!BitConverter.IsLittleEndian)
            {
                ThrowHelper.Throw(VelesDbErrorCode.Internal, "Big-endian hosts are not supported.");
            }

            writer.Write(vectorBytes);
            BinaryPrimitives.WriteInt32LittleEndian(writer.GetSpan(4), p.PayloadUtf8?.Length ?? -1);
            writer.Advance(4);
            if (p.PayloadUtf8 is not null)
            {
                writer.Write(p.PayloadUtf8);
            }

            if (withSparse)
            {
                EncodeSparse(writer, p.Sparse);
            }
        }
    }

    /// <summary>Applies a WAL record during recovery; the record passed its checksum.</summary>
    private void ApplyRecord(WalRecordType type, ulong lsn, ReadOnlySpan<byte> body)
    {
        if (type is WalRecordType.AddEdges or WalRecordType.RemoveEdges)
        {
            ApplyEdgeRecord(type, lsn, body);
            return;
        }

        if (type == WalRecordType.Delete)
        {
            if (body.Length < 4 || (ulong)body.Length != 4 + (BinaryPrimitives.ReadUInt32LittleEndian(body) * 8UL))
            {
                ThrowBadRecord(lsn);
            }

            var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(body);
            for (var i = 0; i < count; i++)
            {
                var id = BinaryPrimitives.ReadUInt64LittleEndian(body[(4 + (i * 8))..]);
                if (_rowById.ContainsKey(id))
                {
                    ApplyDelete(id);
                }
            }

            return;
        }

        if (body.Length < 4)
        {
            ThrowBadRecord(lsn);
        }

        var points = BinaryPrimitives.ReadUInt32LittleEndian(body);
        var pos = 4;
        for (var i = 0u; i < points; i++)
        {
            if (body.Length - pos < 12)
            {
                ThrowBadRecord(lsn);
            }

            var id = BinaryPrimitives.ReadUInt64LittleEndian(body[pos..]);
            var floats = BinaryPrimitives.ReadUInt32LittleEndian(body[(pos + 8)..]);
            pos += 12;
            if (floats != (uint)(HasVectors ? Dimension : 0) || (ulong)(body.Length - pos) < (floats * 4UL) + 4)
            {
                ThrowBadRecord(lsn);
            }

            var vector = MemoryMarshal.Cast<byte, float>(body.Slice(pos, (int)floats * 4));
            pos += (int)floats * 4;
            var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(body[pos..]);
            pos += 4;
            byte[]? utf8 = null;
            JsonElement payload = default;
            if (payloadLength >= 0)
            {
                if (body.Length - pos < payloadLength)
                {
                    ThrowBadRecord(lsn);
                }

                utf8 = body.Slice(pos, payloadLength).ToArray();
                pos += payloadLength;
                try
                {
                    payload = ParsePayload(utf8);
                }
                catch (JsonException)
                {
                    ThrowBadRecord(lsn);
                }
            }

            Dictionary<string, SparseVector>? sparse = null;
            if (type == WalRecordType.UpsertSparse)
            {
                try
                {
                    sparse = DecodeSparse(body, ref pos);
                }
                catch (Exception ex) when (ex is ArgumentOutOfRangeException or ArgumentException or VelesDbException)
                {
                    ThrowBadRecord(lsn);
                }
            }

            _ = ApplyUpsert(id, vector, utf8, payload, sparse);
        }

        if (pos != body.Length)
        {
            ThrowBadRecord(lsn);
        }
    }

    private void ThrowBadRecord(ulong lsn) =>
        ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"Collection '{Name}': WAL record {lsn} passed its checksum but does not decode; the log was written by an incompatible build or is damaged.");

    private int ApplyUpsert(ulong id, ReadOnlySpan<float> vector, byte[]? payloadUtf8, JsonElement payload, IReadOnlyDictionary<string, SparseVector>? sparse)
    {
        if (_rowById.TryGetValue(id, out var oldRow))
        {
            FreeRow(oldRow);
        }

        var row = _freeRows.Count > 0 ? _freeRows.Pop() : _rowHighWater++;
        EnsureRowCapacity(row);
        if (_vectors is not null)
        {
            _vectors.Write(row, vector);
            _vectorCrcByRow[row] = Crc32C.Compute(MemoryMarshal.AsBytes(vector));
        }

        if (payloadUtf8 is not null)
        {
            _payloadOffsetByRow[row] = _payloads.Append(id, payloadUtf8);
            _payloadLengthByRow[row] = payloadUtf8.Length;
        }
        else
        {
            _payloadOffsetByRow[row] = -1;
            _payloadLengthByRow[row] = 0;
        }

        _payloadByRow[row] = payload;
        TrackExpiryLocked(row, payload);
        _secondary.Add(row, payload);
        IndexTextLocked(row, payload);
        IndexSparseLocked(row, sparse);
        _graphIndexes.IndexNode(id, payload);
        _idByRow[row] = id;
        _liveByRow[row] = true;
        _rowById[id] = row;
        _sortedIds = null;
        return row;
    }

    private void ApplyDelete(ulong id)
    {
        var row = _rowById[id];
        _rowById.Remove(id);
        FreeRow(row);
        _edges.RemoveNodeEdges(id);
        _graphIndexes.RemoveNode(id);
        _sortedIds = null;
    }

    private void FreeRow(int row)
    {
        _index?.Remove(row);
        _liveByRow[row] = false;
        if (_payloadOffsetByRow[row] >= 0)
        {
            _payloadDeadBytes += PayloadLog.RecordHeaderSize + _payloadLengthByRow[row];
        }

        _secondary.Remove(row, _payloadByRow[row]);
        UnindexTextLocked(row);
        UnindexSparseLocked(row);
        _payloadByRow[row] = default;
        UntrackExpiryLocked(row);
        _pendingFreeRows.Add(row);
    }
}
