using System.Buffers.Binary;
using System.Runtime.InteropServices;
using VelesDb.Core.Index.Hnsw.Spaces;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Index.Hnsw;

/// <summary>
/// <c>hnsw.graph</c>: a dump of the graph, so an open does not rebuild it. Never trusted: every
/// count is checked against the file size before allocating, the whole file against its CRC, and
/// every link against the node count; anything wrong means "rebuild from stored vectors".
/// <code>
/// Little-endian:
///   0  u32 magic 0x47484C56 ("VLHG")
///   4  u16 format version (2)
///   6  u16 reserved (0)
///   8  u32 dimension
///   12 u32 M
///   16 u32 ef_construction
///   20 i32 level-generator seed
///   24 u32 node count N
///   28 i32 entry point (-1 when empty)
///   32 i32 max level
///   36 u32 stride S of a level-0 block (bytes)
///   40 u64 U = number of upper-level ints
///   48 u64 space signature: u8 space kind (0 full, 1 sq8, 2 binary, 3 pq), u8 ranking metric
///      (DistanceMetric; cosine collections rank by DotProduct), u8 1 when vectors are normalised,
///      u8 0, u32 CRC-32C of the quantizer file (0 for full)
///   56 N level-0 blocks of S bytes: the node code (full: f32[dimension]; quantized: the code bytes)
///      padded to 8 bytes, i32 link count, i32[2M] links, zero padding
///      N × i32 label (collection row)
///      N × i32 level
///      N × u8 tombstone flag
///      U × i32 upper links: for each node with level L &gt; 0, in node order, L blocks of (1 + M) ints (count, links)
///   end u32 CRC-32C of every preceding byte
/// </code>
/// </summary>
internal sealed unsafe partial class HnswIndex<TSpace>
{
    public const uint GraphMagic = 0x47484C56;
    public const ushort GraphVersion = 2;
    private const int GraphHeaderSize = 56;
    private const int MaxPersistedLevel = 64;

    /// <summary>Set by inserts and removals, cleared by <see cref="Save"/>.</summary>
    public bool IsDirty { get; private set; }

    /// <summary>The label a node indexes, or -1 when it is a tombstone.</summary>
    public int LabelOfLiveNode(int node) => _deleted[node] ? -1 : _labels[node];

    /// <inheritdoc />
    public bool Holds(int label, ReadOnlySpan<float> vector)
    {
        if ((uint)label >= (uint)_nodeByLabel.Length || _nodeByLabel[label] < 0 || vector.Length != _dimension)
        {
            return false;
        }

        var codeBytes = _space.CodeBytes;
        Span<byte> code = codeBytes <= 4096 ? stackalloc byte[codeBytes] : new byte[codeBytes];
        _space.Encode(vector, code);
        return code.SequenceEqual(CodeSpan(_nodeByLabel[label]));
    }

