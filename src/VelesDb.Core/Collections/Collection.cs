using System.Text.Json;
using Microsoft.Extensions.Logging;
using VelesDb.Core.Diagnostics;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.Core.Index.Hnsw;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

/// <summary>
/// A named set of points inside a <see cref="VelesDatabase"/>. Thread-safe: any number of readers
/// run in parallel; writes are serialised per collection and block readers only while they are
/// applied in memory, not while they wait for the disk.
/// </summary>
/// <remarks>
/// Rows: every live point occupies a row; in a vector collection the row is also its slot in
/// <c>vectors.dat</c>. A row freed by a delete or a replace is reused only after the next
/// checkpoint, so the checkpoint's rows and payload records are never overwritten while it is
/// the recovery base.
/// </remarks>
public sealed partial class Collection : IDisposable
{
    private readonly string _directory;
    private readonly VelesDatabaseOptions _options;
    private readonly ILogger _logger;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<ulong, int> _rowById = [];
    private readonly Stack<int> _freeRows = new();
    private readonly List<int> _pendingFreeRows = [];
    private readonly Lock _sortedIdsLock = new();

    private ulong[] _idByRow = new ulong[16];
    private bool[] _liveByRow = new bool[16];
    private uint[] _vectorCrcByRow = new uint[16];
    private long[] _payloadOffsetByRow = new long[16];
    private int[] _payloadLengthByRow = new int[16];
    private JsonElement[] _payloadByRow = new JsonElement[16];
    private int _rowHighWater;
    private long _payloadDeadBytes;

    private IVectorIndex? _index;
    private VectorFile? _vectors;
    private PayloadLog _payloads = null!;
    private WriteAheadLog _wal = null!;
    private long _writeGeneration;
    private ulong[]? _sortedIds;
    private bool _disposed;
    private string? _deletedMessage;
    private CollectionConfig _config;

    private Collection(string directory, CollectionConfig config, VelesDatabaseOptions options, ILogger logger)
    {
        _directory = directory;
        _options = options;
        _logger = logger;
        _config = config;
        Name = config.Name;
        Kind = config.Kind switch
        {
            "metadata" => CollectionKind.Metadata,
            "graph" => CollectionKind.Graph,
            _ => CollectionKind.Vector,
        };
        Schema = config.GraphSchema is { } schema ? GraphSchema.FromJson(schema) : Kind == CollectionKind.Graph ? GraphSchema.Schemaless : null;
        Dimension = config.Dimension;
        Metric = DistanceMetrics.Parse(config.Metric);
        StorageMode = StorageModes.Parse(config.StorageMode);
        var auto = HnswParameters.Auto(Math.Max(1, Dimension));
        Hnsw = new HnswParameters(config.HnswM ?? auto.M, config.HnswEfConstruction ?? auto.EfConstruction);
    }

    /// <summary>The collection name.</summary>
    public string Name { get; }

    /// <summary>Vector or metadata-only.</summary>
    public CollectionKind Kind { get; }

    /// <summary>Vector dimension (0 for metadata collections).</summary>
    public int Dimension { get; }

    /// <summary>The distance metric, fixed at creation.</summary>
    public DistanceMetric Metric { get; }

    /// <summary>The storage mode recorded at creation.</summary>
    public StorageMode StorageMode { get; private set; }

    /// <summary>HNSW parameters of the collection's index.</summary>
    public HnswParameters Hnsw { get; }

    /// <summary>The version of the collection's on-disk format recorded in <c>config.json</c>.</summary>
    public int SchemaVersion => _config.SchemaVersion;

    /// <summary>Fraction of index nodes that are tombstones (deleted or replaced points); a rebuild drops them.</summary>
    public double TombstoneRatio
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                ThrowIfDisposed();
                return _index?.TombstoneRatio ?? 0;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>What recovery found when the collection was opened.</summary>
    public RecoveryReport Recovery { get; private set; } = new();

    /// <summary>Number of live points.</summary>
    public long Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                ThrowIfDisposed();
                return _rowById.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>A summary for listings.</summary>
    public CollectionInfo Info => new(Name, Kind, Dimension, HasVectors ? Metric.ToCanonicalName() : "none", StorageMode, Count);

