using System.Text.Json;

namespace VelesDb.Core.Collections;

/// <summary>
/// A stored item: a caller-chosen id, a vector (empty in metadata collections) and an optional
/// JSON payload.
/// </summary>
/// <param name="Id">Unsigned 64-bit id; an upsert with an existing id replaces the point.</param>
/// <param name="Vector">The dense vector; its length must equal the collection dimension.</param>
/// <param name="Payload">Optional JSON (usually an object); null or a JSON null means none.</param>
public sealed record Point(ulong Id, ReadOnlyMemory<float> Vector, JsonElement? Payload = null)
{
    /// <summary>
    /// Named sparse vectors (engine spec §1.3; the default name is ""), each searchable with
    /// <c>Collection.SparseSearch</c>. An upsert replaces the point's whole set.
    /// </summary>
    public IReadOnlyDictionary<string, Index.Sparse.SparseVector>? Sparse { get; init; }

    /// <summary>A point whose payload is given as JSON text.</summary>
    public static Point WithJson(ulong id, ReadOnlyMemory<float> vector, string payloadJson) =>
        new(id, vector, JsonElement.Parse(payloadJson));

    /// <summary>A point whose payload is given as JSON text (array overload, so collection expressions work).</summary>
    public static Point WithJson(ulong id, float[] vector, string payloadJson) =>
        new(id, vector, JsonElement.Parse(payloadJson));

    /// <summary>A metadata-only point.</summary>
    public static Point Metadata(ulong id, JsonElement payload) => new(id, ReadOnlyMemory<float>.Empty, payload);
}

/// <summary>One search hit.</summary>
/// <param name="Id">The point id.</param>
/// <param name="Score">The score in the metric's convention (similarity for cosine, dot and jaccard; distance for euclidean and hamming).</param>
/// <param name="Payload">The payload when requested and present.</param>
public readonly record struct SearchResult(ulong Id, float Score, JsonElement? Payload);

/// <summary>A page of a scroll.</summary>
/// <param name="Points">Points in ascending id order.</param>
/// <param name="NextCursor">Pass back to continue; null when no point is left.</param>
public sealed record ScrollPage(IReadOnlyList<Point> Points, ulong? NextCursor);

/// <summary>Summary of a collection for listings.</summary>
public sealed record CollectionInfo(string Name, CollectionKind Kind, int Dimension, string Metric, StorageMode StorageMode, long PointCount);

/// <summary>What recovery found and did when a collection was opened.</summary>
public sealed class RecoveryReport
{
    /// <summary>WAL records replayed on top of the last checkpoint.</summary>
    public int WalRecordsReplayed { get; internal set; }

    /// <summary>Bytes of torn WAL tail cut off (writes that were never acknowledged).</summary>
    public long TornTailBytes { get; internal set; }

    /// <summary>Points dropped by repair because their stored data failed validation.</summary>
    public IReadOnlyList<ulong> DroppedPointIds => DroppedIds;

    /// <summary>One line per finding.</summary>
    public IReadOnlyList<string> Notes => NotesList;

    /// <summary>True when nothing had to be cut or repaired.</summary>
    public bool IsClean => TornTailBytes == 0 && DroppedIds.Count == 0 && NotesList.Count == 0;

    internal List<ulong> DroppedIds { get; } = [];

    internal List<string> NotesList { get; } = [];
}
