namespace VelesDb.AnnBench.Datasets;

/// <summary>
/// A benchmark dataset held in memory (row-major arrays) together with the cached files the
/// out-of-process peers read.
/// </summary>
internal sealed class Dataset
{
    public const string BaseFile = "base.fvecs";

    public const string QueryFile = "query.fvecs";

    public const string GroundTruthFile = "groundtruth.ivecs";

    public Dataset(string name, string directory, float[] baseVectors, int count, float[] queries, int queryCount, int dimension, int[] groundTruth, int groundTruthK)
    {
        Name = name;
        Directory = directory;
        Base = baseVectors;
        Count = count;
        Queries = queries;
        QueryCount = queryCount;
        Dimension = dimension;
        GroundTruth = groundTruth;
        GroundTruthK = groundTruthK;
    }

    /// <summary>Name used in results (e.g. <c>clustered</c>, <c>fashion-mnist</c>, <c>clustered-quick</c>).</summary>
    public string Name { get; }

    /// <summary>Folder holding <c>base.fvecs</c>, <c>query.fvecs</c> and <c>groundtruth.ivecs</c>.</summary>
    public string Directory { get; }

    /// <summary>Base vectors, <see cref="Count"/> × <see cref="Dimension"/>.</summary>
    public float[] Base { get; }

    /// <summary>Number of base vectors.</summary>
    public int Count { get; }

    /// <summary>Query vectors, <see cref="QueryCount"/> × <see cref="Dimension"/>.</summary>
    public float[] Queries { get; }

    /// <summary>Number of query vectors available.</summary>
    public int QueryCount { get; }

    /// <summary>Vector dimension.</summary>
    public int Dimension { get; }

    /// <summary>Exact neighbours, <see cref="QueryCount"/> × <see cref="GroundTruthK"/> base indexes, nearest first.</summary>
    public int[] GroundTruth { get; }

    /// <summary>Neighbours stored per query in <see cref="GroundTruth"/>.</summary>
    public int GroundTruthK { get; }

    public string BasePath => Path.Combine(Directory, BaseFile);

    public string QueryPath => Path.Combine(Directory, QueryFile);

    public string GroundTruthPath => Path.Combine(Directory, GroundTruthFile);

    public ReadOnlySpan<float> BaseRow(int row) => Base.AsSpan(row * Dimension, Dimension);

    public ReadOnlySpan<float> QueryRow(int query) => Queries.AsSpan(query * Dimension, Dimension);

    public ReadOnlySpan<int> Neighbours(int query) => GroundTruth.AsSpan(query * GroundTruthK, GroundTruthK);
}
