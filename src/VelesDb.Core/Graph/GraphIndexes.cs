using System.Text.Json;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Graph;

/// <summary>The kind of a graph property index. Values are stable (they may be persisted).</summary>
public enum GraphIndexKind
{
    /// <summary>Hash index: equality lookups on booleans, numbers and strings.</summary>
    Hash = 0,

    /// <summary>Range index: ordered lookups on numbers and strings (equality too).</summary>
    Range = 1,
}

/// <summary>One entry of <see cref="GraphIndexes.ListIndexes"/>.</summary>
/// <param name="Label">The node label the index covers.</param>
/// <param name="Property">The top-level payload property indexed.</param>
/// <param name="Kind">Hash or range.</param>
/// <param name="Cardinality">Distinct indexed values.</param>
/// <param name="Entries">Indexed nodes (nodes with the label and an indexable value).</param>
/// <param name="MemoryBytes">An estimate of the managed memory the index holds.</param>
public sealed record GraphIndexInfo(string Label, string Property, GraphIndexKind Kind, long Cardinality, long Entries, long MemoryBytes);

/// <summary>
/// Node indexes of a graph (spec §2.4): the label index (label → nodes, from the payload's
/// <c>_labels</c> array of strings, case-sensitive) and property hash/range indexes on
/// (label, top-level property).
/// </summary>
/// <remarks>
/// <para>
/// Maintenance: the collection calls <see cref="IndexNode"/> after every node payload write
/// (it replaces whatever was indexed for the node) and <see cref="RemoveNode"/> on delete. Only
/// nodes carrying the index's label are in a property index; values that are not indexable for
/// the index kind (null, arrays, objects; booleans for range indexes) are left out.
/// </para>
/// <para>
/// Not thread-safe by itself: the collection's reader-writer lock guards it, like the
/// <see cref="EdgeStore"/>. The indexes are in memory and rebuilt from payloads on open.
/// </para>
/// </remarks>
internal sealed class GraphIndexes
{
    private const string LabelsField = "_labels";

    private readonly Dictionary<string, LabelNodes> _nodesByLabel = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, string[]> _labelsByNode = [];
    private readonly Dictionary<(string Label, string Property), HashIndex> _hash = [];
    private readonly Dictionary<(string Label, string Property), RangeIndex> _range = [];

    /// <summary>Nodes with at least one label.</summary>
    public int LabelledNodeCount => _labelsByNode.Count;

    /// <summary>
    /// Indexes (or re-indexes) node <paramref name="id"/> from its payload: its labels and the
    /// values of every property index over those labels. A payload that is not an object, or has
    /// no <c>_labels</c> array, leaves the node unlabelled and so out of every index.
    /// </summary>
    public void IndexNode(ulong id, JsonElement payload)
    {
        RemoveNode(id);
        var labels = ReadLabels(payload);
        if (labels.Length == 0)
        {
            return;
        }

        _labelsByNode[id] = labels;
        foreach (var label in labels)
        {
            if (!_nodesByLabel.TryGetValue(label, out var nodes))
            {
                nodes = new LabelNodes(label);
                _nodesByLabel.Add(label, nodes);
            }

            nodes.Add(id);
        }

        foreach (var ((label, property), index) in _hash)
        {
            if (Array.IndexOf(labels, label) >= 0)
            {
                index.Add(id, payload, property);
            }
        }

        foreach (var ((label, property), index) in _range)
        {
            if (Array.IndexOf(labels, label) >= 0)
            {
                index.Add(id, payload, property);
            }
        }
    }

    /// <summary>Drops node <paramref name="id"/> from every index.</summary>
    /// <returns>False when the node was not indexed (had no labels).</returns>
    public bool RemoveNode(ulong id)
    {
        if (!_labelsByNode.Remove(id, out var labels))
        {
            return false;
        }

        foreach (var label in labels)
        {
            var nodes = _nodesByLabel[label];
            nodes.Remove(id);
            if (nodes.Count == 0)
            {
                _nodesByLabel.Remove(label);
            }
        }

        foreach (var ((label, _), index) in _hash)
        {
            if (Array.IndexOf(labels, label) >= 0)
            {
                index.Remove(id);
            }
        }

        foreach (var ((label, _), index) in _range)
        {
            if (Array.IndexOf(labels, label) >= 0)
            {
                index.Remove(id);
            }
        }

        return true;
    }

