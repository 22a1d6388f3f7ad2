using Microsoft.Extensions.Logging;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Index.Hnsw;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

/// <summary>
/// An embedded VelesDB database: a directory holding one sub-directory per collection. Only one
/// process may open a directory at a time (<c>velesdb.lock</c>, VELES-031 otherwise). Dispose
/// checkpoints every collection.
/// </summary>
public sealed partial class VelesDatabase : IDisposable
{
    /// <summary>Largest vector dimension.</summary>
    public const int MaxDimension = 65_536;

    private const string LockFileName = "velesdb.lock";
    private const string CreatingPrefix = ".creating-";
    private const string DeletingPrefix = ".deleting-";

    private static readonly string[] WindowsDeviceNames =
    [
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    ];

    private readonly FileStream _lockFile;
    private readonly VelesDatabaseOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Collection> _collections = new(StringComparer.Ordinal);
    private readonly Lock _catalogLock = new();
    private bool _disposed;

    private VelesDatabase(string directory, FileStream lockFile, VelesDatabaseOptions options)
    {
        Directory = directory;
        _lockFile = lockFile;
        _options = options;
        _logger = options.LoggerFactory.CreateLogger("VelesDb.Core");
        Guard = new Query.QueryGuard(options.TimeProvider);
    }

    /// <summary>
    /// The database-wide query guard-rails: their current values (defaults of VelesQL queries) with
    /// the search rate limiter and circuit breaker. In memory; they start at the defaults.
    /// </summary>
    public Query.QueryGuard Guard { get; }

    /// <summary>The database directory (absolute).</summary>
    public string Directory { get; }

    /// <summary>The options the database was opened with.</summary>
    public VelesDatabaseOptions Options => _options;

