using System.Diagnostics;
using VelesDb.Core.Diagnostics;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Index.Hnsw.Spaces;
using VelesDb.Core.Quantization;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    /// <summary>Default rescoring oversampling of quantized collections.</summary>
    public const int DefaultOversampling = 4;

    /// <summary>Live points at which an SQ8 or binary collection trains its quantizer by itself.</summary>
    public const int AutoTrainPoints = 1_000;

    /// <summary>Live points at which a PQ collection trains its codebooks by itself.</summary>
    public const int AutoTrainPqPoints = 4_096;

    private Quantizer? _quantizer;

    /// <summary>
    /// Quantized collections fetch max(k × this, k + 32) candidates on the codes and re-rank them
    /// exactly on the stored vectors.
    /// </summary>
    public int RescoreOversampling => _config.RescoreOversampling ?? DefaultOversampling;

    /// <summary>Whether searches traverse quantized codes (a quantized mode whose quantizer is trained).</summary>
    public bool IsQuantized
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _quantizer is not null;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Bytes held in memory by the vector index: graph, node codes and quantizer.</summary>
    public long IndexMemoryBytes
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                ThrowIfDisposed();
                return (_index?.MemoryBytes ?? 0) + (_quantizer?.MemoryBytes ?? 0);
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    private static string QuantizerFileName(StorageMode mode) => mode switch
    {
        StorageMode.SQ8 => "quantizer.sq8",
        StorageMode.Binary => "quantizer.bin",
        _ => "codebook.pq",
    };

    /// <summary>
    /// Trains a quantizer on the collection's vectors, makes it the collection's storage mode,
    /// persists it and rebuilds the index on its codes. Searches then traverse the codes and
    /// re-rank max(k × oversampling, k + 32) candidates exactly. Blocks readers and writers while
    /// it runs.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-015 metadata collection; VELES-028 bad options, PQ on
    /// hamming or jaccard, or already trained without <see cref="QuantizerOptions.Force"/>; VELES-029
    /// too few vectors (PQ needs at least k).</exception>
    public QuantizerTrainingReport TrainQuantizer(QuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!HasVectors)
        {
            ThrowHelper.Throw(VelesDbErrorCode.SearchNotSupported, $"Collection '{Name}' is metadata-only and has no vectors to quantize.");
        }

        var mode = options.Type is QuantizerType.SQ8 ? StorageMode.SQ8 : options.Type is QuantizerType.Binary ? StorageMode.Binary : StorageMode.ProductQuantization;
        ValidateQuantizerOptions(mode, Metric, Dimension, options);
        var started = Stopwatch.GetTimestamp();
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (_quantizer is not null && !options.Force)
            {
                ThrowHelper.Throw(VelesDbErrorCode.InvalidQuantizerConfig, $"Collection '{Name}' already has a trained {StorageMode.ToCanonicalName()} quantizer; pass force = true to retrain it.");
            }

            var config = _config.Clone();
            config.StorageMode = mode.ToCanonicalName();
            config.QuantizerType = options.Type == QuantizerType.OptimizedProductQuantization ? "opq" : mode == StorageMode.ProductQuantization ? "pq" : null;
            config.QuantizerSubspaces = mode == StorageMode.ProductQuantization ? options.Subspaces ?? DefaultSubspaces(Dimension) : null;
            config.QuantizerCentroids = mode == StorageMode.ProductQuantization ? options.Centroids : null;
            config.RescoreOversampling = options.Oversampling ?? _config.RescoreOversampling;
            var quantizer = TrainLocked(config, options.SampleSize, options.Seed, out var samples);

            // The config first: a crash before the quantizer file lands leaves a quantized mode
            // without its file, which the next open retrains; never a file the config disowns.
            config.Write(_directory);
            _config = config;
            StorageMode = mode;
            InstallQuantizerLocked(quantizer);
            var pq = quantizer as ProductQuantizer;
            return new QuantizerTrainingReport(options.Type, pq?.Subspaces ?? 0, pq?.Centroids ?? 0, samples, RescoreOversampling, quantizer.CodeBytes, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Checks a storage mode against the metric and the quantizer options; VELES-028 when they do not fit.</summary>
    internal static void ValidateQuantizerOptions(StorageMode mode, DistanceMetric metric, int dimension, QuantizerOptions? options)
    {
        if (mode == StorageMode.ProductQuantization && metric is DistanceMetric.Hamming or DistanceMetric.Jaccard)
        {
            ThrowHelper.Throw(VelesDbErrorCode.InvalidQuantizerConfig, $"PQ storage supports the cosine, euclidean and dot metrics, not {metric.ToCanonicalName()}; use 'binary' or 'sq8' storage.");
        }

        if (options is null)
        {
            return;
        }

        if (options.Oversampling is < 1 or > QuantizerOptions.MaxOversampling)
        {
            ThrowHelper.Throw(VelesDbErrorCode.InvalidQuantizerConfig, $"oversampling must be between 1 and {QuantizerOptions.MaxOversampling}, got {options.Oversampling}.");
        }

        if (options.SampleSize < 1)
        {
            ThrowHelper.Throw(VelesDbErrorCode.InvalidQuantizerConfig, $"sample must be at least 1, got {options.SampleSize}.");
        }

        if (mode == StorageMode.ProductQuantization)
        {
            if (options.Subspaces is { } m && (m < 1 || m > dimension))
            {
                ThrowHelper.Throw(VelesDbErrorCode.InvalidQuantizerConfig, $"m (subspaces) must be between 1 and the dimension {dimension}, got {m}.");
            }

            if (options.Centroids is < 2 or > 256)
            {
                ThrowHelper.Throw(VelesDbErrorCode.InvalidQuantizerConfig, $"k (centroids per subspace) must be between 2 and 256, got {options.Centroids}.");
            }
        }
    }

    /// <summary>PQ subspaces when none are given: one per four dimensions.</summary>
    private static int DefaultSubspaces(int dimension) => Math.Max(1, dimension / 4);

    /// <summary>
    /// Loads the quantizer file of a quantized collection; when it is missing or damaged (it is
    /// derived data) and enough points exist, trains a new one. Null until then: the index holds
    /// float32 vectors meanwhile.
    /// </summary>
    private Quantizer? LoadQuantizerLocked()
    {
        if (StorageMode == StorageMode.Full || _vectors is null)
        {
            return null;
        }

        if (StorageMode == StorageMode.Binary && Metric == DistanceMetric.Hamming)
        {
            return BinaryQuantizer.ForHamming(Dimension);
        }

        var path = Path.Combine(_directory, QuantizerFileName(StorageMode));
        if (File.Exists(path))
        {
            var bytes = File.ReadAllBytes(path);
            string? problem;
            Quantizer? loaded = StorageMode switch
            {
                StorageMode.SQ8 => Sq8Quantizer.TryRead(bytes, out problem),
                StorageMode.Binary => BinaryQuantizer.TryRead(bytes, out problem),
                _ => ProductQuantizer.TryRead(bytes, out problem),
            };
            if (loaded is not null && loaded.Dimension == Dimension)
            {
                return loaded;
            }

            Log.QuantizerRetrained(_logger, Name, problem ?? $"dimension {loaded?.Dimension} does not match {Dimension}");
        }

        if (_rowById.Count < AutoTrainThreshold)
        {
            return null;
        }

        var trained = TrainFromConfigLocked();
        SaveQuantizerLocked(trained);
        return trained;
    }

    private void SaveQuantizerLocked(Quantizer quantizer) =>
        FileSync.WriteAtomic(Path.Combine(_directory, QuantizerFileName(quantizer.Mode)), quantizer.Bytes);

    private int AutoTrainThreshold => StorageMode == StorageMode.ProductQuantization ? AutoTrainPqPoints : AutoTrainPoints;

    /// <summary>Vectors sampled when a quantizer trains itself.</summary>
    private const int QuantizerSampleSize = 65_536;

    /// <summary>After writes: a quantized collection that reached its training size trains and re-indexes on the codes.</summary>
    private bool MaybeAutoTrainLocked()
    {
        if (StorageMode == StorageMode.Full || _quantizer is not null || _vectors is null || _rowById.Count < AutoTrainThreshold)
        {
            return false;
        }

        InstallQuantizerLocked(TrainFromConfigLocked());
        return true;
    }

    /// <summary>Fewest live points a rebuild retrains a quantizer on (PQ needs at least k).</summary>
    private int MinimumTrainingPoints => StorageMode == StorageMode.ProductQuantization ? Math.Max(2, _config.QuantizerCentroids ?? 256) : 1;

    /// <summary>Writes <paramref name="quantizer"/>'s file, makes it the collection's and rebuilds the index on its codes.</summary>
    private void InstallQuantizerLocked(Quantizer quantizer)
    {
        foreach (var mode in (ReadOnlySpan<StorageMode>)[StorageMode.SQ8, StorageMode.Binary, StorageMode.ProductQuantization])
        {
            if (mode != quantizer.Mode)
            {
                File.Delete(Path.Combine(_directory, QuantizerFileName(mode)));
            }
        }

        SaveQuantizerLocked(quantizer);
        _quantizer = quantizer;
        ReindexLocked();
    }

    /// <summary>Trains the collection's configured quantizer on the default sample (automatic training, open, rebuild).</summary>
    private Quantizer TrainFromConfigLocked() => TrainLocked(_config, QuantizerSampleSize, new QuantizerOptions().Seed, out _);

    /// <summary>Trains the quantizer <paramref name="config"/> describes on a sample of the live vectors.</summary>
    private Quantizer TrainLocked(CollectionConfig config, int sampleSize, int seed, out int samples)
    {
        var mode = StorageModes.Parse(config.StorageMode);
        var data = SampleVectorsLocked(sampleSize, seed, out samples);
        Quantizer quantizer = mode switch
        {
            StorageMode.SQ8 => Sq8Quantizer.Train(data, samples, Dimension),
            StorageMode.Binary when Metric == DistanceMetric.Hamming => BinaryQuantizer.ForHamming(Dimension),
            StorageMode.Binary => BinaryQuantizer.Train(data, samples, Dimension),
            _ => ProductQuantizer.Train(
                data, samples, Dimension,
                config.QuantizerSubspaces ?? DefaultSubspaces(Dimension),
                Math.Min(config.QuantizerCentroids ?? 256, 256),
                config.QuantizerType == "opq",
                seed,
                Environment.ProcessorCount),
        };
        return quantizer;
    }

    /// <summary>
    /// Up to <paramref name="max"/> live vectors, as the index sees them (normalised for cosine),
    /// row-major; a seeded random subset when there are more.
    /// </summary>
    private float[] SampleVectorsLocked(int max, int seed, out int count)
    {
        var rows = new List<int>(_rowById.Count);
        for (var row = 0; row < _rowHighWater; row++)
        {
            if (_liveByRow[row])
            {
                rows.Add(row);
            }
        }

        if (rows.Count > max)
        {
            var random = new Random(seed);
            for (var i = 0; i < max; i++)
            {
                var j = random.Next(i, rows.Count);
                (rows[i], rows[j]) = (rows[j], rows[i]);
            }

            rows.RemoveRange(max, rows.Count - max);
        }

        count = rows.Count;
        var data = new float[(long)count * Dimension];
        for (var i = 0; i < count; i++)
        {
            var target = data.AsSpan(i * Dimension, Dimension);
            _vectors!.Get(rows[i]).CopyTo(target);
            if (Metric == DistanceMetric.Cosine)
            {
                VectorSpaces.Normalize(target);
            }
        }

        return data;
    }
}
