using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;

namespace VelesDb.Core.Collections;

public sealed partial class Collection
{
    private GraphIndexes _graphIndexes = new();

    /// <summary>Ids of the nodes (points) whose payload <c>_labels</c> contain <paramref name="label"/>, ascending.</summary>
    public IReadOnlyList<ulong> NodesWithLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return ReadGraphIndexes(indexes => indexes.NodesWithLabel(label));
    }

    /// <summary>
    /// Creates a hash index on <paramref name="property"/> of the nodes labelled
    /// <paramref name="label"/> (equality lookups with <see cref="FindNodes"/>); back-filled now,
    /// maintained by writes, rebuilt at open. False when it exists.
    /// </summary>
    public bool CreatePropertyIndex(string label, string property) => CreateGraphIndex(label, property, GraphIndexKind.Hash);

    /// <summary>Creates a range index on (label, property) (ordered lookups with <see cref="FindNodesInRange"/>); false when it exists.</summary>
    public bool CreateRangeIndex(string label, string property) => CreateGraphIndex(label, property, GraphIndexKind.Range);

    /// <summary>Drops the hash and range indexes on (label, property); false when there were none.</summary>
    public bool DropPropertyIndex(string label, string property)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(property);
        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            if (!_graphIndexes.DropIndex(label, property))
            {
                return false;
            }

            var config = _config.Clone();
            config.GraphIndexes = [.. (config.GraphIndexes ?? []).Where(i => i.Label != label || i.Property != property)];
            config.Write(_directory);
            _config = config;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The graph property and range indexes with their cardinality (distinct values), entries and memory.</summary>
    public IReadOnlyList<GraphIndexInfo> ListPropertyIndexes() => ReadGraphIndexes(indexes => indexes.ListIndexes());

    /// <summary>Nodes labelled <paramref name="label"/> whose <paramref name="property"/> equals <paramref name="value"/> (numbers by value), from a hash or range index.</summary>
    /// <exception cref="VelesDbException">VELES-009 when no index covers (label, property).</exception>
    public IReadOnlyList<ulong> FindNodes(string label, string property, JsonElement value) =>
        ReadGraphIndexes(indexes => indexes.Equal(label, property, value)) ?? ThrowNoIndex(label, property);

    /// <summary>Nodes labelled <paramref name="label"/> whose <paramref name="property"/> lies between the bounds (null = open), from a range index.</summary>
    /// <exception cref="VelesDbException">VELES-009 when no range index covers (label, property), or the bounds are not both numbers or both strings.</exception>
    public IReadOnlyList<ulong> FindNodesInRange(string label, string property, JsonElement? lower, JsonElement? upper, bool lowerInclusive = true, bool upperInclusive = true) =>
        ReadGraphIndexes(indexes => indexes.Range(label, property, lower, upper, lowerInclusive, upperInclusive)) ?? ThrowNoIndex(label, property);

    private static ulong[] ThrowNoIndex(string label, string property) =>
        throw new VelesDbException(VelesDbErrorCode.Config, $"No index on ({label}, {property}); create one with CreatePropertyIndex or CreateRangeIndex.");

    private bool CreateGraphIndex(string label, string property, GraphIndexKind kind)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(property);
        if (string.IsNullOrWhiteSpace(label) || string.IsNullOrWhiteSpace(property))
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, "A graph index needs a non-empty label and property.");
        }

        _lock.EnterWriteLock();
        try
        {
            ThrowIfDisposed();
            var created = kind == GraphIndexKind.Hash
                ? _graphIndexes.CreatePropertyIndex(label, property, PayloadOfNodeLocked)
                : _graphIndexes.CreateRangeIndex(label, property, PayloadOfNodeLocked);
            if (!created)
            {
                return false;
            }

            var config = _config.Clone();
            config.GraphIndexes = [.. config.GraphIndexes ?? [], new GraphIndexConfig { Label = label, Property = property, Kind = kind == GraphIndexKind.Hash ? "hash" : "range" }];
            config.Write(_directory);
            _config = config;
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private JsonElement? PayloadOfNodeLocked(ulong id) =>
        _rowById.TryGetValue(id, out var row) ? PayloadOf(row) : null;

    /// <summary>Indexes every live node's labels and builds the configured property indexes (at open).</summary>
    private void BuildGraphIndexesLocked()
    {
        var indexes = new GraphIndexes();
        foreach (var (row, payload) in LiveRowsWithPayloadLocked())
        {
            if (payload.ValueKind != JsonValueKind.Undefined)
            {
                indexes.IndexNode(_idByRow[row], payload);
            }
        }

        foreach (var index in _config.GraphIndexes ?? [])
        {
            _ = index.Kind == "range"
                ? indexes.CreateRangeIndex(index.Label, index.Property, PayloadOfNodeLocked)
                : indexes.CreatePropertyIndex(index.Label, index.Property, PayloadOfNodeLocked);
        }

        _graphIndexes = indexes;
    }

    private T ReadGraphIndexes<T>(Func<GraphIndexes, T> read)
    {
        _lock.EnterReadLock();
        try
        {
            ThrowIfDisposed();
            return read(_graphIndexes);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }
}
