using System.Globalization;
using System.Text;
using VelesDb.VelesQL.Ast;

namespace VelesDb.VelesQL;

/// <summary>
/// Renders an AST as canonical VelesQL text (upper-case keywords, single spaces, explicit
/// parentheses). Parsing the output yields the same tree up to source positions.
/// </summary>
internal static class Printer
{
    /// <summary>Renders a whole query.</summary>
    public static string Print(Query query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sb = new StringBuilder();
        foreach (var let in query.Lets)
        {
            sb.Append("LET ").Append(Ident(let.Name)).Append(" = ").Append(Expr(let.Value)).Append(' ');
        }

        return sb.Append(Statement(query.Statement)).ToString();
    }

    /// <summary>Renders one statement.</summary>
    public static string Statement(Statement statement) => statement switch
    {
        SelectStatement s => Select(s),
        CompoundSelectStatement c => Select(c.First) + string.Concat(c.Rest.Select(r => " " + SetOp(r.Operator) + " " + Select(r.Right))),
        MatchStatement m => MatchStmt(m),
        InsertStatement i => (i.Upsert ? "UPSERT" : "INSERT") + " INTO " + Ident(i.Collection) + " (" + string.Join(", ", i.Columns.Select(Ident)) + ") VALUES "
            + string.Join(", ", i.Rows.Select(r => "(" + string.Join(", ", r.Select(Expr)) + ")")),
        UpdateStatement u => "UPDATE " + Ident(u.Collection) + " SET " + string.Join(", ", u.Assignments.Select(a => Path(a.Key) + " = " + Expr(a.Value)))
            + (u.Where is null ? "" : " WHERE " + Cond(u.Where)),
        DeleteStatement d => "DELETE FROM " + Ident(d.Collection) + " WHERE " + Cond(d.Where),
        DeleteEdgeStatement d => "DELETE EDGE " + d.EdgeId.ToString(CultureInfo.InvariantCulture) + " FROM " + Ident(d.Collection),
        TrainQuantizerStatement t => "TRAIN QUANTIZER ON " + Ident(t.Collection) + " WITH " + Options(t.Options),
        CreateCollectionStatement c => CreateCollection(c),
        DropCollectionStatement d => "DROP COLLECTION " + (d.IfExists ? "IF EXISTS " : "") + Ident(d.Name),
        IndexStatement i => (i.Drop ? "DROP" : "CREATE") + " INDEX ON " + Ident(i.Collection) + " (" + Path(i.Field) + ")",
        InsertEdgeStatement e => "INSERT EDGE INTO " + Ident(e.Collection) + " " + Options(e.Fields) + (e.Properties.Count == 0 ? "" : " WITH PROPERTIES " + Options(e.Properties)),
        InsertNodeStatement n => "INSERT NODE INTO " + Ident(n.Collection) + " " + Options(n.Fields),
        SelectEdgesStatement s => "SELECT EDGES FROM " + Ident(s.Collection)
            + (s.Filters.Count == 0 ? "" : " WHERE " + string.Join(" AND ", s.Filters.Select(f => f.Key + " = " + Expr(f.Value))))
            + (s.Limit is { } l ? " LIMIT " + l.ToString(CultureInfo.InvariantCulture) : ""),
        ShowCollectionsStatement => "SHOW COLLECTIONS",
        DescribeStatement d => "DESCRIBE COLLECTION " + Ident(d.Collection),
        ExplainStatement e => "EXPLAIN " + Statement(e.Target),
        AnalyzeStatement a => "ANALYZE COLLECTION " + Ident(a.Collection),
        TruncateStatement t => "TRUNCATE COLLECTION " + Ident(t.Collection),
        AlterCollectionStatement a => "ALTER COLLECTION " + Ident(a.Collection) + " SET " + Options(a.Options),
        FlushStatement f => "FLUSH" + (f.Full ? " FULL" : "") + (f.Collection is null ? "" : " " + Ident(f.Collection)),
        _ => throw new ArgumentException($"Unknown statement {statement.GetType().Name}", nameof(statement)),
    };

    private static string SetOp(SetOperator op) => op switch
    {
        SetOperator.Union => "UNION",
        SetOperator.UnionAll => "UNION ALL",
        SetOperator.Intersect => "INTERSECT",
        _ => "EXCEPT",
    };