    /// <summary>Ids of the nodes labelled <paramref name="label"/> (case-sensitive), ascending.</summary>
    public ulong[] NodesWithLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return _nodesByLabel.TryGetValue(label, out var nodes) ? Sorted(nodes) : [];
    }

    /// <summary>The labels of node <paramref name="id"/> as indexed (distinct, in payload order).</summary>
    public IReadOnlyList<string> LabelsOf(ulong id) => _labelsByNode.TryGetValue(id, out var labels) ? labels : [];

    /// <summary>
    /// Creates a hash index on (<paramref name="label"/>, <paramref name="property"/>) and back-fills
    /// it from the nodes already carrying the label, whose payloads <paramref name="payloadOf"/>
    /// returns (null skips back-filling, e.g. when the index is declared before nodes are loaded).
    /// </summary>
    /// <returns>False when that index already exists (nothing changes).</returns>
    public bool CreatePropertyIndex(string label, string property, Func<ulong, JsonElement?>? payloadOf = null) =>
        Create(_hash, label, property, payloadOf, static () => new HashIndex());

    /// <summary>Creates a range index; see <see cref="CreatePropertyIndex"/>.</summary>
    /// <returns>False when that index already exists (nothing changes).</returns>
    public bool CreateRangeIndex(string label, string property, Func<ulong, JsonElement?>? payloadOf = null) =>
        Create(_range, label, property, payloadOf, static () => new RangeIndex());

    /// <summary>Drops the hash and the range index on (label, property).</summary>
    /// <returns>False when neither existed.</returns>
    public bool DropIndex(string label, string property)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(property);
        var droppedHash = _hash.Remove((label, property));
        var droppedRange = _range.Remove((label, property));
        return droppedHash || droppedRange;
    }

    /// <summary>Every property index, ordered by label, property, then kind.</summary>
    public IReadOnlyList<GraphIndexInfo> ListIndexes()
    {
        var list = new List<GraphIndexInfo>(_hash.Count + _range.Count);
        foreach (var ((label, property), index) in _hash)
        {
            list.Add(new GraphIndexInfo(label, property, GraphIndexKind.Hash, index.Cardinality, index.Entries, index.MemoryBytes));
        }

        foreach (var ((label, property), index) in _range)
        {
            list.Add(new GraphIndexInfo(label, property, GraphIndexKind.Range, index.Cardinality(), index.Entries, index.MemoryBytes));
        }

        list.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Label, b.Label);
            if (c == 0)
            {
                c = string.CompareOrdinal(a.Property, b.Property);
            }

            return c != 0 ? c : a.Kind.CompareTo(b.Kind);
        });
        return list;
    }

    /// <summary>
    /// Nodes labelled <paramref name="label"/> whose <paramref name="property"/> equals
    /// <paramref name="value"/> (numbers numerically, strings ordinally), ascending. Uses the hash
    /// index, else the range index. Returns null when neither exists (the caller scans); a value
    /// the index cannot hold (null, array, object; a boolean on a range index) matches nothing.
    /// </summary>
    public ulong[]? Equal(string label, string property, JsonElement value)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(property);
        if (_hash.TryGetValue((label, property), out var hash))
        {
            return GraphIndexKey.TryCreate(value, allowBoolean: true, out var key) ? hash.Lookup(key) : [];
        }

        if (_range.TryGetValue((label, property), out var range))
        {
            return GraphIndexKey.TryCreate(value, allowBoolean: false, out var key) ? range.Scan(key, true, key, true) : [];
        }

        return null;
    }

    /// <summary>
    /// Nodes labelled <paramref name="label"/> whose <paramref name="property"/> lies between the
    /// bounds, in value order (ties by node id). Bounds are JSON numbers or strings of one kind;
    /// a missing bound is open on that side; with neither bound every number and string entry is
    /// returned (numbers first). Returns null when there is no range index on (label, property).
    /// A bound of another JSON kind, or bounds of different kinds, give
    /// <see cref="VelesDbErrorCode.Config"/>.
    /// </summary>
    public ulong[]? Range(string label, string property, JsonElement? lower, JsonElement? upper, bool lowerInclusive = true, bool upperInclusive = true)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentNullException.ThrowIfNull(property);
        if (!_range.TryGetValue((label, property), out var range))
        {
            return null;
        }

        var lowerKey = BoundKey(lower, "lower");
        var upperKey = BoundKey(upper, "upper");
        if (lowerKey is { } l && upperKey is { } u && l.Kind != u.Kind)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, $"Range bounds on {label}.{property} mix a {l.Kind} and a {u.Kind}.");
        }

        var from = lowerKey ?? (upperKey is { } uk ? GraphIndexKey.MinOf(uk.Kind) : GraphIndexKey.MinOf(GraphIndexKeyKind.Number));
        var to = upperKey ?? (lowerKey is { } lk ? GraphIndexKey.MaxOf(lk.Kind) : GraphIndexKey.MaxOf(GraphIndexKeyKind.String));
        return range.Scan(from, lowerKey is null || lowerInclusive, to, upperKey is null || upperInclusive);
    }

    private static GraphIndexKey? BoundKey(JsonElement? bound, string side)
    {
        if (bound is not { } element || element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind is not (JsonValueKind.Number or JsonValueKind.String) || !GraphIndexKey.TryCreate(element, allowBoolean: false, out var key))
        {
            return ThrowHelper.Throw<GraphIndexKey?>(VelesDbErrorCode.Config, $"A range {side} bound must be a finite JSON number or a string, got {element.ValueKind}.");
        }

        return key;
    }

    private bool Create<TIndex>(Dictionary<(string, string), TIndex> indexes, string label, string property, Func<ulong, JsonElement?>? payloadOf, Func<TIndex> factory)
        where TIndex : PropertyIndexBase
    {
        if (string.IsNullOrWhiteSpace(label) || string.IsNullOrWhiteSpace(property))
        {
            ThrowHelper.Throw(VelesDbErrorCode.Config, "A graph property index needs a non-empty label and property.");
        }

        if (indexes.ContainsKey((label, property)))
        {
            return false;
        }

        var index = factory();
        if (payloadOf is not null && _nodesByLabel.TryGetValue(label, out var nodes))
        {
            foreach (var id in Sorted(nodes))
            {
                if (payloadOf(id) is { } payload)
                {
                    index.Add(id, payload, property);
                }
            }
        }

        indexes.Add((label, property), index);
        return true;
    }

    private string[] ReadLabels(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty(LabelsField, out var array)
            || array.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var labels = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } label && !labels.Contains(label))
            {
                // Interned: every node shares the label index's string instance.
                labels.Add(_nodesByLabel.TryGetValue(label, out var existing) ? existing.Label : label);
            }
        }

        return [.. labels];
    }

    private static ulong[] Sorted(HashSet<ulong> set)
    {
        var ids = new ulong[set.Count];
        set.CopyTo(ids);
        Array.Sort(ids);
        return ids;
    }

    /// <summary>The nodes of one label, holding the label's shared string.</summary>
    private sealed class LabelNodes(string label) : HashSet<ulong>
    {
        public string Label { get; } = label;
    }

    /// <summary>What the hash and range indexes share: the node → key map used for removal.</summary>
    private abstract class PropertyIndexBase
    {
        // Rough per-entry costs of the BCL collections (entry structs, buckets, node objects).
        protected const long DictionaryEntryBytes = 48;
        protected const long KeyBytes = 40;

        protected Dictionary<ulong, GraphIndexKey> KeyByNode { get; } = [];

        public long Entries => KeyByNode.Count;

        public void Add(ulong id, JsonElement payload, string property)
        {
            if (payload.ValueKind == JsonValueKind.Object
                && payload.TryGetProperty(property, out var value)
                && GraphIndexKey.TryCreate(value, AllowsBoolean, out var key))
            {
                KeyByNode.Add(id, key);
                Insert(id, key);
            }
        }

        public void Remove(ulong id)
        {
            if (KeyByNode.Remove(id, out var key))
            {
                Delete(id, key);
            }
        }

        protected abstract bool AllowsBoolean { get; }

        protected abstract void Insert(ulong id, GraphIndexKey key);

        protected abstract void Delete(ulong id, GraphIndexKey key);

        protected static long TextBytes(GraphIndexKey key) => key.Text is null ? 0 : 24 + (2L * key.Text.Length);
    }

    private sealed class HashIndex : PropertyIndexBase
    {
        private readonly Dictionary<GraphIndexKey, HashSet<ulong>> _nodesByKey = [];
        private long _textBytes;

        public long Cardinality => _nodesByKey.Count;

        public long MemoryBytes =>
            (_nodesByKey.Count * (DictionaryEntryBytes + KeyBytes + 80)) + (Entries * (DictionaryEntryBytes + KeyBytes + 24)) + _textBytes;

        protected override bool AllowsBoolean => true;

        public ulong[] Lookup(GraphIndexKey key) => _nodesByKey.TryGetValue(key, out var nodes) ? Sorted(nodes) : [];

        protected override void Insert(ulong id, GraphIndexKey key)
        {
            if (!_nodesByKey.TryGetValue(key, out var nodes))
            {
                nodes = [];
                _nodesByKey.Add(key, nodes);
                _textBytes += TextBytes(key);
            }

            nodes.Add(id);
        }

        protected override void Delete(ulong id, GraphIndexKey key)
        {
            var nodes = _nodesByKey[key];
            nodes.Remove(id);
            if (nodes.Count == 0)
            {
                _nodesByKey.Remove(key);
                _textBytes -= TextBytes(key);
            }
        }
    }

    private sealed class RangeIndex : PropertyIndexBase
    {
        private readonly SortedSet<(GraphIndexKey Key, ulong Id)> _entries = new(EntryComparer.Instance);
        private long _textBytes;

        public long MemoryBytes => Entries * (DictionaryEntryBytes + (2 * KeyBytes) + 48) + _textBytes;

        protected override bool AllowsBoolean => false;

        public long Cardinality()
        {
            long distinct = 0;
            GraphIndexKey? previous = null;
            foreach (var (key, _) in _entries)
            {
                if (previous is not { } p || p != key)
                {
                    distinct++;
                }

                previous = key;
            }

            return distinct;
        }

        public ulong[] Scan(GraphIndexKey from, bool fromInclusive, GraphIndexKey to, bool toInclusive)
        {
            var order = from.CompareTo(to);
            if (order > 0 || (order == 0 && !(fromInclusive && toInclusive)))
            {
                return [];
            }

            var result = new List<ulong>();
            foreach (var (key, id) in _entries.GetViewBetween((from, ulong.MinValue), (to, ulong.MaxValue)))
            {
                if ((!fromInclusive && key == from) || (!toInclusive && key == to))
                {
                    continue;
                }

                result.Add(id);
            }

            return [.. result];
        }

        protected override void Insert(ulong id, GraphIndexKey key)
        {
            _entries.Add((key, id));
            _textBytes += TextBytes(key);
        }

        protected override void Delete(ulong id, GraphIndexKey key)
        {
            _entries.Remove((key, id));
            _textBytes -= TextBytes(key);
        }

        private sealed class EntryComparer : IComparer<(GraphIndexKey Key, ulong Id)>
        {
            public static readonly EntryComparer Instance = new();

            public int Compare((GraphIndexKey Key, ulong Id) x, (GraphIndexKey Key, ulong Id) y)
            {
                var c = x.Key.CompareTo(y.Key);
                return c != 0 ? c : x.Id.CompareTo(y.Id);
            }
        }
    }
}
