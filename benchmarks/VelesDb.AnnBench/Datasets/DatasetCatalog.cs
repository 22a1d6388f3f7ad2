using System.Diagnostics;

namespace VelesDb.AnnBench.Datasets;

/// <summary>
/// Makes or loads the benchmark datasets. Each is materialised once under the data directory as
/// <c>base.fvecs</c>, <c>query.fvecs</c> and <c>groundtruth.ivecs</c> (top-100 by L2, computed by
/// <see cref="GroundTruth"/>); later runs read the cache. The ground-truth file is written last, so
/// its presence marks a complete cache.
/// </summary>
internal static class DatasetCatalog
{
    /// <summary>Neighbours stored per query in the ground truth.</summary>
    public const int GroundTruthK = 100;

    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> puts the IDX files.</summary>
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    private const int ClusteredDimension = 128;
    private const int QuickCount = 20_000;
    private const int QuickQueries = 200;

    public static Dataset Load(string name, bool quick, string dataDirectory) => name switch
    {
        "clustered" => quick
            ? LoadOrMake("clustered-quick", dataDirectory, $"clustered-v1-{QuickCount}x{ClusteredDimension}", () => MakeClustered(QuickCount, QuickQueries))
            : LoadOrMake("clustered", dataDirectory, $"clustered-v1-100000x{ClusteredDimension}", () => MakeClustered(100_000, 1_000)),
        "fashion-mnist" => quick
            ? LoadOrMake("fashion-mnist-quick", dataDirectory, $"fashion-mnist-784-{QuickCount}", () => MakeFashionMnist(QuickCount, QuickQueries))
            : LoadOrMake("fashion-mnist", dataDirectory, "fashion-mnist-784", () => MakeFashionMnist(int.MaxValue, int.MaxValue)),
        _ => throw new ArgumentException($"Unknown dataset '{name}'.", nameof(name)),
    };

    private static Dataset LoadOrMake(string name, string dataDirectory, string cacheName, Func<(float[] Base, int Count, float[] Queries, int QueryCount, int Dimension)> make)
    {
        var directory = Path.Combine(dataDirectory, cacheName);
        var groundTruthPath = Path.Combine(directory, Dataset.GroundTruthFile);
        if (File.Exists(groundTruthPath))
        {
            try
            {
                return Read(name, directory);
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine($"  cached {cacheName} is unusable ({e.Message}); rebuilding it.");
            }
        }

        Console.Error.WriteLine($"[{name}] making the dataset in {directory} ...");
        var watch = Stopwatch.StartNew();
        var (baseVectors, count, queries, queryCount, dimension) = make();
        Directory.CreateDirectory(directory);
        File.Delete(groundTruthPath);
        VecsFile.WriteFvecs(Path.Combine(directory, Dataset.BaseFile), baseVectors, count, dimension);
        VecsFile.WriteFvecs(Path.Combine(directory, Dataset.QueryFile), queries, queryCount, dimension);
        Console.Error.WriteLine($"  {count} × {dimension} base, {queryCount} queries ({watch.Elapsed.TotalSeconds:F1} s); exact top-{GroundTruthK} by brute force on {Environment.ProcessorCount} cores ...");
        var k = Math.Min(GroundTruthK, count);
        var truth = GroundTruth.Compute(baseVectors, count, queries, queryCount, dimension, k);
        VecsFile.WriteIvecs(groundTruthPath, truth, queryCount, k);
        Console.Error.WriteLine($"  done in {watch.Elapsed.TotalSeconds:F1} s");
        return new Dataset(name, directory, baseVectors, count, queries, queryCount, dimension, truth, k);
    }

    private static Dataset Read(string name, string directory)
    {
        var (baseVectors, count, dimension) = VecsFile.ReadFvecs(Path.Combine(directory, Dataset.BaseFile));
        var (queries, queryCount, queryDimension) = VecsFile.ReadFvecs(Path.Combine(directory, Dataset.QueryFile));
        var (truth, truthRows, truthK) = VecsFile.ReadIvecs(Path.Combine(directory, Dataset.GroundTruthFile));
        if (queryDimension != dimension)
        {
            throw new InvalidDataException($"query dimension {queryDimension} differs from base dimension {dimension}.");
        }

        if (truthRows != queryCount || truthK < Math.Min(10, count))
        {
            throw new InvalidDataException($"ground truth is {truthRows} × {truthK} for {queryCount} queries.");
        }

        foreach (var index in truth)
        {
            if ((uint)index >= (uint)count)
            {
                throw new InvalidDataException($"ground truth names base index {index} of {count}.");
            }
        }

        return new Dataset(name, directory, baseVectors, count, queries, queryCount, dimension, truth, truthK);
    }

    private static (float[], int, float[], int, int) MakeClustered(int count, int queryCount)
    {
        var (baseVectors, queries) = ClusteredGenerator.Generate(count, queryCount, ClusteredDimension);
        return (baseVectors, count, queries, queryCount, ClusteredDimension);
    }

    /// <summary>Train images as base, test images as queries, pixels as floats 0..255 (ann-benchmarks' fashion-mnist-784-euclidean).</summary>
    private static (float[], int, float[], int, int) MakeFashionMnist(int maxCount, int maxQueries)
    {
        var train = Path.Combine(FashionMnistDirectory, "train-images-idx3-ubyte.gz");
        var test = Path.Combine(FashionMnistDirectory, "t10k-images-idx3-ubyte.gz");
        if (!File.Exists(train) || !File.Exists(test))
        {
            var error = Shell.AptInstall("dataset-fashion-mnist");
            if (error is not null || !File.Exists(train) || !File.Exists(test))
            {
                throw new InvalidOperationException($"Fashion-MNIST is not available: {error ?? $"{train} is missing after installing dataset-fashion-mnist"}");
            }
        }

        var (baseVectors, count, dimension) = IdxFile.ReadImages(train);
        var (queries, queryCount, queryDimension) = IdxFile.ReadImages(test);
        if (queryDimension != dimension)
        {
            throw new InvalidDataException($"Fashion-MNIST test images are {queryDimension}-d, train images {dimension}-d.");
        }

        if (count > maxCount)
        {
            baseVectors = baseVectors[..(maxCount * dimension)];
            count = maxCount;
        }

        if (queryCount > maxQueries)
        {
            queries = queries[..(maxQueries * dimension)];
            queryCount = maxQueries;
        }

        return (baseVectors, count, queries, queryCount, dimension);
    }
}
