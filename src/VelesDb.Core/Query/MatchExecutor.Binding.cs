using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Graph;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

internal static partial class MatchExecutor
{
    /// <summary>
    /// The names of one pattern and how a match becomes a row: node aliases are sources of the
    /// collection (the first node is the primary source, so <c>similarity()</c> scores it), a
    /// single-hop relationship alias is a source whose payload is the edge's properties, and a ranged
    /// relationship alias binds the ordered edge list (ANY-element semantics in WHERE).
    /// </summary>
    private sealed class Binding
    {
        private readonly GraphPattern _pattern;
        private readonly ExecContext _ctx;
        private readonly Dictionary<string, int> _nodeAlias = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _relAlias = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Collection, ulong Id), JsonElement?> _enriched = [];
        private readonly PatternMatcher _matcher;

        /// <summary>Builds the scope: the collection as primary source (under the first node's alias) and every other alias as a joined source.</summary>
        public Binding(GraphPattern pattern, PatternMatcher matcher, ExecContext ctx)
        {
            _pattern = pattern;
            _matcher = matcher;
            _ctx = ctx;
            var collection = matcher.Collection;
            var first = pattern.Nodes[0].Alias;
            Scope = Scope.For(collection, first ?? AnonymousStart);
            for (var i = 0; i < pattern.Nodes.Count; i++)
            {
                var alias = pattern.Nodes[i].Alias;
                if (alias is not null && _nodeAlias.TryAdd(alias, i) && alias != first)
                {
                    Scope.AddJoin(alias, collection);
                }
            }

            for (var i = 0; i < pattern.Relationships.Count; i++)
            {
                if (pattern.Relationships[i].Alias is { } alias)
                {
                    _relAlias[alias] = i;
                    Scope.AddJoin(alias, collection);
                }
            }
        }

        /// <summary>The scope of WHERE, RETURN and ORDER BY expressions.</summary>
        public Scope Scope { get; }

        /// <summary>The match whose row is being evaluated (ranged aliases read their edges from it).</summary>
        public GraphMatch? Current { get; set; }

        /// <summary>Every node alias with the id it bound in <paramref name="m"/>.</summary>
        public Dictionary<string, ulong> BindingsOf(GraphMatch m)
        {
            var bindings = new Dictionary<string, ulong>(_nodeAlias.Count, StringComparer.Ordinal);
            foreach (var (alias, position) in _nodeAlias)
            {
                bindings[alias] = m.Nodes[position];
            }

            return bindings;
        }

        /// <summary>The evaluation row of a match.</summary>
        public Row RowOf(GraphMatch m)
        {
            var row = new Row(new SourceRow(m.Nodes[0], NodePayload(0, m.Nodes[0])))
            {
                Joined = new(StringComparer.Ordinal),
            };
            var first = _pattern.Nodes[0].Alias;
            foreach (var (alias, position) in _nodeAlias)
            {
                if (alias != first)
                {
                    row.Joined[alias] = new SourceRow(m.Nodes[position], NodePayload(position, m.Nodes[position]));
                }
            }

            foreach (var (alias, rel) in _relAlias)
            {
                if (_pattern.Relationships[rel].Range is null)
                {
                    var edge = m.Edges[rel][0];
                    row.Joined[alias] = new SourceRow(edge.Id, edge.Properties);
                }
            }

            row.Set(DepthKey, (long)m.Depth);
            return row;
        }

        /// <summary>
        /// Compiles WHERE. Terms that read a ranged relationship alias (<c>r.weight = 3</c>) hold when
        /// they hold for ANY edge of the bound path; everything else is the shared predicate compiler.
        /// </summary>
        public Func<Row, bool> CompileWhere(Condition c)
        {
            var ranged = RangedAliases(c);
            if (ranged.Count == 0)
            {
                return Predicates.Compile(c, Scope, _ctx);
            }

            switch (c)
            {
                case AndCondition a:
                    {
                        var l = CompileWhere(a.Left);
                        var r = CompileWhere(a.Right);
                        return row => l(row) && r(row);
                    }

                case OrCondition o:
                    {
                        var l = CompileWhere(o.Left);
                        var r = CompileWhere(o.Right);
                        return row => l(row) || r(row);
                    }

                case NotCondition n:
                    {
                        var inner = CompileWhere(n.Operand);
                        return row => !inner(row);
                    }
            }

            var leaf = Predicates.Compile(c, Scope, _ctx);
            return row => AnyEdge(row, ranged, 0, leaf);
        }

