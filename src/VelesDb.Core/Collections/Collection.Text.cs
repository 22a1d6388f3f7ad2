using System.Buffers.Binary;
using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using VelesDb.Core.Fusion;
using VelesDb.Core.Index.Text;
using VelesDb.Core.Search;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

/// <summary>One result of a hybrid dense + text search.</summary>
/// <param name="Id">The point id.</param>
/// <param name="Score">The fused score: <c>VectorScore + TextScore</c>, higher is better.</param>
/// <param name="VectorScore">The vector branch's term <c>w / (k + rank)</c> (0 when the point was not among its candidates).</param>
/// <param name="Bm25Score">The text branch's term <c>(1 − w) / (k + rank)</c> (0 when the point was not among its candidates).</param>
/// <param name="Payload">The payload when requested and present.</param>
public readonly record struct HybridSearchResult(ulong Id, float Score, float VectorScore, float Bm25Score, JsonElement? Payload);

public sealed partial class Collection
{
    private const string TextSnapshotFile = "bm25.snapshot";

    private Bm25Index _text = new();
    private bool _textDirty;
    private ulong _textSnapshotLsn;

    /// <summary>
    /// Full-text search with BM25 (k1 = 1.2, b = 0.75) over the text of every point: all string
    /// values of its payload, concatenated. The query is tokenised like the documents (lowercase,
    /// split on non-alphanumerics, tokens of one character dropped); each distinct query term
    /// adds its BM25 term score. Results are ordered by score, descending, ties by ascending id;
    /// only points sharing a term with the query are returned.
    /// </summary>
    /// <param name="text">The query text.</param>
    /// <param name="k">Results to return.</param>
    /// <param name="filter">Only points whose payload matches are returned.</param>
    /// <param name="withPayload">Whether results carry payloads.</param>
    /// <param name="cancellation">Checked before and after scoring: a cancelled search throws <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="VelesDbException">VELES-009 when k is outside 1..100,000.</exception>
    public IReadOnlyList<SearchResult> TextSearch(string text, int k, Filter? filter = null, bool withPayload = true, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckTopK(k);
        cancellation.ThrowIfCancellationRequested();
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            var hits = TextHitsLocked(text, k, CreateRowFilterLocked(filter));
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
    /// Hybrid dense + text search fused with weighted reciprocal rank fusion (0-based ranks):
    /// <c>score = w / (k + rank_vector) + (1 − w) / (k + rank_text)</c>, a branch that did not find a
    /// point contributing 0. Each branch fetches max(2·topK, topK + 10) candidates (the vector branch
    /// with <paramref name="options"/>' quality and filter). Results carry both terms.
    /// </summary>
    /// <param name="vector">The query vector.</param>
    /// <param name="text">The query text.</param>
    /// <param name="topK">Results to return.</param>
    /// <param name="vectorWeight">w, clamped to [0, 1] (default 0.5).</param>
    /// <param name="rrfK">The RRF constant k (default 60, at least 1).</param>
    /// <param name="options">Quality, filter and payload options; the filter applies to both branches.</param>
    /// <exception cref="VelesDbException">As the vector <c>Search</c>; VELES-009 when rrfK &lt; 1 or vectorWeight is NaN.</exception>
    public IReadOnlyList<HybridSearchResult> HybridSearch(ReadOnlySpan<float> vector, string text, int topK, float vectorWeight = HybridFusion.DefaultVectorWeight, int rrfK = FusionStrategy.DefaultK, SearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= SearchOptions.Default;
        CheckTopK(topK);
        var fetch = (int)Math.Min(Math.Max(2L * topK, topK + 10L), MaxTopK);
        var dense = Search(vector, fetch, options with { WithPayload = false });
        var sparse = TextSearch(text, fetch, options.Filter, withPayload: false, options.Cancellation);
        var fused = HybridFusion.WeightedRrf(
            [.. dense.Select(h => new ScoredId(h.Id, h.Score))],
            [.. sparse.Select(h => new ScoredId(h.Id, h.Score))],
            vectorWeight,
            rrfK,
            topK);
        return [.. fused.Select(h => new HybridSearchResult(h.Id, h.Score, h.VectorScore, h.TextScore, options.WithPayload ? Get(h.Id)?.Payload : null))];
    }

    private static void CheckTopK(int k)
    {
        if (k is <= 0 or > MaxTopK)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"top_k must be between 1 and {MaxTopK}, got {k}.");
        }
    }

    private (int Row, float Score)[] TextHitsLocked(string text, int k, RowFilter filter) =>
        _text.Search(text, k, filter.IsEmpty ? null : filter.Accepts);

    private JsonElement? PayloadOf(int row) =>
        _payloadByRow[row].ValueKind != JsonValueKind.Undefined ? _payloadByRow[row] : null;

    /// <summary>Indexes a row's payload text (apply path).</summary>
    private void IndexTextLocked(int row, JsonElement payload)
    {
        _text.Add(row, PayloadText.Extract(payload));
        _textDirty = true;
    }

    /// <summary>Drops a row from the text index (apply path).</summary>
    private void UnindexTextLocked(int row)
    {
        _textDirty |= _text.Remove(row);
    }

    private string TextSnapshotPath => Path.Combine(_directory, TextSnapshotFile);

    /// <summary>
    /// The text index for the checkpoint just loaded: the snapshot when it was saved at that very
    /// checkpoint (its LSN stamp equals <paramref name="checkpointLsn"/>) and is sound, otherwise
    /// rebuilt from the payloads. The WAL replay that follows keeps it up to date.
    /// </summary>
    private void LoadOrBuildTextLocked(ulong checkpointLsn, RecoveryReport report)
    {
        var path = TextSnapshotPath;
        if (File.Exists(path))
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                Span<byte> stamp = stackalloc byte[sizeof(ulong)];
                // Points dropped by repair are in the snapshot but not in the collection.
                if (stream.Read(stamp) == stamp.Length && BinaryPrimitives.ReadUInt64LittleEndian(stamp) == checkpointLsn && report.DroppedIds.Count == 0)
                {
                    _text = Bm25Index.Load(stream);
                    _textDirty = false;
                    _textSnapshotLsn = checkpointLsn;
                    return;
                }
            }
            catch (VelesDbException ex)
            {
                report.NotesList.Add($"'{path}' is damaged ({ex.Message}); the text index was rebuilt from the payloads.");
            }
        }

        var text = new Bm25Index();
        foreach (var (row, payload) in LiveRowsWithPayloadLocked())
        {
            text.Add(row, PayloadText.Extract(payload));
        }

        _text = text;
        _textDirty = true;
    }

    /// <summary>
    /// Saves the text index stamped with the LSN of the checkpoint just written, unless the file
    /// already holds this state; part of a full checkpoint.
    /// </summary>
    private void SaveTextLocked()
    {
        var lsn = _wal.NextLsn;
        if (!_textDirty && _textSnapshotLsn == lsn)
        {
            return;
        }

        FileSync.WriteAtomic(TextSnapshotPath, stream =>
        {
            Span<byte> stamp = stackalloc byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(stamp, lsn);
            stream.Write(stamp);
            _text.Save(stream);
        });
        _textDirty = false;
        _textSnapshotLsn = lsn;
    }

    /// <summary>Differences between the text index and one built afresh from the live payloads (empty when equal).</summary>
    private List<string> CheckTextIndexLocked()
    {
        var problems = new List<string>();
        var fresh = new Bm25Index();
        var tokens = new List<string>();
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (row, payload) in LiveRowsWithPayloadLocked())
        {
            var text = PayloadText.Extract(payload);
            fresh.Add(row, text);
            tokens.Clear();
            Bm25Tokenizer.Tokenize(text, tokens);
            terms.UnionWith(tokens);
            if (!_text.Contains(row))
            {
                problems.Add($"text index lacks row {row} (id {_idByRow[row]})");
            }
        }

        if (fresh.Count != _text.Count || fresh.TermCount != _text.TermCount || Math.Abs(fresh.AverageLength - _text.AverageLength) > 1e-9)
        {
            problems.Add($"text index holds {_text.Count} documents, {_text.TermCount} terms, avgdl {_text.AverageLength}; the payloads give {fresh.Count}, {fresh.TermCount}, {fresh.AverageLength}");
        }

        foreach (var term in terms)
        {
            if (fresh.DocumentFrequency(term) != _text.DocumentFrequency(term))
            {
                problems.Add($"text index: df('{term}') = {_text.DocumentFrequency(term)}, the payloads give {fresh.DocumentFrequency(term)}");
                break;
            }
        }

        return problems;
    }
}
