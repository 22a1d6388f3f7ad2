namespace VelesDb.Contracts;

/// <summary>
/// The answer of <c>POST /collections/{name}/points/stream</c> (REST spec §2.3 #23), always given
/// once the collection exists, however many lines failed.
/// </summary>
/// <param name="Message">Always <c>Stream processed</c>.</param>
/// <param name="Inserted">Points written.</param>
/// <param name="Malformed">Non-blank lines that are not a point (bad JSON, wrong types, sparse vectors).</param>
/// <param name="FailedUpserts">Well-formed points the collection refused (wrong dimension, NaN, payload too large, …).</param>
/// <param name="NetworkErrors">Body read failures (the client went away); reading stops at the first.</param>
public sealed record StreamProcessedResponse(string Message, long Inserted, long Malformed, long FailedUpserts, long NetworkErrors);

/// <summary>The body of <c>POST /collections/{name}/stream/enable</c> (REST spec §2.3 #24); <c>{}</c> takes every default.</summary>
/// <param name="BufferSize">Points the buffer holds before inserts are refused with 429 (default 10 000).</param>
/// <param name="BatchSize">Points written per batch (default 128).</param>
/// <param name="FlushIntervalMs">Longest wait, in milliseconds, before a partial batch is written (default 50).</param>
public sealed record StreamEnableRequest(int? BufferSize = null, int? BatchSize = null, long? FlushIntervalMs = null);

/// <summary>The answer of <c>POST /collections/{name}/stream/enable</c>.</summary>
/// <param name="Message">Always <c>Streaming enabled</c>.</param>
/// <param name="Collection">The collection name.</param>
public sealed record StreamEnabledResponse(string Message, string Collection);

/// <summary>The body of <c>PATCH /collections/{name}/points/{id}/ttl</c> (REST spec §2.3 #33).</summary>
/// <param name="TtlSeconds">Seconds from now until the point expires (0: expires at once).</param>
public sealed record TtlRequest(ulong? TtlSeconds);
