using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Graph;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>One match of a graph pattern: the node bound at each position and the edges walked by each relationship.</summary>
/// <param name="Nodes">The node id at each node position of the pattern.</param>
/// <param name="Edges">The edges walked by each relationship, in path order (one edge for a single hop).</param>
/// <param name="Depth">The total number of hops.</param>
internal sealed record GraphMatch(ulong[] Nodes, GraphEdge[][] Edges, int Depth);

/// <summary>
/// Enumerates the matches of one linear graph pattern inside one collection's edge store (engine
/// spec §5.4), hop by hop with the collection's edge lookups. Node labels come from the label index,
/// node and relationship property maps are equality tests, a ranged relationship walks simple paths
/// (no node twice within that relationship's path), and no edge is used twice within one match.
/// The work is bounded: more than <see cref="MaxExpansions"/> expanded partial paths stop the query.
/// </summary>
internal sealed class PatternMatcher
{
    /// <summary>The most partial paths (start candidates and walked edges) one query may expand.</summary>
    public const long MaxExpansions = 1_000_000;

    private readonly GraphPattern _pattern;
    private readonly Collection _collection;
    private readonly ExecContext _ctx;
    private readonly HashSet<ulong>?[] _labelSets;
    private readonly (string Key, object? Value)[][] _nodeProperties;
    private readonly (string Key, object? Value)[][] _relProperties;
    private readonly HashSet<string>?[] _types;
    private readonly int[] _sameAs;
    private readonly Dictionary<ulong, JsonElement?> _payloads = [];
    private readonly Dictionary<ulong, IReadOnlyList<GraphEdge>> _outgoing = [];
    private readonly Dictionary<ulong, IReadOnlyList<GraphEdge>> _incoming = [];
    private readonly ulong[] _nodes;
    private readonly GraphEdge[][] _edges;
    private readonly List<GraphEdge>[] _paths;
    private readonly HashSet<ulong> _usedEdges = [];
    private Func<GraphMatch, bool> _sink = static _ => true;
    private bool _stopped;
    private long _expansions;

    /// <summary>Prepares a pattern: evaluates property-map constants and loads the label sets.</summary>
    public PatternMatcher(GraphPattern pattern, Collection collection, ExecContext ctx)
    {
        _pattern = pattern;
        _collection = collection;
        _ctx = ctx;
        var nodeCount = pattern.Nodes.Count;
        var relCount = pattern.Relationships.Count;
        _labelSets = new HashSet<ulong>?[nodeCount];
        _nodeProperties = new (string, object?)[nodeCount][];
        _sameAs = new int[nodeCount];
        var byLabel = new Dictionary<string, HashSet<ulong>>(StringComparer.Ordinal);
        for (var i = 0; i < nodeCount; i++)
        {
            var node = pattern.Nodes[i];
            foreach (var label in node.Labels)
            {
                if (!byLabel.TryGetValue(label, out var set))
                {
                    set = [.. collection.NodesWithLabel(label)];
                    byLabel[label] = set;
                }

                if (_labelSets[i] is null)
                {
                    _labelSets[i] = new HashSet<ulong>(set);
                }
                else
                {
                    _labelSets[i]!.IntersectWith(set);
                }
            }

            _nodeProperties[i] = Properties(node.Properties, ctx);
            _sameAs[i] = -1;
            for (var j = 0; j < i && node.Alias is not null; j++)
            {
                if (pattern.Nodes[j].Alias == node.Alias)
                {
                    _sameAs[i] = j;
                    break;
                }
            }
        }

        _relProperties = new (string, object?)[relCount][];
        _types = new HashSet<string>?[relCount];
        for (var i = 0; i < relCount; i++)
        {
            var rel = pattern.Relationships[i];
            _relProperties[i] = Properties(rel.Properties, ctx);
            _types[i] = rel.Types.Count > 0 ? new HashSet<string>(rel.Types, StringComparer.Ordinal) : null;
        }

        _nodes = new ulong[nodeCount];
        _edges = new GraphEdge[relCount][];
        _paths = new List<GraphEdge>[relCount];
        for (var i = 0; i < relCount; i++)
        {
            _paths[i] = [];
        }
    }

    /// <summary>The collection whose edges are walked.</summary>
    public Collection Collection => _collection;

    private static (string Key, object? Value)[] Properties(IReadOnlyList<OptionEntry> entries, ExecContext ctx)
    {
        var result = new (string, object?)[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            result[i] = (entries[i].Key, ctx.Constant(entries[i].Value));
        }

        return result;
    }

    /// <summary>The ids that can bind the first node (its labels and property map hold), ascending.</summary>
    public List<ulong> StartCandidates()
    {
        IEnumerable<ulong> ids = _labelSets[0] is { } set ? set.Order() : _collection.AllIds();
        var result = new List<ulong>();
        foreach (var id in ids)
        {
            Count();
            if (NodeMatches(0, id))
            {
                result.Add(id);
            }
        }

        return result;
    }

    /// <summary>The payload of a node of the collection (cached for the query), or null.</summary>
    public JsonElement? Payload(ulong id)
    {
        if (!_payloads.TryGetValue(id, out var payload))
        {
            payload = _collection.Get(id)?.Payload;
            _payloads[id] = payload;
        }

        return payload;
    }

