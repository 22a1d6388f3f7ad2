namespace VelesDb.Core.Index.Sparse;

/// <summary>Which algorithm a sparse search runs; tests and benchmarks force one, the engine uses <see cref="Auto"/>.</summary>
internal enum SparseSearchPath
{
    /// <summary>Linear scan when the query terms' postings exceed 0.3 × documents × query non-zeros, MaxScore otherwise.</summary>
    Auto = 0,

    /// <summary>MaxScore document-at-a-time with top-k early termination.</summary>
    MaxScore = 1,

    /// <summary>Every posting of the query terms accumulated into a dense array.</summary>
    Linear = 2,
}