        private bool AnyEdge(Row row, List<string> aliases, int i, Func<Row, bool> leaf)
        {
            if (i == aliases.Count)
            {
                return leaf(row);
            }

            var alias = aliases[i];
            var joined = row.Joined!;
            try
            {
                foreach (var edge in Current!.Edges[_relAlias[alias]])
                {
                    joined[alias] = new SourceRow(edge.Id, edge.Properties);
                    if (AnyEdge(row, aliases, i + 1, leaf))
                    {
                        return true;
                    }
                }

                return false;
            }
            finally
            {
                joined.Remove(alias);
            }
        }

        /// <summary>The ranged relationship aliases a condition reads, in order of appearance.</summary>
        private List<string> RangedAliases(Condition c)
        {
            var found = new List<string>();
            void Visit(Expr? e)
            {
                switch (e)
                {
                    case ColumnRef col when col.Parts.Count > 1 && _relAlias.TryGetValue(col.Parts[0], out var rel)
                        && _pattern.Relationships[rel].Range is not null && !found.Contains(col.Parts[0]):
                        found.Add(col.Parts[0]);
                        break;
                    case BinaryExpr b:
                        Visit(b.Left);
                        Visit(b.Right);
                        break;
                    case NegateExpr n:
                        Visit(n.Operand);
                        break;
                    case FunctionCall f:
                        foreach (var a in f.Arguments)
                        {
                            Visit(a);
                        }

                        break;
                }
            }

            void Walk(Condition x)
            {
                switch (x)
                {
                    case AndCondition a: Walk(a.Left); Walk(a.Right); break;
                    case OrCondition o: Walk(o.Left); Walk(o.Right); break;
                    case NotCondition n: Walk(n.Operand); break;
                    case CompareCondition cmp: Visit(cmp.Left); Visit(cmp.Right); break;
                    case InCondition i: Visit(i.Operand); break;
                    case BetweenCondition b: Visit(b.Operand); break;
                    case LikeCondition l: Visit(l.Operand); break;
                    case IsNullCondition n: Visit(n.Operand); break;
                    case ContainsCondition co: Visit(co.Column); break;
                    case ContainsTextCondition ct: Visit(ct.Column); break;
                    case FunctionCondition f: Visit(f.Call); break;
                }
            }

            Walk(c);
            return found;
        }

        /// <summary>Rows are distinct by the first node and the aliased nodes and relationships; anonymous parts collapse.</summary>
        public string DedupeKey(GraphMatch m)
        {
            var key = new StringBuilder();
            key.Append(m.Nodes[0]);
            foreach (var position in _nodeAlias.Values)
            {
                key.Append('|').Append(m.Nodes[position]);
            }

            foreach (var rel in _relAlias.Values)
            {
                key.Append('|');
                foreach (var edge in m.Edges[rel])
                {
                    key.Append(edge.Id).Append(',');
                }
            }

            return key.ToString();
        }