    /// <summary>
    /// Opens (creating if needed) the database in <paramref name="directory"/> and recovers every
    /// collection in it.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-031 when another process holds the directory;
    /// VELES-008 when stored data is damaged and repair is off; VELES-036 for a newer format.</exception>
    public static VelesDatabase Open(string directory, VelesDatabaseOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new VelesDatabaseOptions();
        if (options.MaxPayloadBytes <= 0 || options.CheckpointWalBytes <= 0 || options.MaxCollections <= 0)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, "MaxPayloadBytes, CheckpointWalBytes and MaxCollections must be positive.");
        }

        var full = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(full);
        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix, released by the
            // kernel when the process dies, so a crash never leaves the database locked.
            lockFile = new FileStream(Path.Combine(full, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new VelesDbException(VelesDbErrorCode.DatabaseLocked, $"Database '{full}' is locked by another process (or another open instance in this one).", ex);
        }

        var db = new VelesDatabase(full, lockFile, options);
        try
        {
            db.LoadCollections();
            return db;
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Creates a vector collection.</summary>
    /// <param name="name">Collection name (1–128 of A-Z a-z 0-9 _ -).</param>
    /// <param name="dimension">Vector dimension, 1..65,536.</param>
    /// <param name="metric">Distance metric, fixed for the collection's life.</param>
    /// <param name="storageMode">Storage mode recorded in the config.</param>
    /// <param name="hnsw">HNSW M and ef_construction; default <see cref="HnswParameters.Auto"/> for the dimension.</param>
    /// <exception cref="VelesDbException">VELES-034 bad name, VELES-001 exists, VELES-032 dimension outside 1..65,536, VELES-009 bad HNSW parameters, VELES-028 PQ storage with hamming or jaccard.</exception>
    public Collection CreateCollection(string name, int dimension, DistanceMetric metric = DistanceMetric.Cosine, StorageMode storageMode = StorageMode.Full, HnswParameters? hnsw = null)
    {
        if (dimension is < 1 or > MaxDimension)
        {
            ThrowHelper.Throw(VelesDbErrorCode.InvalidDimension, $"Dimension must be between 1 and {MaxDimension}, got {dimension}.");
        }

        hnsw?.Validate();
        Collection.ValidateQuantizerOptions(storageMode, metric, dimension, null);

        return Create(new CollectionConfig
        {
            Name = name,
            Kind = "vector",
            Dimension = dimension,
            Metric = metric.ToCanonicalName(),
            StorageMode = storageMode.ToCanonicalName(),
            HnswM = hnsw?.M,
            HnswEfConstruction = hnsw?.EfConstruction,
        });
    }

    /// <summary>Trains a quantizer on a collection's vectors; see <see cref="Collection.TrainQuantizer"/>.</summary>
    /// <exception cref="VelesDbException">VELES-002 no such collection, and those of <see cref="Collection.TrainQuantizer"/>.</exception>
    public Quantization.QuantizerTrainingReport TrainQuantizer(string collection, Quantization.QuantizerOptions options) =>
        GetCollection(collection).TrainQuantizer(options);

    /// <summary>
    /// Creates a graph collection: nodes are points whose payload may carry <c>_labels</c>, edges
    /// connect them (engine spec §5). With <paramref name="schema"/> typed, nodes and edges are
    /// validated against it (VELES-017); without, the graph is schemaless. With an
    /// <paramref name="embeddingDimension"/> every node carries a vector of that size and the
    /// collection is searchable like a vector collection.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-034 bad name, VELES-001 exists, VELES-032 dimension outside 0..65,536, VELES-009 invalid schema.</exception>
    public Collection CreateGraphCollection(string name, Graph.GraphSchema? schema = null, int embeddingDimension = 0, DistanceMetric metric = DistanceMetric.Cosine)
    {
        if (embeddingDimension is < 0 or > MaxDimension)
        {
            ThrowHelper.Throw(VelesDbErrorCode.InvalidDimension, $"Embedding dimension must be between 0 (none) and {MaxDimension}, got {embeddingDimension}.");
        }

        schema ??= Graph.GraphSchema.Schemaless;
        schema.Validate();
        return Create(new CollectionConfig
        {
            Name = name,
            Kind = "graph",
            Dimension = embeddingDimension,
            Metric = metric.ToCanonicalName(),
            StorageMode = "full",
            GraphSchema = schema.ToJson(),
        });
    }

    /// <summary>Creates a metadata-only collection (payloads, no vectors).</summary>
    public Collection CreateMetadataCollection(string name) =>
        Create(new CollectionConfig { Name = name, Kind = "metadata", Dimension = 0, Metric = "cosine", StorageMode = "full" });

    /// <summary>Gets a collection; VELES-002 when absent.</summary>
    public Collection GetCollection(string name)
    {
        if (!TryGetCollection(name, out var collection))
        {
            ThrowHelper.CollectionNotFound(name);
        }

        return collection;
    }

    /// <summary>Gets a collection if it exists.</summary>
    public bool TryGetCollection(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Collection? collection)
    {
        lock (_catalogLock)
        {
            ThrowIfDisposed();
            return _collections.TryGetValue(name, out collection);
        }
    }

    /// <summary>Every collection, by name.</summary>
    public IReadOnlyList<CollectionInfo> ListCollections()
    {
        Collection[] all;
        lock (_catalogLock)
        {
            ThrowIfDisposed();
            all = [.. _collections.Values];
        }

        Array.Sort(all, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return Array.ConvertAll(all, c => c.Info);
    }

    /// <summary>Deletes a collection and its files; VELES-002 when absent.</summary>
    public void DeleteCollection(string name)
    {
        lock (_catalogLock)
        {
            ThrowIfDisposed();
            if (!_collections.Remove(name, out var collection))
            {
                ThrowHelper.CollectionNotFound(name);
            }

            collection.CloseForDelete();

            // Rename first: one atomic step makes the collection gone; removing the files after
            // can be interrupted without resurrecting it (leftovers are swept at open).
            var dir = CollectionDirectory(name);
            var doomed = Path.Combine(Directory, DeletingPrefix + name + "-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.Move(dir, doomed);
            FileSync.FsyncDirectory(Directory);
            System.IO.Directory.Delete(doomed, recursive: true);
        }
    }

    /// <summary>Makes every acknowledged write durable in every collection (see <see cref="Collection.Flush"/>).</summary>
    public void Flush()
    {
        foreach (var c in Snapshot())
        {
            c.Flush();
        }
    }

    /// <summary>Checkpoints every collection (see <see cref="Collection.FlushFull"/>).</summary>
    public void FlushFull()
    {
        foreach (var c in Snapshot())
        {
            c.FlushFull();
        }
    }

    /// <summary>Checkpoints and closes every collection, then releases the directory lock.</summary>
    public void Dispose()
    {
        Collection[] all;
        lock (_catalogLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            all = [.. _collections.Values];
            _collections.Clear();
        }

        foreach (var c in all)
        {
            c.Dispose();
        }

        _lockFile.Dispose();
    }

    /// <summary>Checks a collection name against the rules; VELES-034 when it breaks one.</summary>
    public static void ValidateCollectionName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128)
        {
            ThrowHelper.Throw(VelesDbErrorCode.InvalidCollectionName, $"Invalid collection name '{name}': it must be 1 to 128 characters.");
        }

        foreach (var ch in name)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-'))
            {
                ThrowHelper.Throw(VelesDbErrorCode.InvalidCollectionName, $"Invalid collection name '{name}': only A-Z, a-z, 0-9, '_' and '-' are allowed.");
            }
        }

        if (name[0] == '-')
        {
            ThrowHelper.Throw(VelesDbErrorCode.InvalidCollectionName, $"Invalid collection name '{name}': it must not start with '-'.");
        }

        if (Array.Exists(WindowsDeviceNames, d => string.Equals(d, name, StringComparison.OrdinalIgnoreCase)))
        {
            ThrowHelper.Throw(VelesDbErrorCode.InvalidCollectionName, $"Invalid collection name '{name}': it is a reserved device name.");
        }
    }

    private Collection Create(CollectionConfig config)
    {
        ValidateCollectionName(config.Name);
        lock (_catalogLock)
        {
            ThrowIfDisposed();
            if (_collections.ContainsKey(config.Name))
            {
                ThrowHelper.Throw(VelesDbErrorCode.CollectionExists, $"Collection '{config.Name}' already exists.");
            }

            if (_collections.Count >= _options.MaxCollections)
            {
                ThrowHelper.Throw(VelesDbErrorCode.GuardRail, $"The database already holds the maximum of {_options.MaxCollections} collections.");
            }

            // Build the collection in a temp directory and rename it into place: a crash leaves
            // either no collection or a complete one.
            var staging = Path.Combine(Directory, CreatingPrefix + config.Name + "-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(staging);
            try
            {
                Collection.InitializeFiles(staging, config);
                FileSync.FsyncDirectory(staging);
                var target = CollectionDirectory(config.Name);
                if (System.IO.Directory.Exists(target))
                {
                    // A directory without a readable config (not loaded at open) holds nothing.
                    System.IO.Directory.Delete(target, recursive: true);
                }

                System.IO.Directory.Move(staging, target);
                FileSync.FsyncDirectory(Directory);
                var collection = Collection.Open(target, config, _options, _logger);
                _collections.Add(config.Name, collection);
                return collection;
            }
            catch
            {
                if (System.IO.Directory.Exists(staging))
                {
                    System.IO.Directory.Delete(staging, recursive: true);
                }

                throw;
            }
        }
    }

    private void LoadCollections()
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Directory))
        {
            var name = Path.GetFileName(dir);
            if (name.StartsWith(CreatingPrefix, StringComparison.Ordinal) || name.StartsWith(DeletingPrefix, StringComparison.Ordinal))
            {
                System.IO.Directory.Delete(dir, recursive: true);
                continue;
            }

            if (!File.Exists(CollectionConfig.PathIn(dir)))
            {
                continue;
            }

            var config = CollectionConfig.Read(dir);
            if (config.Name != name)
            {
                ThrowHelper.Throw(VelesDbErrorCode.Config, $"'{CollectionConfig.PathIn(dir)}' names collection '{config.Name}' but lives in directory '{name}'.");
            }

            _collections.Add(name, Collection.Open(dir, config, _options, _logger));
        }
    }

    private string CollectionDirectory(string name) => Path.Combine(Directory, name);

    private Collection[] Snapshot()
    {
        lock (_catalogLock)
        {
            ThrowIfDisposed();
            return [.. _collections.Values];
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            ThrowHelper.Disposed(nameof(VelesDatabase));
        }
    }
}
