using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Graph;

/// <summary>
/// The edge-store snapshot (checkpoint image of every edge).
/// <code>
/// Little-endian:
///   0  u32 magic 0x45474C56 ("VLGE")
///   4  u16 format version (1)
///   6  u16 reserved, 0
///   8  u32 label count L
///   12 u32 reserved, 0
///   16 u64 edge count E
///   24 L labels: u32 byte length n (≥ 1), n bytes of UTF-8 (trimmed, distinct)
///      E edges, in insertion order (so adjacency order survives a reload):
///        u64 id, u64 source, u64 target, u32 label index (&lt; L),
///        i32 properties length p (-1 = none), p bytes of UTF-8 JSON text (an object)
///   end u32 CRC-32C of every preceding byte
/// </code>
/// Only labels used by at least one edge are written. Every count and length is checked against
/// the bytes left before anything is allocated; any mismatch, a bad checksum, a duplicate edge
/// id, an invalid label or properties that are not a JSON object give
/// <see cref="VelesDbErrorCode.IndexCorrupted"/>.
/// </summary>
internal sealed partial class EdgeStore
{
    /// <summary>Snapshot magic, "VLGE" little-endian.</summary>
    public const uint SnapshotMagic = 0x45474C56;

    /// <summary>Snapshot format version.</summary>
    public const ushort SnapshotVersion = 1;

    private const int SnapshotHeaderSize = 24;
    private const int EdgeFixedSize = 8 + 8 + 8 + 4 + 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes the snapshot to <paramref name="stream"/> (the caller makes it durable, e.g. via <see cref="FileSync.WriteAtomic(string, Action{Stream})"/>).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var live = new int[Count];
        var n = 0;
        for (var i = 0; i < _slotHighWater; i++)
        {
            if (_edges[i] is not null)
            {
                live[n++] = i;
            }
        }

        Array.Sort(live, (a, b) => _slots[a].Sequence.CompareTo(_slots[b].Sequence));

        var fileLabel = new int[_labels.Count];
        var labelCount = 0;
        for (var i = 0; i < _labels.Count; i++)
        {
            fileLabel[i] = _labelEdgeCounts[i] > 0 ? labelCount++ : -1;
        }

