using System.Globalization;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Filtering;

// Quickstart: an embedded database in ./velesdb_data (or the directory given as the first
// argument). Creates a collection, upserts documents with payloads, runs a plain and a filtered
// search, and prints the results. Safe to run repeatedly: upserts replace by id.
var directory = args.Length > 0 ? args[0] : Path.Combine(Environment.CurrentDirectory, "velesdb_data");
using var db = VelesDatabase.Open(directory);
var docs = db.TryGetCollection("docs", out var existing)
    ? existing
    : db.CreateCollection("docs", dimension: 4, DistanceMetric.Cosine);

docs.Upsert([
    Point.WithJson(1, [0.9f, 0.1f, 0.0f, 0.0f], """{"title":"Intro to vector search","lang":"en","year":2024}"""),
    Point.WithJson(2, [0.8f, 0.2f, 0.1f, 0.0f], """{"title":"HNSW explained","lang":"en","year":2025}"""),
    Point.WithJson(3, [0.0f, 0.1f, 0.9f, 0.2f], """{"title":"Graphes de connaissances","lang":"fr","year":2023}"""),
    Point.WithJson(4, [0.1f, 0.0f, 0.8f, 0.5f], """{"title":"Knowledge graphs for RAG","lang":"en","year":2026}"""),
]);

float[] query = [1.0f, 0.15f, 0.05f, 0.0f];
Console.WriteLine($"Database: {db.Directory}");
Console.WriteLine($"Collection '{docs.Name}': {docs.Count} points, {docs.Dimension}-d, {docs.Metric.ToCanonicalName()}");
Console.WriteLine("Top 3:");
foreach (var hit in docs.Search(query, k: 3))
{
    Console.WriteLine($"  id={hit.Id} score={hit.Score.ToString("F4", CultureInfo.InvariantCulture)} title={hit.Payload?.GetProperty("title").GetString()}");
}

var english2025 = Filter.Parse("""{"condition":{"type":"and","conditions":[{"type":"eq","field":"lang","value":"en"},{"type":"gte","field":"year","value":2025}]}}""");
Console.WriteLine("Top 3 where lang = 'en' and year >= 2025:");
foreach (var hit in docs.Search(query, k: 3, english2025))
{
    Console.WriteLine($"  id={hit.Id} score={hit.Score.ToString("F4", CultureInfo.InvariantCulture)} title={hit.Payload?.GetProperty("title").GetString()}");
}
