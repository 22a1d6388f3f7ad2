using System.Text;

namespace VelesDb.Core.Index.Text;

/// <summary>
/// The BM25 snapshot (<c>bm25.snapshot</c>). Little-endian throughout:
/// <code>
///   0  u32 magic "VB25" (0x35324256)
///   4  u16 format version (1)
///   6  u16 flags (0)
///   8  u32 D = live documents
///   12 u32 T = terms
///   16 u64 P = postings (sum of the per-term counts)
///   24 D × { i32 row, i32 token count }            rows strictly ascending, ≥ 0
///      T × { u32 L, L bytes UTF-8 term, u32 n ≥ 1,
///            n × { i32 row, u32 tf ≥ 1 } }          rows strictly ascending, each a listed document
///   end u32 CRC-32C of every preceding byte
/// </code>
/// Counts are checked against the bytes left before anything is allocated for them; the CRC is
/// verified before the index is built; then every posting must name a listed document, terms must
/// be distinct, and each document's tf sum must equal its token count. Any failure is
/// <see cref="Errors.VelesDbErrorCode.IndexCorrupted"/>.
/// </summary>
internal sealed partial class Bm25Index
{
    /// <summary>The snapshot magic, "VB25".</summary>
    public const uint SnapshotMagic = 0x35324256;

    /// <summary>The snapshot format version written.</summary>
    public const ushort SnapshotVersion = 1;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Writes the index to <paramref name="stream"/> (left open).</summary>
    public void Save(Stream stream)
    {
        var writer = new SnapshotWriter(stream);
        long postings = 0;
        foreach (var list in _postings)
        {
            postings += list?.LiveCount ?? 0;
        }

        writer.WriteUInt32(SnapshotMagic);
        writer.WriteUInt16(SnapshotVersion);
        writer.WriteUInt16(0);
        writer.WriteUInt32((uint)_count);
        writer.WriteUInt32((uint)_termIds.Count);
        writer.WriteUInt64((ulong)postings);
        for (var row = 0; row < _rowTerms.Length; row++)
        {
            if (_rowTerms[row] is not null)
            {
                writer.WriteInt32(row);
                writer.WriteInt32(_rowLengths[row]);
            }
        }

        for (var id = 0; id < _terms.Count; id++)
        {
            var term = _terms[id];
            if (term is null)
            {
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(term);
            writer.WriteUInt32((uint)bytes.Length);
            writer.WriteBytes(bytes);
            var list = _postings[id]!;
            writer.WriteUInt32((uint)list.LiveCount);
            var rows = list.Rows;
            var tfs = list.Values;
            for (var i = 0; i < rows.Length; i++)
            {
                if (!float.IsNaN(tfs[i]))
                {
                    writer.WriteInt32(rows[i]);
                    writer.WriteUInt32((uint)tfs[i]);
                }
            }
        }

        writer.Finish();
    }

    /// <summary>Reads an index written by <see cref="Save"/> from the rest of <paramref name="stream"/>.</summary>
    public static Bm25Index Load(Stream stream)
    {
        var reader = SnapshotReader.Open(stream, "BM25");
        var (documents, termCount, declaredPostings) = reader.ReadHeader(SnapshotMagic, SnapshotVersion);

        reader.EnsureAvailable(documents, 8, "documents");
        var docRows = new int[documents];
        var docLengths = new int[documents];
        for (var i = 0; i < docRows.Length; i++)
        {
            docRows[i] = reader.ReadInt32();
            docLengths[i] = reader.ReadInt32();
            if (docRows[i] < 0 || docLengths[i] < 0 || (i > 0 && docRows[i] <= docRows[i - 1]))
            {
                reader.Fail($"document {i} has row {docRows[i]} and length {docLengths[i]}");
            }
        }

        // Each term takes at least its two counts and one posting: 16 bytes.
        reader.EnsureAvailable(termCount, 16, "terms");
        var terms = new string[termCount];
        var termRows = new int[termCount][];
        var termTfs = new float[termCount][];
        long postings = 0;
        for (var t = 0; t < terms.Length; t++)
        {
            var byteLength = reader.ReadUInt32();
            reader.EnsureAvailable(byteLength, 1, "term bytes");
            var bytes = new byte[byteLength];
            reader.ReadBytes(bytes);
            try
            {
                terms[t] = StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                reader.Fail($"term {t} is not valid UTF-8");
            }

            var n = reader.ReadUInt32();
            reader.EnsureAvailable(n, 8, "postings");
            if (n == 0)
            {
                reader.Fail($"term {t} has no postings");
            }

            var rows = termRows[t] = new int[n];
            var tfs = termTfs[t] = new float[n];
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = reader.ReadInt32();
                var tf = reader.ReadUInt32();
                tfs[i] = tf;
                if (tf == 0 || tf > int.MaxValue || (i > 0 && rows[i] <= rows[i - 1]))
                {
                    reader.Fail($"posting {i} of term {t} has row {rows[i]} and tf {tf}");
                }
            }

            postings += n;
        }

        reader.VerifyEnd();
        if ((ulong)postings != declaredPostings)
        {
            reader.Fail($"it declares {declaredPostings} postings but holds {postings}");
        }

        return Build(reader, docRows, docLengths, terms, termRows, termTfs);
    }

    private static Bm25Index Build(
        SnapshotReader reader, int[] docRows, int[] docLengths, string[] terms, int[][] termRows, float[][] termTfs)
    {
        var index = new Bm25Index();
        if (docRows.Length > 0)
        {
            index.EnsureRow(docRows[^1]);
        }

        var termsPerRow = new int[index._rowTerms.Length];
        var tfSum = new long[index._rowTerms.Length];
        var isDocument = new bool[index._rowTerms.Length];
        foreach (var row in docRows)
        {
            isDocument[row] = true;
        }

        for (var t = 0; t < terms.Length; t++)
        {
            if (!index._termIds.TryAdd(terms[t], t))
            {
                reader.Fail($"term '{terms[t]}' appears twice");
            }

            index._terms.Add(terms[t]);
            index._postings.Add(PostingList.FromSorted(termRows[t], termTfs[t]));
            for (var i = 0; i < termRows[t].Length; i++)
            {
                var row = termRows[t][i];
                if (row < 0 || row >= isDocument.Length || !isDocument[row])
                {
                    reader.Fail($"term '{terms[t]}' has a posting for row {row}, which holds no document");
                }

                termsPerRow[row]++;
                tfSum[row] += (long)termTfs[t][i];
            }
        }

        for (var i = 0; i < docRows.Length; i++)
        {
            var row = docRows[i];
            if (tfSum[row] != docLengths[i])
            {
                reader.Fail($"row {row} has {docLengths[i]} tokens but its term frequencies sum to {tfSum[row]}");
            }

            index._rowTerms[row] = new int[termsPerRow[row]];
            index._rowLengths[row] = docLengths[i];
            index._totalLength += docLengths[i];
        }

        index._count = docRows.Length;
        Array.Clear(termsPerRow);
        for (var t = 0; t < terms.Length; t++)
        {
            foreach (var row in termRows[t])
            {
                index._rowTerms[row]![termsPerRow[row]++] = t;
            }
        }

        return index;
    }
}