    /// <summary>True when <paramref name="id"/> has every label of node position <paramref name="position"/> and satisfies its property map.</summary>
    public bool NodeMatches(int position, ulong id)
    {
        if (_labelSets[position] is { } labelled && !labelled.Contains(id))
        {
            return false;
        }

        var properties = _nodeProperties[position];
        if (properties.Length == 0)
        {
            return true;
        }

        var payload = Payload(id);
        foreach (var (key, expected) in properties)
        {
            object? actual;
            if (payload is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(key, out var v))
            {
                actual = QueryValues.FromJson(v);
            }
            else if (key == "id")
            {
                actual = id;
            }
            else
            {
                actual = null;
            }

            if (!QueryValues.ValueEquals(actual, expected))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Enumerates the matches whose first node is <paramref name="start"/> (which the caller took from
    /// <see cref="StartCandidates"/>). <paramref name="sink"/> returns false to stop early.
    /// </summary>
    public void Run(ulong start, Func<GraphMatch, bool> sink)
    {
        _sink = sink;
        _stopped = false;
        _usedEdges.Clear();
        _nodes[0] = start;
        Extend(0, start, 0);
    }

    private void Count()
    {
        if (++_expansions > MaxExpansions)
        {
            QueryErrors.GuardRail(
                "The MATCH pattern expanded more than 1,000,000 partial paths and was stopped.",
                "Narrow the pattern: add labels, relationship types or property maps, lower the hop ranges, or start from fewer nodes.");
        }

        _ctx.CheckDeadline();
    }

    private void Extend(int rel, ulong current, int depth)
    {
        if (rel == _pattern.Relationships.Count)
        {
            var edges = new GraphEdge[_edges.Length][];
            Array.Copy(_edges, edges, edges.Length);
            _stopped = !_sink(new GraphMatch((ulong[])_nodes.Clone(), edges, depth));
            return;
        }

        var pattern = _pattern.Relationships[rel];
        var (min, max) = pattern.Range is { } r ? (r.Min, r.Max) : (1, 1);
        HashSet<ulong>? visited = pattern.Range is null ? null : [current];
        _paths[rel].Clear();
        Walk(rel, current, min, max, visited, depth);
    }

    /// <summary>Walks relationship <paramref name="rel"/> on from <paramref name="node"/>, binding the next node wherever the hop count is in range.</summary>
    private void Walk(int rel, ulong node, int min, int max, HashSet<ulong>? visited, int depth)
    {
        var path = _paths[rel];
        var hops = path.Count;
        if (hops >= min && Bind(rel + 1, node))
        {
            _edges[rel] = [.. path];
            Extend(rel + 1, node, depth + hops);
            if (_stopped)
            {
                return;
            }
        }

        if (hops == max)
        {
            return;
        }

        var pattern = _pattern.Relationships[rel];
        var types = _types[rel];
        if (pattern.Direction != RelDirection.Incoming)
        {
            foreach (var edge in Adjacent(_outgoing, node, outgoing: true))
            {
                if (EdgeMatches(rel, types, edge) && !Step(rel, edge, edge.Target, min, max, visited, depth))
                {
                    return;
                }
            }
        }

        if (pattern.Direction != RelDirection.Outgoing)
        {
            foreach (var edge in Adjacent(_incoming, node, outgoing: false))
            {
                // An undirected walk already met a self-loop among the outgoing edges.
                if ((pattern.Direction == RelDirection.Incoming || edge.Source != edge.Target)
                    && EdgeMatches(rel, types, edge) && !Step(rel, edge, edge.Source, min, max, visited, depth))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Follows one edge of relationship <paramref name="rel"/>; false once the caller asked to stop.</summary>
    private bool Step(int rel, GraphEdge edge, ulong next, int min, int max, HashSet<ulong>? visited, int depth)
    {
        if (_usedEdges.Contains(edge.Id) || (visited is not null && visited.Contains(next)))
        {
            return true;
        }

        Count();
        var path = _paths[rel];
        _usedEdges.Add(edge.Id);
        visited?.Add(next);
        path.Add(edge);
        Walk(rel, next, min, max, visited, depth);
        path.RemoveAt(path.Count - 1);
        visited?.Remove(next);
        _usedEdges.Remove(edge.Id);
        return !_stopped;
    }

    private bool Bind(int position, ulong node)
    {
        if (_sameAs[position] is var same and >= 0 && _nodes[same] != node)
        {
            return false;
        }

        if (!NodeMatches(position, node))
        {
            return false;
        }

        _nodes[position] = node;
        return true;
    }

    /// <summary>A node's edges in one direction, read once per query (every relationship filters them by type).</summary>
    private IReadOnlyList<GraphEdge> Adjacent(Dictionary<ulong, IReadOnlyList<GraphEdge>> cache, ulong node, bool outgoing)
    {
        if (!cache.TryGetValue(node, out var edges))
        {
            edges = outgoing ? _collection.GetOutgoingEdges(node) : _collection.GetIncomingEdges(node);
            cache[node] = edges;
        }

        return edges;
    }

    private bool EdgeMatches(int rel, HashSet<string>? types, GraphEdge edge)
    {
        if (types is not null && !types.Contains(edge.Label))
        {
            return false;
        }

        foreach (var (key, expected) in _relProperties[rel])
        {
            object? actual = edge.Properties is { } p && p.TryGetProperty(key, out var v) ? QueryValues.FromJson(v) : null;
            if (!QueryValues.ValueEquals(actual, expected))
            {
                return false;
            }
        }

        return true;
    }
}