    /// <summary>Whether points carry dense vectors: vector collections, and graph collections with an embedding dimension.</summary>
    public bool HasVectors => Kind != CollectionKind.Metadata && Dimension > 0;

    /// <summary>
    /// Grows on every logged write and every index change; cached VelesQL plans compare it to notice
    /// that the data they were planned against has changed.
    /// </summary>
    internal long WriteGeneration => Interlocked.Read(ref _writeGeneration);

    /// <summary>Advances <see cref="WriteGeneration"/>.</summary>
    internal void BumpWriteGeneration() => Interlocked.Increment(ref _writeGeneration);

    /// <summary>The schema of a graph collection (<see cref="GraphSchema.Schemaless"/> when none was given); null for other kinds.</summary>
    public GraphSchema? Schema { get; }

    /// <summary>
    /// Makes every acknowledged write durable (after writing the points queued by
    /// <see cref="StreamInsert"/>): fsyncs the WAL (needed in
    /// <see cref="DurabilityMode.FlushOnly"/>); in <see cref="DurabilityMode.None"/>, where there is no
    /// WAL, it checkpoints.
    /// </summary>
    public void Flush()
    {
        WaitStreamDrained();
        if (_options.Durability == DurabilityMode.None)
        {
            FlushFull();
            return;
        }

        WriteAheadLog wal;
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            wal = _wal;
        }
        finally
        {
            _lock.ExitReadLock();
        }

        wal.Sync();
    }

    /// <summary>
    /// Checkpoints: makes vectors and payloads durable in their own files, writes the point index,
    /// starts an empty WAL, and saves the HNSW graph if it changed. Opening afterwards replays
    /// nothing and loads the graph instead of rebuilding it. Expired points are deleted first
    /// (<see cref="PurgeExpired"/>).
    /// </summary>
    public void FlushFull()
    {
        WaitStreamDrained();
        PurgeExpired();
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            CheckpointLocked();
            SaveIndexLocked();
            SaveTextLocked();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Writes the points queued by <see cref="StreamInsert"/>, checkpoints and closes the files.
    /// Called by the database.
    /// </summary>
    public void Dispose()
    {
        StopStreaming(drain: true);
        _lock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            try
            {
                if (_deletedMessage is null)
                {
                    CheckpointLocked();
                    SaveIndexLocked();
                    SaveTextLocked();
                }
            }
            catch (VelesDbException ex)
            {
                // The WAL still holds every acknowledged write; the next open replays it.
                Log.CheckpointOnCloseFailed(_logger, Name, ex);
            }
            finally
            {
                _disposed = true;
                _wal?.Close();
                _index?.Dispose();
                _vectors?.Dispose();
                _payloads?.Dispose();
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Closes the files of a collection that is being deleted; later calls get VELES-002.</summary>
    internal void CloseForDelete()
    {
        StopStreaming(drain: false);
        _lock.EnterWriteLock();
        try
        {
            if (_disposed)
            {
                return;
            }

            _deletedMessage = $"Collection '{Name}' was deleted.";
            _disposed = true;
            _wal?.Close();
            _index?.Dispose();
            _vectors?.Dispose();
            _payloads?.Dispose();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            if (_deletedMessage is not null)
            {
                throw new VelesDbException(VelesDbErrorCode.CollectionNotFound, _deletedMessage) { Collection = Name };
            }

            ThrowHelper.Disposed($"Collection '{Name}'");
        }
    }

    private void EnsureRowCapacity(int row)
    {
        if (row < _idByRow.Length)
        {
            return;
        }

        var size = Math.Max(row + 1, _idByRow.Length * 2);
        Array.Resize(ref _idByRow, size);
        Array.Resize(ref _liveByRow, size);
        Array.Resize(ref _vectorCrcByRow, size);
        Array.Resize(ref _payloadOffsetByRow, size);
        Array.Resize(ref _payloadLengthByRow, size);
        Array.Resize(ref _payloadByRow, size);
        if (_expiresAtByRow.Length < size)
        {
            Array.Resize(ref _expiresAtByRow, size);
        }
    }
}