        /// <summary>Evaluates the RETURN items; an item with AS also becomes a computed name for ORDER BY.</summary>
        public object?[] ReturnValues(IReadOnlyList<SelectItem> items, MatchRow r)
        {
            var values = new object?[items.Count];
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].Expression is StarExpr)
                {
                    continue;
                }

                values[i] = Value(items[i].Expression, r);
                if (items[i].Alias is { } name)
                {
                    r.Row.Set(name, values[i] is JsonNode n ? QueryValues.FromJson(JsonSerializer.SerializeToElement(n, QueryJsonContext.Default.JsonNode)) : values[i]);
                }
            }

            return values;
        }

        /// <summary>Evaluates the ORDER BY keys.</summary>
        public object?[] SortKeys(IReadOnlyList<OrderItem> orderBy, MatchRow r)
        {
            var keys = new object?[orderBy.Count];
            for (var i = 0; i < orderBy.Count; i++)
            {
                var value = Value(orderBy[i].Expression, r);
                keys[i] = value is JsonNode n ? n.ToJsonString() : value;
            }

            return keys;
        }

        /// <summary>Builds the output object of a row.</summary>
        public JsonObject Project(IReadOnlyList<SelectItem> items, MatchRow r)
        {
            var obj = new JsonObject();
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                if (item.Expression is StarExpr)
                {
                    foreach (var (alias, position) in _nodeAlias)
                    {
                        obj[alias] = NodeObject(position, r.Match.Nodes[position]);
                    }

                    continue;
                }

                var value = r.Values[i];
                obj[item.Alias ?? ExprKeys.DefaultName(item.Expression)] = value as JsonNode ?? QueryValues.ToNode(value);
            }

            if (_relAlias.Count > 0)
            {
                var bindings = new JsonObject();
                foreach (var (alias, rel) in _relAlias)
                {
                    var edges = r.Match.Edges[rel];
                    bindings[alias] = _pattern.Relationships[rel].Range is null
                        ? JsonValue.Create(edges[0].Id)
                        : new JsonArray([.. edges.Select(e => (JsonNode?)JsonValue.Create(e.Id))]);
                }

                obj[EdgeBindingsKey] = bindings;
            }

            return obj;
        }

        /// <summary>The value of a RETURN or ORDER BY expression (node and edge objects as JSON nodes).</summary>
        private object? Value(Expr e, MatchRow r)
        {
            switch (e)
            {
                case SimilarityExpr { Vector: null }:
                    return r.Row.Score;
                case ColumnRef c when _nodeAlias.TryGetValue(c.Parts[0], out var position):
                    {
                        var id = r.Match.Nodes[position];
                        if (c.Parts.Count == 1)
                        {
                            return NodeObject(position, id);
                        }

                        if (c.Parts.Count == 2 && c.Parts[1] == "id")
                        {
                            return id;
                        }

                        return ExprEvaluator.TryPayload(NodePayload(position, id), c.Parts, 1, out var v) ? v : null;
                    }

                case ColumnRef c when _relAlias.TryGetValue(c.Parts[0], out var rel):
                    {
                        var edges = r.Match.Edges[rel];
                        if (_pattern.Relationships[rel].Range is null)
                        {
                            return c.Parts.Count == 1 ? EdgeObject(edges[0]) : EdgeValue(edges[0], c.Parts);
                        }

                        return new JsonArray([.. edges.Select(edge => c.Parts.Count == 1 ? EdgeObject(edge) : QueryValues.ToNode(EdgeValue(edge, c.Parts)))]);
                    }

                case ColumnRef { Parts.Count: > 1 } c:
                    return QueryErrors.Execution<object?>(
                        $"'{c.Path}' at line {c.Pos.Line}, column {c.Pos.Column} does not start with an alias of the pattern.",
                        $"Qualify properties with a node or relationship alias of the MATCH pattern ({ExprKeys.List(_nodeAlias.Keys.Concat(_relAlias.Keys))}).");
                default:
                    return ExprEvaluator.Evaluate(e, r.Row, Scope, _ctx);
            }
        }

        private static object? EdgeValue(GraphEdge edge, IReadOnlyList<string> parts)
        {
            if (parts.Count == 2 && parts[1] == "id")
            {
                return edge.Id;
            }

            return ExprEvaluator.TryPayload(edge.Properties, parts, 1, out var v) ? v : null;
        }

        private static JsonObject EdgeObject(GraphEdge edge)
        {
            var obj = new JsonObject
            {
                ["id"] = edge.Id,
                ["source"] = edge.Source,
                ["target"] = edge.Target,
                ["label"] = edge.Label,
            };
            if (edge.Properties is { } p)
            {
                obj["properties"] = JsonObject.Create(p);
            }

            return obj;
        }

        /// <summary>A node as <c>{id, …payload}</c> (the id wins over a payload field named "id").</summary>
        private JsonObject NodeObject(int position, ulong id)
        {
            var obj = new JsonObject { ["id"] = id };
            if (NodePayload(position, id) is { ValueKind: JsonValueKind.Object } payload)
            {
                foreach (var p in payload.EnumerateObject())
                {
                    if (p.Name != "id")
                    {
                        obj[p.Name] = QueryValues.ToNode(QueryValues.FromJson(p.Value));
                    }
                }
            }

            return obj;
        }

        /// <summary>
        /// A node's payload; for <c>(x@other)</c> the fields of the point with the same id in collection
        /// <c>other</c> are merged over it (nothing happens when that collection or point is missing).
        /// </summary>
        private JsonElement? NodePayload(int position, ulong id)
        {
            var own = _matcher.Payload(id);
            if (_pattern.Nodes[position].Collection is not { } other)
            {
                return own;
            }

            if (_enriched.TryGetValue((other, id), out var merged))
            {
                return merged;
            }

            merged = own;
            if (_ctx.Database.TryGetCollection(other, out var source) && source.Get(id)?.Payload is { ValueKind: JsonValueKind.Object } extra)
            {
                var obj = own is { ValueKind: JsonValueKind.Object } o ? JsonObject.Create(o.Clone())! : [];
                foreach (var p in extra.EnumerateObject())
                {
                    obj[p.Name] = QueryValues.ToNode(QueryValues.FromJson(p.Value));
                }

                merged = JsonSerializer.SerializeToElement(obj, QueryJsonContext.Default.JsonObject);
            }

            _enriched[(other, id)] = merged;
            return merged;
        }
    }
}