        using var buffer = new MemoryStream();
        Span<byte> scratch = stackalloc byte[EdgeFixedSize];
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, SnapshotMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(scratch[4..], SnapshotVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(scratch[6..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(scratch[8..], (uint)labelCount);
        BinaryPrimitives.WriteUInt32LittleEndian(scratch[12..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(scratch[16..], (ulong)Count);
        buffer.Write(scratch[..SnapshotHeaderSize]);
        for (var i = 0; i < _labels.Count; i++)
        {
            if (fileLabel[i] >= 0)
            {
                var utf8 = Encoding.UTF8.GetBytes(_labels[i]);
                BinaryPrimitives.WriteUInt32LittleEndian(scratch, (uint)utf8.Length);
                buffer.Write(scratch[..4]);
                buffer.Write(utf8);
            }
        }

        var json = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(json);
        foreach (var slot in live)
        {
            var edge = _edges[slot]!;
            ReadOnlySpan<byte> properties = default;
            if (edge.Properties is { } p)
            {
                json.ResetWrittenCount();
                writer.Reset(json);
                p.WriteTo(writer);
                writer.Flush();
                properties = json.WrittenSpan;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(scratch, edge.Id);
            BinaryPrimitives.WriteUInt64LittleEndian(scratch[8..], edge.Source);
            BinaryPrimitives.WriteUInt64LittleEndian(scratch[16..], edge.Target);
            BinaryPrimitives.WriteUInt32LittleEndian(scratch[24..], (uint)fileLabel[_slots[slot].Label]);
            BinaryPrimitives.WriteInt32LittleEndian(scratch[28..], edge.Properties is null ? -1 : properties.Length);
            buffer.Write(scratch);
            buffer.Write(properties);
        }

        var content = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, Crc32C.Compute(content));
        stream.Write(content);
        stream.Write(scratch[..4]);
    }

    /// <summary>Reads a snapshot written by <see cref="Save"/> from the current position to the end of <paramref name="stream"/>.</summary>
    public static EdgeStore Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] bytes;
        if (stream.CanSeek)
        {
            var remaining = Math.Max(0, stream.Length - stream.Position);
            if (remaining > Array.MaxLength)
            {
                Corrupt($"is {remaining} bytes, more than one snapshot can hold");
            }

            bytes = new byte[remaining];
            stream.ReadExactly(bytes);
        }
        else
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }

        return Parse(bytes);
    }

    private static EdgeStore Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < SnapshotHeaderSize + 4)
        {
            Corrupt($"is {data.Length} bytes, shorter than the {SnapshotHeaderSize + 4}-byte minimum");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != SnapshotMagic)
        {
            Corrupt("has a wrong magic number");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        if (version != SnapshotVersion)
        {
            Corrupt($"has unsupported format version {version}");
        }

        var body = data[..^4];
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]))
        {
            Corrupt("fails its CRC-32C check");
        }

        var labelCount = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        var edgeCount = BinaryPrimitives.ReadUInt64LittleEndian(data[16..]);
        var pos = SnapshotHeaderSize;
        if (labelCount > (ulong)(body.Length - pos) / 5)
        {
            Corrupt($"claims {labelCount} labels, more than its length allows");
        }

        var labels = new string[labelCount];
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Length; i++)
        {
            if (body.Length - pos < 4)
            {
                Corrupt($"ends inside label {i}");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]);
            pos += 4;
            if (length == 0 || length > (uint)(body.Length - pos))
            {
                Corrupt($"has label {i} with invalid length {length}");
            }

            string label;
            try
            {
                label = StrictUtf8.GetString(body.Slice(pos, (int)length));
            }
            catch (DecoderFallbackException ex)
            {
                throw new VelesDbException(VelesDbErrorCode.IndexCorrupted, $"Edge snapshot has label {i} that is not valid UTF-8.", ex);
            }

            if (label.Trim().Length != label.Length || label.Length == 0 || !distinct.Add(label))
            {
                Corrupt($"has label {i} that is untrimmed, empty or repeated");
            }

            labels[i] = label;
            pos += (int)length;
        }

        if (edgeCount > (ulong)(body.Length - pos) / EdgeFixedSize)
        {
            Corrupt($"claims {edgeCount} edges, more than its length allows");
        }

        var store = new EdgeStore();
        for (ulong e = 0; e < edgeCount; e++)
        {
            if (body.Length - pos < EdgeFixedSize)
            {
                Corrupt($"ends inside edge {e}");
            }

            var fields = body.Slice(pos, EdgeFixedSize);
            var id = BinaryPrimitives.ReadUInt64LittleEndian(fields);
            var source = BinaryPrimitives.ReadUInt64LittleEndian(fields[8..]);
            var target = BinaryPrimitives.ReadUInt64LittleEndian(fields[16..]);
            var labelIndex = BinaryPrimitives.ReadUInt32LittleEndian(fields[24..]);
            var propertiesLength = BinaryPrimitives.ReadInt32LittleEndian(fields[28..]);
            pos += EdgeFixedSize;
            if (labelIndex >= labelCount)
            {
                Corrupt($"has edge {id} with label index {labelIndex} out of range");
            }

            JsonElement? properties = null;
            if (propertiesLength != -1)
            {
                if (propertiesLength < 0 || propertiesLength > body.Length - pos)
                {
                    Corrupt($"has edge {id} with invalid properties length {propertiesLength}");
                }

                properties = ParseProperties(id, body.Slice(pos, propertiesLength));
                pos += propertiesLength;
            }

            if (store.Contains(id))
            {
                Corrupt($"holds edge id {id} twice");
            }

            store.AddUnchecked(new GraphEdge(id, source, target, labels[labelIndex], properties));
        }

        if (pos != body.Length)
        {
            Corrupt($"has {body.Length - pos} unexpected bytes after the last edge");
        }

        return store;
    }

    private static JsonElement ParseProperties(ulong id, ReadOnlySpan<byte> utf8)
    {
        JsonElement element;
        try
        {
            element = JsonElement.Parse(utf8);
        }
        catch (JsonException ex)
        {
            throw new VelesDbException(VelesDbErrorCode.IndexCorrupted, $"Edge snapshot has edge {id} whose properties are not valid JSON.", ex);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            Corrupt($"has edge {id} whose properties are not a JSON object");
        }

        return element;
    }

    private static void Corrupt(string what) =>
        ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"Edge snapshot {what}.");
}
