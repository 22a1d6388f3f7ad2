namespace VelesDb.Core.Errors;

/// <summary>
/// Stable error codes, rendered as <c>VELES-0NN</c>. The numeric values are part of the wire
/// contract (REST bodies, SDKs): they are never renumbered, only appended to.
/// </summary>
public enum VelesDbErrorCode
{
    /// <summary>A collection with that name already exists.</summary>
    CollectionExists = 1,
    /// <summary>No collection has that name.</summary>
    CollectionNotFound = 2,
    /// <summary>No point has that id.</summary>
    PointNotFound = 3,
    /// <summary>A vector's length differs from the collection dimension.</summary>
    DimensionMismatch = 4,
    /// <summary>A vector holds NaN or infinite components, or is otherwise unusable.</summary>
    InvalidVector = 5,
    /// <summary>A storage-level failure (including detected on-disk damage).</summary>
    Storage = 6,
    /// <summary>An index-level failure.</summary>
    Index = 7,
    /// <summary>An index or data file failed validation.</summary>
    IndexCorrupted = 8,
    /// <summary>Invalid configuration or input outside the accepted limits.</summary>
    Config = 9,
    /// <summary>An invalid query or filter.</summary>
    Query = 10,
    /// <summary>An operating-system I/O failure.</summary>
    Io = 11,
    /// <summary>Data could not be serialized or deserialized.</summary>
    Serialization = 12,
    /// <summary>An internal invariant was broken.</summary>
    Internal = 13,
    /// <summary>A vector was given to a metadata-only collection.</summary>
    VectorNotAllowed = 14,
    /// <summary>The collection kind does not support vector search.</summary>
    SearchNotSupported = 15,
    /// <summary>A vector collection requires a vector for every point.</summary>
    VectorRequired = 16,
    /// <summary>Graph schema validation failed.</summary>
    SchemaValidation = 17,
    /// <summary>The collection does not support graph operations.</summary>
    GraphNotSupported = 18,
    /// <summary>An edge with that id already exists.</summary>
    EdgeExists = 19,
    /// <summary>No edge has that id.</summary>
    EdgeNotFound = 20,
    /// <summary>An edge label is empty.</summary>
    InvalidEdgeLabel = 21,
    /// <summary>An edge endpoint does not exist.</summary>
    NodeNotFound = 22,
    /// <summary>A numeric overflow.</summary>
    Overflow = 23,
    /// <summary>A column-store failure.</summary>
    ColumnStoreError = 24,
    /// <summary>A GPU backend failure.</summary>
    GpuError = 25,
    /// <summary>A stale epoch was observed.</summary>
    EpochMismatch = 26,
    /// <summary>A guard rail (limit, timeout, rate) was hit.</summary>
    GuardRail = 27,
    /// <summary>An invalid quantizer configuration.</summary>
    InvalidQuantizerConfig = 28,
    /// <summary>Quantizer training failed.</summary>
    TrainingFailed = 29,
    /// <summary>A sparse index failure.</summary>
    SparseIndexError = 30,
    /// <summary>Another process holds the database directory.</summary>
    DatabaseLocked = 31,
    /// <summary>A dimension outside 1..65,536.</summary>
    InvalidDimension = 32,
    /// <summary>A memory allocation failed.</summary>
    AllocationFailed = 33,
    /// <summary>A collection name breaks the naming rules.</summary>
    InvalidCollectionName = 34,
    /// <summary>A snapshot could not be built.</summary>
    SnapshotBuildFailed = 35,
    /// <summary>The on-disk schema version is newer than this build understands.</summary>
    IncompatibleSchemaVersion = 36,
}
