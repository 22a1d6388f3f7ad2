using System.Text.Json;
using System.Text.Json.Nodes;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Query;

/// <summary>
/// Turns rows into result objects (spec §6.3): <c>*</c> gives <c>{id, …payload}</c> (the point id
/// wins over a payload <c>id</c>; LET values are added; joined sources add the keys not already
/// present), <c>alias.*</c> gives that source's <c>{id, …payload}</c>, named items give exactly their
/// keys (alias, else the path as written without a source qualifier, <c>similarity</c>, <c>count</c>,
/// <c>sum_year</c>, …).
/// </summary>
internal sealed class Projection
{
    private readonly SelectStatement _select;
    private readonly Scope _scope;
    private readonly ExecContext _ctx;
    private readonly Dictionary<string, Expr> _aliases = new(StringComparer.Ordinal);

    public Projection(SelectStatement select, Scope scope, ExecContext ctx)
    {
        _select = select;
        _scope = scope;
        _ctx = ctx;
        foreach (var i in select.Items)
        {
            if (i.Alias is not null)
            {
                _aliases.TryAdd(i.Alias, i.Expression);
            }
        }
    }

    /// <summary>The value an ORDER BY item sorts on (select aliases resolve to their expression).</summary>
    public object? SortKey(Expr e, Row row)
    {
        if (e is ColumnRef { Parts.Count: 1 } c && !_ctx.Lets.ContainsKey(c.Parts[0]) && _aliases.TryGetValue(c.Parts[0], out var aliased))
        {
            return ExprEvaluator.Evaluate(aliased, row, _scope, _ctx);
        }

        return ExprEvaluator.Evaluate(e, row, _scope, _ctx);
    }

    /// <summary>Keeps the first row of each distinct projection (window items excluded).</summary>
    public List<Row> Distinct(List<Row> rows)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return rows.FindAll(r => seen.Add(Project(r, skipWindows: true).ToJsonString()));
    }

    /// <summary>The result object of one row.</summary>
    public JsonObject Project(Row row) => Project(row, skipWindows: false);

    private JsonObject Project(Row row, bool skipWindows)
    {
        var o = new JsonObject();
        foreach (var item in _select.Items)
        {
            switch (item.Expression)
            {
                case StarExpr { Qualifier: null }:
                    AddSource(o, row.Primary);
                    foreach (var (name, _) in _ctx.Lets)
                    {
                        Add(o, name, ExprEvaluator.Column(new ColumnRef(item.Pos, [name]), row, _scope, _ctx));
                    }

                    if (row.Joined is not null)
                    {
                        foreach (var source in row.Joined.Values)
                        {
                            AddSource(o, source, skipId: true);
                        }
                    }

                    break;
                case StarExpr { Qualifier: { } q }:
                    var kind = _scope.Qualifier(q, out var key);
                    AddSource(o, kind == 1 ? row.Primary : kind == 2 && row.Joined is { } j && j.TryGetValue(key!, out var s) ? s : null);
                    break;
                case WindowExpr when skipWindows:
                    break;
                default:
                    Add(o, item.Alias ?? OutputName(item.Expression), ExprEvaluator.Evaluate(item.Expression, row, _scope, _ctx));
                    break;
            }
        }

        return o;
    }

    private string OutputName(Expr e) =>
        e is ColumnRef { Parts.Count: > 1 } c && _scope.Qualifier(c.Parts[0], out _) != 0
            ? string.Join('.', c.Parts.Skip(1))
            : ExprKeys.DefaultName(e);

    private static void Add(JsonObject o, string key, object? value)
    {
        if (!o.ContainsKey(key))
        {
            o[key] = QueryValues.ToNode(value);
        }
    }

    private static void AddSource(JsonObject o, SourceRow? source, bool skipId = false)
    {
        if (source is null)
        {
            return;
        }

        if (!skipId)
        {
            Add(o, "id", source.Id);
        }

        if (source.Payload is { ValueKind: JsonValueKind.Object } payload)
        {
            foreach (var p in payload.EnumerateObject())
            {
                Add(o, p.Name, p.Value);
            }
        }
    }
}
