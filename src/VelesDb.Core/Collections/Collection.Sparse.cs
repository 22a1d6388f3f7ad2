using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Fusion;
using VelesDb.Core.Index.Sparse;
using VelesDb.Core.Search;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>Longest sparse-vector name, in UTF-8 bytes.</summary>
    public const int MaxSparseNameBytes = 256;

    private const uint SparseImageMagic = 0x56534C56; // "VLSV"
    private const ushort SparseImageVersion = 1;

    /// <summary>Per sparse-vector name: each row's vector (null when the row has none) and the inverted index over them.</summary>
    private Dictionary<string, SparseColumn> _sparse = new(StringComparer.Ordinal);

    /// <summary>
    /// Top-k by inner product with <paramref name="query"/> over the points' sparse vectors named
    /// <paramref name="name"/> (default ""), descending, ties by ascending id. Points sharing no
    /// dimension with the query are not returned.
    /// </summary>
    /// <param name="query">The sparse query vector.</param>
    /// <param name="k">Results to return.</param>
    /// <param name="name">The sparse vector name (default "").</param>
    /// <param name="filter">Only points whose payload matches are returned.</param>
    /// <param name="withPayload">Whether results carry payloads.</param>
    /// <param name="cancellation">Checked before and after scoring: a cancelled search throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="VelesDbException">VELES-009 when no point has a sparse vector of that name, or k is outside 1..100,000.</exception>
    public IReadOnlyList<SearchResult> SparseSearch(SparseVector query, int k, string name = "", Filter? filter = null, bool withPayload = true, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(name);
        CheckTopK(k);
        cancellation.ThrowIfCancellationRequested();
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            if (!_sparse.TryGetValue(name, out var column))
            {
                ThrowHelper.Throw(VelesDbErrorCode.Config, $"Collection '{Name}' has no sparse vectors named '{name}'.");
            }

            var rowFilter = CreateRowFilterLocked(filter);
            var hits = column.Index.Search(query, k, rowFilter.IsEmpty ? null : rowFilter.Accepts);
            cancellation.ThrowIfCancellationRequested();
            var results = new SearchResult[hits.Length];
            for (var i = 0; i < hits.Length; i++)
            {
                var row = hits[i].Row;
                results[i] = new SearchResult(_idByRow[row], hits[i].Score, withPayload ? PayloadOf(row) : null);
            }

            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Dense + sparse hybrid search: both branches fetch max(2k, k + 10) candidates (the dense one
    /// with <paramref name="options"/>' quality; the filter applies to both), then the lists are
    /// fused with <paramref name="strategy"/> (default RRF, k = 60; for relative-score fusion the
    /// dense list is the first). Dense scores of metrics where lower is better enter negated.
    /// Results carry the fused score, highest first, ties by ascending id.
    /// </summary>
    public IReadOnlyList<SearchResult> HybridSparseSearch(ReadOnlySpan<float> dense, SparseVector sparse, int k, FusionStrategy? strategy = null, string name = "", SearchOptions? options = null)
    {
        options ??= SearchOptions.Default;
        strategy ??= FusionStrategy.Rrf();
        CheckTopK(k);
        var fetch = (int)Math.Min(Math.Max(2L * k, k + 10L), MaxTopK);
        var sign = Metric.HigherIsBetter() ? 1f : -1f;
        IReadOnlyList<ScoredId> denseHits = [.. Search(dense, fetch, options with { WithPayload = false }).Select(h => new ScoredId(h.Id, sign * h.Score))];
        IReadOnlyList<ScoredId> sparseHits = [.. SparseSearch(sparse, fetch, name, options.Filter, withPayload: false, options.Cancellation).Select(h => new ScoredId(h.Id, h.Score))];
        var fused = strategy.Fuse([denseHits, sparseHits], k);
        return [.. fused.Select(h => new SearchResult(h.Id, h.Score, options.WithPayload ? Get(h.Id)?.Payload : null))];
    }

    /// <summary>The sparse vectors of a row, by name (null when it has none).</summary>
    private Dictionary<string, SparseVector>? SparseOfRowLocked(int row)
    {
        Dictionary<string, SparseVector>? result = null;
        foreach (var (name, column) in _sparse)
        {
            if (row < column.Rows.Length && column.Rows[row] is { } vector)
            {
                (result ??= new Dictionary<string, SparseVector>(StringComparer.Ordinal))[name] = vector;
            }
        }

        return result;
    }

    private static void ValidateSparse(ulong id, IReadOnlyDictionary<string, SparseVector>? sparse)
    {
        if (sparse is null)
        {
            return;
        }

        foreach (var (name, vector) in sparse)
        {
            if (name is null || vector is null || Encoding.UTF8.GetByteCount(name) > MaxSparseNameBytes)
            {
                ThrowHelper.Throw(VelesDbErrorCode.Config, $"Point {id}: a sparse vector needs a name of at most {MaxSparseNameBytes} UTF-8 bytes and a value.");
            }
        }
    }

    /// <summary>Indexes a row's sparse vectors (apply path).</summary>
    private void IndexSparseLocked(int row, IReadOnlyDictionary<string, SparseVector>? sparse)
    {
        if (sparse is null)
        {
            return;
        }

        foreach (var (name, vector) in sparse)
        {
            if (!_sparse.TryGetValue(name, out var column))
            {
                _sparse[name] = column = new SparseColumn();
            }

            column.Set(row, vector);
        }
    }

    /// <summary>Drops a row's sparse vectors (apply path).</summary>
    private void UnindexSparseLocked(int row)
    {
        foreach (var column in _sparse.Values)
        {
            column.Clear(row);
        }
    }

    /// <summary>Sparse section of an UpsertSparse record for one point: u32 names, then per name u32 name length, name, u32 nnz, u32[nnz] indices, f32[nnz] values.</summary>
    private static void EncodeSparse(ArrayBufferWriter<byte> writer, IReadOnlyDictionary<string, SparseVector>? sparse)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(writer.GetSpan(4), (uint)(sparse?.Count ?? 0));
        writer.Advance(4);
        foreach (var (name, vector) in sparse ?? new Dictionary<string, SparseVector>())
        {
            WriteSparseEntry(writer, name, vector);
        }
    }

    private static void WriteSparseEntry(ArrayBufferWriter<byte> writer, string name, SparseVector vector)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var span = writer.GetSpan(8 + nameBytes.Length + (vector.Count * 8));
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)nameBytes.Length);
        nameBytes.CopyTo(span[4..]);
        var pos = 4 + nameBytes.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(span[pos..], (uint)vector.Count);
        pos += 4;
        foreach (var index in vector.Indices)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[pos..], index);
            pos += 4;
        }

        foreach (var value in vector.Values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(span[pos..], value);
            pos += 4;
        }

        writer.Advance(pos);
    }

    /// <summary>Reads one sparse entry written by <see cref="WriteSparseEntry"/>; advances <paramref name="pos"/>.</summary>
    private static (string Name, SparseVector Vector) ReadSparseEntry(ReadOnlySpan<byte> body, ref int pos)
    {
        var nameLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]);
        if (nameLength > MaxSparseNameBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(body));
        }

        var name = Encoding.UTF8.GetString(body.Slice(pos + 4, nameLength));
        pos += 4 + nameLength;
        var nnz = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]);
        if (nnz > SparseVector.MaxNonZeros)
        {
            throw new ArgumentOutOfRangeException(nameof(body));
        }

        pos += 4;
        var indices = new uint[nnz];
        var values = new float[nnz];
        for (var i = 0; i < nnz; i++)
        {
            indices[i] = BinaryPrimitives.ReadUInt32LittleEndian(body[(pos + (i * 4))..]);
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(body[(pos + ((nnz + i) * 4))..]);
        }

        pos += nnz * 8;
        return (name, SparseVector.Create(indices, values));
    }

    /// <summary>Reads the sparse section of one point in an UpsertSparse record.</summary>
    private static Dictionary<string, SparseVector>? DecodeSparse(ReadOnlySpan<byte> body, ref int pos)
    {
        var names = BinaryPrimitives.ReadUInt32LittleEndian(body[pos..]);
        pos += 4;
        if (names == 0)
        {
            return null;
        }

        var result = new Dictionary<string, SparseVector>(StringComparer.Ordinal);
        for (var i = 0u; i < names; i++)
        {
            var (name, vector) = ReadSparseEntry(body, ref pos);
            result[name] = vector;
        }

        return result;
    }

    private string SparseImagePath(ulong lsn) => Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"sparse-{lsn:x16}.snap"));

    /// <summary>
    /// Writes every row's sparse vectors for the checkpoint about to be written (next LSN
    /// <paramref name="lsn"/>); false when no row has one. Layout: u32 magic, u16 version, u16 0,
    /// u32 entries N, then N × (i32 row, sparse entry), u32 CRC-32C of everything before.
    /// </summary>
    private bool WriteSparseImageLocked(ulong lsn)
    {
        var entries = 0;
        var body = new ArrayBufferWriter<byte>();
        foreach (var (name, column) in _sparse)
        {
            for (var row = 0; row < column.Rows.Length; row++)
            {
                if (column.Rows[row] is { } vector)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(body.GetSpan(4), row);
                    body.Advance(4);
                    WriteSparseEntry(body, name, vector);
                    entries++;
                }
            }
        }

        if (entries == 0)
        {
            return false;
        }

        FileSync.WriteAtomic(SparseImagePath(lsn), stream =>
        {
            Span<byte> head = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32LittleEndian(head, SparseImageMagic);
            BinaryPrimitives.WriteUInt16LittleEndian(head[4..], SparseImageVersion);
            BinaryPrimitives.WriteUInt16LittleEndian(head[6..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)entries);
            var crc = Crc32C.Append(Crc32C.Compute(head), body.WrittenSpan);
            stream.Write(head);
            stream.Write(body.WrittenSpan);
            Span<byte> tail = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(tail, crc);
            stream.Write(tail);
        });
        return true;
    }

    /// <summary>Loads the sparse vectors of the checkpoint just read (before the WAL replay).</summary>
    private void LoadSparseLocked(PointSnapshot snapshot)
    {
        _sparse = new Dictionary<string, SparseColumn>(StringComparer.Ordinal);
        RemoveStaleImages("sparse-*.snap", Path.GetFileName(SparseImagePath(snapshot.NextLsn)), snapshot.HasSparse);
        if (!snapshot.HasSparse)
        {
            return;
        }

        var path = SparseImagePath(snapshot.NextLsn);
        if (!File.Exists(path))
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{PointSnapshot.PathIn(_directory)}' records sparse vectors in '{path}', which is missing.");
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 16
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != SparseImageMagic
            || BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)) != SparseImageVersion
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)) != Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)))
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' is damaged (header or checksum).");
        }

        var entries = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        var body = bytes.AsSpan(12, bytes.Length - 16);
        var pos = 0;
        try
        {
            for (var i = 0u; i < entries; i++)
            {
                var row = BinaryPrimitives.ReadInt32LittleEndian(body[pos..]);
                pos += 4;
                var (name, vector) = ReadSparseEntry(body, ref pos);
                if (row < 0 || row >= _rowHighWater || !_liveByRow[row])
                {
                    ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' names row {row}, which holds no point.");
                }

                IndexSparseLocked(row, new Dictionary<string, SparseVector> { [name] = vector });
            }
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or ArgumentException or VelesDbException { Code: not VelesDbErrorCode.IndexCorrupted })
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' does not decode: {ex.Message}");
        }

        if (pos != body.Length)
        {
            ThrowHelper.Throw(VelesDbErrorCode.IndexCorrupted, $"'{path}' has {body.Length - pos} bytes after its last entry.");
        }
    }

    /// <summary>Deletes checkpoint images matching <paramref name="pattern"/> other than <paramref name="current"/> (kept only when <paramref name="keep"/>).</summary>
    private void RemoveStaleImages(string pattern, string current, bool keep)
    {
        foreach (var path in Directory.EnumerateFiles(_directory, pattern))
        {
            if (!keep || Path.GetFileName(path) != current)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>One sparse-vector name: the vector of each row and the inverted index over them.</summary>
    private sealed class SparseColumn
    {
        public SparseVector?[] Rows { get; private set; } = new SparseVector?[16];

        public SparseInvertedIndex Index { get; } = new();

        public void Set(int row, SparseVector vector)
        {
            if (row >= Rows.Length)
            {
                var rows = Rows;
                Array.Resize(ref rows, Math.Max(row + 1, rows.Length * 2));
                Rows = rows;
            }

            Rows[row] = vector;
            Index.Add(row, vector);
        }

        public void Clear(int row)
        {
            if (row < Rows.Length && Rows[row] is not null)
            {
                Rows[row] = null;
                Index.Remove(row);
            }
        }
    }
}