    /// <summary>Writes the graph atomically (temp file, fsync, rename, directory fsync).</summary>
    public void Save(string path)
    {
        long upperInts = 0;
        for (var node = 0; node < _count; node++)
        {
            upperInts += (long)_levels[node] * (_m + 1);
        }

        ClearLockWords();
        FileSync.WriteAtomic(path, stream =>
        {
            var crc = 0u;
            void Write(ReadOnlySpan<byte> bytes)
            {
                stream.Write(bytes);
                crc = Crc32C.Append(crc, bytes);
            }

            Span<byte> header = stackalloc byte[GraphHeaderSize];
            header.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(header, GraphMagic);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], GraphVersion);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)_dimension);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)_m);
            BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)_efConstruction);
            BinaryPrimitives.WriteInt32LittleEndian(header[20..], Parameters.Seed);
            BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)_count);
            BinaryPrimitives.WriteInt32LittleEndian(header[28..], _entryPoint);
            BinaryPrimitives.WriteInt32LittleEndian(header[32..], _maxLevel);
            BinaryPrimitives.WriteUInt32LittleEndian(header[36..], (uint)_stride);
            BinaryPrimitives.WriteUInt64LittleEndian(header[40..], (ulong)upperInts);
            BinaryPrimitives.WriteUInt64LittleEndian(header[48..], _space.Signature);
            Write(header);

            // SAFETY: the first _count blocks of _level0 are initialised; written in chunks < 2 GiB.
            const long chunk = 1L << 28;
            var total = _count * _stride;
            for (long offset = 0; offset < total; offset += chunk)
            {
                Write(new ReadOnlySpan<byte>(_level0 + offset, (int)Math.Min(chunk, total - offset)));
            }

            Write(MemoryMarshal.AsBytes(_labels.AsSpan(0, _count)));
            Write(MemoryMarshal.AsBytes(_levels.AsSpan(0, _count)));
            Write(MemoryMarshal.AsBytes(_deleted.AsSpan(0, _count)));
            for (var node = 0; node < _count; node++)
            {
                if (_levels[node] > 0)
                {
                    Write(MemoryMarshal.AsBytes(_upper[node].AsSpan(0, _levels[node] * (_m + 1))));
                }
            }

            Span<byte> tail = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(tail, crc);
            stream.Write(tail);
        });
        IsDirty = false;
    }

    /// <summary>
    /// Loads a graph written by <see cref="Save"/> for the same space (dimension, metric, quantizer) and parameters;
    /// returns null and the reason when the file is absent, foreign or damaged.
    /// </summary>
    public static HnswIndex<TSpace>? TryLoad(string path, TSpace space, HnswParameters parameters, out string? problem)
    {
        problem = null;
        if (!File.Exists(path))
        {
            problem = "no graph file";
            return null;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var length = stream.Length;
        Span<byte> header = stackalloc byte[GraphHeaderSize];
        if (length < GraphHeaderSize + 4 || stream.Read(header) != GraphHeaderSize)
        {
            problem = "file shorter than its header";
            return null;
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
        var upperInts = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]);
        var index = new HnswIndex<TSpace>(space, parameters);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != GraphMagic
            || BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) != GraphVersion
            || BinaryPrimitives.ReadUInt64LittleEndian(header[48..]) != space.Signature
            || BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != (uint)space.Dimension
            || BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != (uint)parameters.M
            || BinaryPrimitives.ReadUInt32LittleEndian(header[16..]) != (uint)parameters.EfConstruction
            || BinaryPrimitives.ReadUInt32LittleEndian(header[36..]) != (uint)index._stride)
        {
            index.Dispose();
            problem = "header does not match the collection (magic, version, space, dimension or parameters)";
            return null;
        }

        // Every size is checked against the file length before anything is allocated for it.
        var expected = GraphHeaderSize + ((ulong)count * (ulong)index._stride) + (count * 9UL) + (upperInts * 4UL) + 4UL;
        if (count > int.MaxValue / 2 || upperInts > (ulong)length || expected != (ulong)length)
        {
            index.Dispose();
            problem = $"declares {count} nodes and {upperInts} upper links but is {length} bytes";
            return null;
        }

        try
        {
            var crc = Crc32C.Compute(header);
            var n = (int)count;
            index.EnsureCapacity(Math.Max(n, 1), 0);
            var total = n * index._stride;
            const int chunk = 1 << 26;
            for (long offset = 0; offset < total; offset += chunk)
            {
                // SAFETY: the block holds _capacity >= n strides; the span stays inside it.
                var target = new Span<byte>(index._level0 + offset, (int)Math.Min(chunk, total - offset));
                stream.ReadExactly(target);
                crc = Crc32C.Append(crc, target);
            }

            crc = ReadInto(stream, MemoryMarshal.AsBytes(index._labels.AsSpan(0, n)), crc);
            crc = ReadInto(stream, MemoryMarshal.AsBytes(index._levels.AsSpan(0, n)), crc);
            crc = ReadInto(stream, MemoryMarshal.AsBytes(index._deleted.AsSpan(0, n)), crc);
            ulong upperSeen = 0;
            var maxLabel = -1;
            for (var node = 0; node < n; node++)
            {
                var level = index._levels[node];
                if (level is < 0 or > MaxPersistedLevel)
                {
                    problem = $"node {node} has level {level}";
                    index.Dispose();
                    return null;
                }

                upperSeen += (ulong)level * (ulong)(parameters.M + 1);
                if (upperSeen > upperInts)
                {
                    problem = "upper links exceed the declared count";
                    index.Dispose();
                    return null;
                }

                if (level > 0)
                {
                    var links = new int[level * (parameters.M + 1)];
                    crc = ReadInto(stream, MemoryMarshal.AsBytes(links.AsSpan()), crc);
                    index._upper[node] = links;
                }

                maxLabel = Math.Max(maxLabel, index._labels[node]);
            }

            Span<byte> tail = stackalloc byte[4];
            stream.ReadExactly(tail);
            if (upperSeen != upperInts || BinaryPrimitives.ReadUInt32LittleEndian(tail) != crc)
            {
                problem = "checksum mismatch";
                index.Dispose();
                return null;
            }

            index._count = n;

            // The lock words are written as zero; a crafted file must not start with a held lock.
            index.ClearLockWords();
            index._entryPoint = BinaryPrimitives.ReadInt32LittleEndian(header[28..]);
            index._maxLevel = BinaryPrimitives.ReadInt32LittleEndian(header[32..]);
            var structural = index.CheckStructure(maxLabel);
            if (structural is not null)
            {
                problem = structural;
                index.Dispose();
                return null;
            }

            index.EnsureCapacity(n, Math.Max(maxLabel, 0));
            for (var node = 0; node < n; node++)
            {
                if (index._deleted[node])
                {
                    index._deletedCount++;
                }
                else if (index._nodeByLabel[index._labels[node]] >= 0)
                {
                    problem = $"label {index._labels[node]} has two live nodes";
                    index.Dispose();
                    return null;
                }
                else
                {
                    index._nodeByLabel[index._labels[node]] = node;
                }
            }

            return index;
        }
        catch (EndOfStreamException)
        {
            problem = "file ends early";
            index.Dispose();
            return null;
        }
    }

    /// <summary>Bounds every id and count a loaded graph uses; null when all are sound.</summary>
    private string? CheckStructure(int maxLabel)
    {
        if (_count > 0 && ((uint)_entryPoint >= (uint)_count || _levels[_entryPoint] != _maxLevel))
        {
            return $"entry point {_entryPoint} / max level {_maxLevel} is invalid";
        }

        if (_count == 0 && _entryPoint != -1)
        {
            return "empty graph with an entry point";
        }

        for (var node = 0; node < _count; node++)
        {
            if (_labels[node] < 0 || _labels[node] > maxLabel)
            {
                return $"node {node} has label {_labels[node]}";
            }

            for (var level = 0; level <= _levels[node]; level++)
            {
                var storage = LinkStorage(node, level);
                var links = storage[0];
                if (links < 0 || links > (level == 0 ? _m0 : _m))
                {
                    return $"node {node} level {level} has {links} links";
                }

                foreach (var link in storage.Slice(1, links))
                {
                    if ((uint)link >= (uint)_count || _levels[link] < level)
                    {
                        return $"node {node} level {level} links to {link}";
                    }
                }
            }
        }

        return null;
    }

    private static uint ReadInto(Stream stream, Span<byte> target, uint crc)
    {
        stream.ReadExactly(target);
        return Crc32C.Append(crc, target);
    }
}
