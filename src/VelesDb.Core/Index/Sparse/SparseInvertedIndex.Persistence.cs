namespace VelesDb.Core.Index.Sparse;

/// <summary>
/// The sparse index snapshot (one per sparse-vector name). Little-endian throughout:
/// <code>
///   0  u32 magic "VSPX" (0x58505356)
///   4  u16 format version (1)
///   6  u16 flags (0)
///   8  u32 D = rows holding a vector
///   12 u32 T = dimensions (terms)
///   16 u64 P = postings (sum of the per-term counts)
///   24 D × { i32 row, u32 nnz }                      rows strictly ascending, ≥ 0; nnz ≤ 65,536
///      T × { u32 dimension, u32 n ≥ 1,
///            n × { i32 row, f32 weight } }           dimensions strictly ascending; rows strictly
///                                                    ascending, each a listed row; weights finite, ≠ 0
///   end u32 CRC-32C of every preceding byte
/// </code>
/// Counts are checked against the bytes left before anything is allocated for them; the CRC is
/// verified before the index is built; then every posting must name a listed row and each row's
/// posting count must equal its nnz. Any failure is <see cref="Errors.VelesDbErrorCode.IndexCorrupted"/>.
/// </summary>
internal sealed partial class SparseInvertedIndex
{
    /// <summary>The snapshot magic, "VSPX".</summary>
    public const uint SnapshotMagic = 0x58505356;

    /// <summary>The snapshot format version written.</summary>
    public const ushort SnapshotVersion = 1;

    /// <summary>Writes the index to <paramref name="stream"/> (left open).</summary>
    public void Save(Stream stream)
    {
        var writer = new SnapshotWriter(stream);
        var dimensions = new uint[_postings.Count];
        _postings.Keys.CopyTo(dimensions, 0);
        Array.Sort(dimensions);
        long postings = 0;
        foreach (var list in _postings.Values)
        {
            postings += list.LiveCount;
        }

        writer.WriteUInt32(SnapshotMagic);
        writer.WriteUInt16(SnapshotVersion);
        writer.WriteUInt16(0);
        writer.WriteUInt32((uint)_count);
        writer.WriteUInt32((uint)dimensions.Length);
        writer.WriteUInt64((ulong)postings);
        for (var row = 0; row < _rowIndices.Length; row++)
        {
            if (_rowIndices[row] is { } indices)
            {
                writer.WriteInt32(row);
                writer.WriteUInt32((uint)indices.Length);
            }
        }

        foreach (var dimension in dimensions)
        {
            var list = _postings[dimension];
            writer.WriteUInt32(dimension);
            writer.WriteUInt32((uint)list.LiveCount);
            var rows = list.Rows;
            var values = list.Values;
            for (var i = 0; i < rows.Length; i++)
            {
                if (!float.IsNaN(values[i]))
                {
                    writer.WriteInt32(rows[i]);
                    writer.WriteSingle(values[i]);
                }
            }
        }

        writer.Finish();
    }

    /// <summary>Reads an index written by <see cref="Save"/> from the rest of <paramref name="stream"/>.</summary>
    public static SparseInvertedIndex Load(Stream stream)
    {
        var reader = SnapshotReader.Open(stream, "sparse index");
        var (documents, termCount, declaredPostings) = reader.ReadHeader(SnapshotMagic, SnapshotVersion);

        reader.EnsureAvailable(documents, 8, "rows");
        var docRows = new int[documents];
        var docCounts = new int[documents];
        for (var i = 0; i < docRows.Length; i++)
        {
            docRows[i] = reader.ReadInt32();
            var nnz = reader.ReadUInt32();
            docCounts[i] = (int)Math.Min(nnz, int.MaxValue);
            if (docRows[i] < 0 || nnz > SparseVector.MaxNonZeros || (i > 0 && docRows[i] <= docRows[i - 1]))
            {
                reader.Fail($"row entry {i} has row {docRows[i]} and {nnz} non-zeros");
            }
        }

        // Each term takes its two counts and at least one posting: 16 bytes.
        reader.EnsureAvailable(termCount, 16, "dimensions");
        var dimensions = new uint[termCount];
        var termRows = new int[termCount][];
        var termValues = new float[termCount][];
        long postings = 0;
        for (var t = 0; t < dimensions.Length; t++)
        {
            dimensions[t] = reader.ReadUInt32();
            var n = reader.ReadUInt32();
            if (n == 0 || (t > 0 && dimensions[t] <= dimensions[t - 1]))
            {
                reader.Fail($"dimension entry {t} ({dimensions[t]}) is out of order or has no postings");
            }

            reader.EnsureAvailable(n, 8, "postings");
            var rows = termRows[t] = new int[n];
            var values = termValues[t] = new float[n];
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = reader.ReadInt32();
                values[i] = reader.ReadSingle();
                if (!float.IsFinite(values[i]) || values[i] == 0 || (i > 0 && rows[i] <= rows[i - 1]))
                {
                    reader.Fail($"posting {i} of dimension {dimensions[t]} has row {rows[i]} and weight {values[i]}");
                }
            }

            postings += n;
        }

        reader.VerifyEnd();
        if ((ulong)postings != declaredPostings)
        {
            reader.Fail($"it declares {declaredPostings} postings but holds {postings}");
        }

        return Build(reader, docRows, docCounts, dimensions, termRows, termValues);
    }

    private static SparseInvertedIndex Build(
        SnapshotReader reader, int[] docRows, int[] docCounts, uint[] dimensions, int[][] termRows, float[][] termValues)
    {
        var index = new SparseInvertedIndex();
        if (docRows.Length > 0)
        {
            index.EnsureRow(docRows[^1]);
        }

        var expected = new int[index._rowIndices.Length];
        var filled = new int[index._rowIndices.Length];
        Array.Fill(expected, -1);
        for (var i = 0; i < docRows.Length; i++)
        {
            expected[docRows[i]] = docCounts[i];
            index._rowIndices[docRows[i]] = new uint[docCounts[i]];
        }

        for (var t = 0; t < dimensions.Length; t++)
        {
            foreach (var row in termRows[t])
            {
                if (row < 0 || row >= expected.Length || filled[row] >= expected[row])
                {
                    reader.Fail($"dimension {dimensions[t]} has a posting for row {row}, which is not listed or has too many");
                }

                index._rowIndices[row]![filled[row]++] = dimensions[t];
            }

            index._postings.Add(dimensions[t], PostingList.FromSorted(termRows[t], termValues[t]));
        }

        foreach (var row in docRows)
        {
            if (filled[row] != expected[row])
            {
                reader.Fail($"row {row} lists {expected[row]} non-zeros but has {filled[row]} postings");
            }
        }

        index._count = docRows.Length;
        return index;
    }
}