    private static string Select(SelectStatement s)
    {
        var sb = new StringBuilder("SELECT ");
        if (s.Distinct)
        {
            sb.Append("DISTINCT ");
        }

        sb.Append(string.Join(", ", s.Items.Select(Item))).Append(" FROM ").Append(Table(s.From));
        foreach (var j in s.Joins)
        {
            sb.Append(' ').Append(j.Kind switch
            {
                JoinKind.Left => "LEFT JOIN",
                JoinKind.Right => "RIGHT JOIN",
                JoinKind.Full => "FULL JOIN",
                _ => "JOIN",
            }).Append(' ').Append(Table(j.Table));
            sb.Append(j.On is not null ? " ON " + Cond(j.On) : " USING (" + string.Join(", ", j.Using!.Select(Ident)) + ")");
        }

        if (s.Where is not null)
        {
            sb.Append(" WHERE ").Append(Cond(s.Where));
        }

        if (s.GroupBy.Count > 0)
        {
            sb.Append(" GROUP BY ").Append(string.Join(", ", s.GroupBy.Select(Expr)));
        }

        if (s.Having is not null)
        {
            sb.Append(" HAVING ").Append(Cond(s.Having));
        }

        AppendOrderBy(sb, s.OrderBy);
        if (s.Limit is { } limit)
        {
            sb.Append(" LIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture));
        }

        if (s.Offset is { } offset)
        {
            sb.Append(" OFFSET ").Append(offset.ToString(CultureInfo.InvariantCulture));
        }

        if (s.With.Count > 0)
        {
            sb.Append(" WITH ").Append(Options(s.With));
        }

        if (s.Fusion is not null)
        {
            sb.Append(" USING FUSION");
            if (s.Fusion.Count > 0)
            {
                sb.Append(Options(s.Fusion));
            }
        }

        return sb.ToString();
    }

    private static void AppendOrderBy(StringBuilder sb, IReadOnlyList<OrderItem> items)
    {
        if (items.Count > 0)
        {
            sb.Append(" ORDER BY ").Append(string.Join(", ", items.Select(o => Expr(o.Expression) + (o.Descending ? " DESC" : " ASC"))));
        }
    }

    private static string Item(SelectItem i) => Expr(i.Expression) + (i.Alias is null ? "" : " AS " + Ident(i.Alias));

    private static string Table(TableRef t) => Ident(t.Name) + (t.Alias is null ? "" : " AS " + Ident(t.Alias));

    private static string MatchStmt(MatchStatement m)
    {
        var sb = new StringBuilder("MATCH ").Append(Pattern(m.Pattern));
        if (m.Where is not null)
        {
            sb.Append(" WHERE ").Append(Cond(m.Where));
        }

        sb.Append(" RETURN ").Append(string.Join(", ", m.Return.Select(Item)));
        AppendOrderBy(sb, m.OrderBy);
        if (m.Limit is { } limit)
        {
            sb.Append(" LIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static string CreateCollection(CreateCollectionStatement c)
    {
        var sb = new StringBuilder("CREATE ");
        sb.Append(c.Kind switch
        {
            CollectionKind.Graph => "GRAPH ",
            CollectionKind.Metadata => "METADATA ",
            _ => "",
        }).Append("COLLECTION ").Append(Ident(c.Name));
        if (c.Options.Count > 0)
        {
            sb.Append(' ').Append(Options(c.Options));
        }

        if (c.Schemaless)
        {
            sb.Append(" SCHEMALESS");
        }
        else if (c.NodeTypes.Count + c.EdgeTypes.Count > 0)
        {
            var entries = c.NodeTypes.Select(n => "NODE " + Ident(n.Label)
                    + (n.Properties.Count == 0 ? "" : " (" + string.Join(", ", n.Properties.Select(p => Ident(p.Key) + ": " + Ident(p.Value))) + ")"))
                .Concat(c.EdgeTypes.Select(e => "EDGE " + Ident(e.Label) + " FROM " + Ident(e.From) + " TO " + Ident(e.To)));
            sb.Append(" WITH SCHEMA (").Append(string.Join(", ", entries)).Append(')');
        }
        else if (c.With.Count > 0)
        {
            sb.Append(" WITH ").Append(Options(c.With));
        }

        return sb.ToString();
    }

    private static string Options(IReadOnlyList<OptionEntry> options) =>
        "(" + string.Join(", ", options.Select(o => Ident(o.Key) + " = " + Expr(o.Value))) + ")";

    private static string Pattern(GraphPattern p)
    {
        var sb = new StringBuilder(NodeText(p.Nodes[0]));
        for (int i = 0; i < p.Relationships.Count; i++)
        {
            var r = p.Relationships[i];
            var body = new StringBuilder();
            if (r.Alias is not null)
            {
                body.Append(Ident(r.Alias));
            }

            if (r.Types.Count > 0)
            {
                body.Append(':').Append(string.Join('|', r.Types.Select(Ident)));
            }

            if (r.Range is { } range)
            {
                body.Append('*').Append(range.Min.ToString(CultureInfo.InvariantCulture)).Append("..").Append(range.Max.ToString(CultureInfo.InvariantCulture));
            }

            if (r.Properties.Count > 0)
            {
                body.Append(PropertyMap(r.Properties));
            }

            sb.Append(r.Direction == RelDirection.Incoming ? "<-[" : "-[").Append(body).Append(r.Direction == RelDirection.Outgoing ? "]->" : "]-");
            sb.Append(NodeText(p.Nodes[i + 1]));
        }

        return sb.ToString();
    }

    private static string NodeText(NodePattern n)
    {
        var sb = new StringBuilder("(");
        if (n.Alias is not null)
        {
            sb.Append(Ident(n.Alias));
        }

        foreach (var label in n.Labels)
        {
            sb.Append(':').Append(Ident(label));
        }

        if (n.Collection is not null)
        {
            sb.Append('@').Append(Ident(n.Collection));
        }

        if (n.Properties.Count > 0)
        {
            sb.Append(' ').Append(PropertyMap(n.Properties));
        }

        return sb.Append(')').ToString();
    }

    private static string PropertyMap(IReadOnlyList<OptionEntry> props) =>
        "{" + string.Join(", ", props.Select(p => Ident(p.Key) + ": " + Expr(p.Value))) + "}";

    /// <summary>Renders a condition.</summary>
    public static string Cond(Condition c) => c switch
    {
        AndCondition a => Wrap(a.Left, a.Left is OrCondition) + " AND " + Wrap(a.Right, a.Right is AndCondition or OrCondition),
        OrCondition o => Cond(o.Left) + " OR " + Wrap(o.Right, o.Right is OrCondition),
        NotCondition n => "NOT (" + Cond(n.Operand) + ")",
        CompareCondition cc => Expr(cc.Left) + " " + CompareText(cc.Op) + " " + Expr(cc.Right),
        InCondition i => Expr(i.Operand) + (i.Negated ? " NOT IN (" : " IN (") + string.Join(", ", i.Values.Select(Expr)) + ")",
        BetweenCondition b => Expr(b.Operand) + (b.Negated ? " NOT BETWEEN " : " BETWEEN ") + Expr(b.Low) + " AND " + Expr(b.High),
        LikeCondition l => Expr(l.Operand) + (l.Negated ? " NOT" : "") + (l.CaseInsensitive ? " ILIKE " : " LIKE ") + Expr(l.Pattern),
        IsNullCondition n => Expr(n.Operand) + (n.Negated ? " IS NOT NULL" : " IS NULL"),
        TextMatchCondition t => Expr(t.Column) + " MATCH " + Expr(t.Query),
        ContainsTextCondition t => Expr(t.Column) + " CONTAINS_TEXT " + Expr(t.Text),
        ContainsCondition ct => Expr(ct.Column) + ct.Mode switch
        {
            ContainsMode.Any => " CONTAINS ANY (" + string.Join(", ", ct.Values.Select(Expr)) + ")",
            ContainsMode.All => " CONTAINS ALL (" + string.Join(", ", ct.Values.Select(Expr)) + ")",
            _ => " CONTAINS " + Expr(ct.Values[0]),
        },
        FunctionCondition f => Expr(f.Call),
        NearCondition n => Path(n.Field) + " NEAR " + Expr(n.Vector),
        SparseNearCondition s => Path(s.Field) + " SPARSE_NEAR " + Expr(s.Vector) + (s.IndexName is null ? "" : " USING " + Quote(s.IndexName)),
        NearFusedCondition f => Path(f.Field) + " NEAR_FUSED [" + string.Join(", ", f.Vectors.Select(Expr)) + "]"
            + (f.Strategy is null ? "" : " USING FUSION " + Quote(f.Strategy) + (f.Parameters.Count == 0 ? "" : " " + Options(f.Parameters))),
        GraphMatchCondition g => "MATCH " + Pattern(g.Pattern),
        _ => throw new ArgumentException($"Unknown condition {c.GetType().Name}", nameof(c)),
    };

    private static string Wrap(Condition c, bool parens) => parens ? "(" + Cond(c) + ")" : Cond(c);

    private static string CompareText(CompareOp op) => op switch
    {
        CompareOp.Eq => "=",
        CompareOp.NotEq => "!=",
        CompareOp.Lt => "<",
        CompareOp.LtEq => "<=",
        CompareOp.Gt => ">",
        _ => ">=",
    };

    /// <summary>Renders a value expression.</summary>
    public static string Expr(Expr e) => e switch
    {
        IntegerLiteral i => i.Value.ToString(CultureInfo.InvariantCulture),
        FloatLiteral f => Number(f.Value),
        StringLiteral s => Quote(s.Value),
        BoolLiteral b => b.Value ? "TRUE" : "FALSE",
        NullLiteral => "NULL",
        ParameterRef p => "$" + p.Name,
        VectorLiteral v => "[" + string.Join(", ", v.Values.Select(Number)) + "]",
        SparseVectorLiteral s => "{" + string.Join(", ", s.Entries.Select(x => x.Index.ToString(CultureInfo.InvariantCulture) + ": " + Number(x.Weight))) + "}",
        ColumnRef c => Ident(c.Parts[0]) + string.Concat(c.Parts.Skip(1).Select(p => "." + Ident(p))),
        StarExpr s => s.Qualifier is null ? "*" : Ident(s.Qualifier) + ".*",
        SimilarityExpr s => s.Field is null ? "similarity()" : "similarity(" + Expr(s.Field) + ", " + Expr(s.Vector!) + ")",
        AggregateExpr a => a.Function.ToString().ToUpperInvariant() + "(" + (a.Argument is null ? "*" : Expr(a.Argument)) + ")",
        WindowExpr w => Window(w),
        FunctionCall f => f.Name + "(" + string.Join(", ", f.Arguments.Select(Expr)) + ")",
        NowExpr => "NOW()",
        IntervalExpr i => "INTERVAL " + Quote(i.Text),
        BinaryExpr b => Operand(b.Left) + b.Op switch
        {
            ArithmeticOp.Add => " + ",
            ArithmeticOp.Subtract => " - ",
            ArithmeticOp.Multiply => " * ",
            _ => " / ",
        } + Operand(b.Right),
        NegateExpr n => "-(" + Expr(n.Operand) + ")",
        SubqueryExpr s => "(" + Select(s.Query) + ")",
        _ => throw new ArgumentException($"Unknown expression {e.GetType().Name}", nameof(e)),
    };

    private static string Operand(Expr e) => e is BinaryExpr ? "(" + Expr(e) + ")" : Expr(e);

    private static string Window(WindowExpr w)
    {
        string name = w.Function switch
        {
            WindowFunction.RowNumber => "ROW_NUMBER",
            WindowFunction.Rank => "RANK",
            _ => "DENSE_RANK",
        };
        var parts = new List<string>();
        if (w.PartitionBy.Count > 0)
        {
            parts.Add("PARTITION BY " + string.Join(", ", w.PartitionBy.Select(Expr)));
        }

        if (w.OrderBy.Count > 0)
        {
            parts.Add("ORDER BY " + string.Join(", ", w.OrderBy.Select(o => Expr(o.Expression) + (o.Descending ? " DESC" : " ASC"))));
        }

        return name + "() OVER (" + string.Join(" ", parts) + ")";
    }

    /// <summary>Renders a float so that it lexes back as a float literal (<c>-?\d+\.\d+</c>).</summary>
    private static string Number(double v)
    {
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E', StringComparison.Ordinal))
        {
            s = v.ToString("0.0##################################################################################", CultureInfo.InvariantCulture);
        }

        return s.Contains('.', StringComparison.Ordinal) ? s : s + ".0";
    }

    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Path(string dotted) => string.Join('.', dotted.Split('.').Select(Ident));

    /// <summary>Renders an identifier, double-quoting it when it is not a plain non-reserved word.</summary>
    public static string Ident(string name)
    {
        bool plain = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
        return plain && !Parser.Reserved.Contains(name) ? name : "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
