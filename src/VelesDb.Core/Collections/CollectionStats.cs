using System.Text.Json;

namespace VelesDb.Core.Collections;

/// <summary>
/// What <see cref="Collection.Analyze()"/> found in one scan of a collection (VelesQL
/// <c>ANALYZE</c> and the REST <c>analyze</c>/<c>stats</c> routes report it).
/// </summary>
/// <param name="Collection">The collection name.</param>
/// <param name="TotalPoints">Live points plus index tombstones.</param>
/// <param name="RowCount">Live points.</param>
/// <param name="DeletedCount">Index tombstones: deleted or replaced points a rebuild has not dropped yet.</param>
/// <param name="PayloadBytes">UTF-8 bytes of every payload's JSON text.</param>
/// <param name="AvgPayloadBytes">PayloadBytes / RowCount (0 without rows).</param>
/// <param name="AvgVectorBytes">Bytes of one stored float32 vector (0 without vectors).</param>
/// <param name="EdgeCount">Edges of the collection.</param>
/// <param name="TotalSizeBytes">Bytes of the collection's files on disk.</param>
/// <param name="AnalyzedAt">When the scan finished.</param>
/// <param name="Fields">Per top-level payload field, by name (ordinal).</param>
/// <param name="Indexes">The vector index, the secondary field indexes and the graph property indexes.</param>
public sealed record CollectionStats(
    string Collection,
    long TotalPoints,
    long RowCount,
    long DeletedCount,
    long PayloadBytes,
    double AvgPayloadBytes,
    int AvgVectorBytes,
    long EdgeCount,
    long TotalSizeBytes,
    DateTimeOffset AnalyzedAt,
    IReadOnlyList<FieldStatistics> Fields,
    IReadOnlyList<IndexStatistics> Indexes);

/// <summary>Statistics of one top-level payload field (see <see cref="Collection.Analyze()"/>).</summary>
/// <param name="Name">The field name.</param>
/// <param name="Types">JSON types seen (<c>null</c>, <c>boolean</c>, <c>integer</c>, <c>float</c>, <c>string</c>, <c>array</c>, <c>object</c>), sorted.</param>
/// <param name="NonNullCount">Points with a non-null value.</param>
/// <param name="NullCount">Points whose value is JSON null.</param>
/// <param name="DistinctCount">Distinct non-null values: exact up to 100 000, a HyperLogLog estimate beyond.</param>
/// <param name="DistinctExact">Whether <paramref name="DistinctCount"/> is exact.</param>
/// <param name="Min">The smallest number, or without numbers the smallest string (ordinal); null when neither.</param>
/// <param name="Max">The largest number or string, as <paramref name="Min"/>.</param>
/// <param name="AvgSizeBytes">Average UTF-8 bytes of a non-null value's JSON text.</param>
/// <param name="Histogram">The equi-depth histogram of the numeric values; null without numbers.</param>
public sealed record FieldStatistics(
    string Name,
    IReadOnlyList<string> Types,
    long NonNullCount,
    long NullCount,
    long DistinctCount,
    bool DistinctExact,
    JsonElement? Min,
    JsonElement? Max,
    double AvgSizeBytes,
    FieldHistogram? Histogram);

/// <summary>An equi-depth histogram: bucket i holds the values of rank [i·N/B, (i+1)·N/B).</summary>
/// <param name="UpperBounds">The largest value of each bucket.</param>
/// <param name="Counts">Values per bucket (exact).</param>
/// <param name="Sampled">Whether the bounds come from a reservoir sample (more than 100 000 numbers).</param>
public sealed record FieldHistogram(IReadOnlyList<JsonElement> UpperBounds, IReadOnlyList<long> Counts, bool Sampled)
{
    /// <summary>The number of buckets (at most 64).</summary>
    public int Buckets => Counts.Count;
}

/// <summary>Statistics of one index of a collection.</summary>
/// <param name="Name"><c>hnsw</c> for the vector index, the field for a secondary index, <c>Label.property</c> for a graph index.</param>
/// <param name="IndexType"><c>hnsw</c>, <c>secondary</c>, <c>hash</c> or <c>range</c>.</param>
/// <param name="EntryCount">Live entries (HNSW: live nodes; others: indexed points).</param>
/// <param name="Depth">Levels of the structure: HNSW layers; 1 for the flat secondary and graph indexes.</param>
/// <param name="SizeBytes">An estimate of the memory the index holds.</param>
public sealed record IndexStatistics(string Name, string IndexType, long EntryCount, int Depth, long SizeBytes);
