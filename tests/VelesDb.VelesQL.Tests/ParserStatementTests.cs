using VelesDb.VelesQL.Ast;
using static VelesDb.VelesQL.Tests.ParserSelectTests;

namespace VelesDb.VelesQL.Tests;

public class ParserStatementTests
{
    [Fact]
    public void Match_FullPattern()
    {
        var m = Assert.IsType<MatchStatement>(Stmt("MATCH (u:User:Admin@people {handle: 'ana', age: -3, ok: true})-[f:FOLLOWS|LIKES*1..2 {w: 0.5}]->(v)<-[:R*3]-(w)-[*..4]-(x) WHERE u.handle = 'ana' RETURN v.handle AS h, similarity() AS s, * ORDER BY depth, 2 * x DESC LIMIT 50"));
        var p = m.Pattern;
        Assert.Equal(4, p.Nodes.Count);
        Assert.Equal(3, p.Relationships.Count);
        var u = p.Nodes[0];
        Assert.Equal("u", u.Alias);
        Assert.Equal(new[] { "User", "Admin" }, u.Labels);
        Assert.Equal("people", u.Collection);
        Assert.Equal(new[] { "handle", "age", "ok" }, u.Properties.Select(x => x.Key));
        Assert.Equal((Int128)(-3), Assert.IsType<IntegerLiteral>(u.Properties[1].Value).Value);
        var f = p.Relationships[0];
        Assert.Equal("f", f.Alias);
        Assert.Equal(new[] { "FOLLOWS", "LIKES" }, f.Types);
        Assert.Equal(RelDirection.Outgoing, f.Direction);
        Assert.Equal(new HopRange(1, 2), f.Range);
        Assert.Equal(RelDirection.Incoming, p.Relationships[1].Direction);
        Assert.Equal(new HopRange(3, 3), p.Relationships[1].Range);
        Assert.Equal(RelDirection.Both, p.Relationships[2].Direction);
        Assert.Equal(new HopRange(1, 4), p.Relationships[2].Range);
        Assert.Equal(3, m.Return.Count);
        Assert.Equal("h", m.Return[0].Alias);
        Assert.Equal(2, m.OrderBy.Count);
        Assert.Equal(50UL, m.Limit);
        Assert.Equal(new SourcePosition(6, 1, 7), u.Pos);
    }

    [Theory]
    [InlineData("MATCH (a)-[*1..50]->(b) RETURN b", ParseErrorKind.ComplexityLimit, "[E007] Graph expansion exceeded: max=32")]
    [InlineData("MATCH (a)-[*]->(b) RETURN b", ParseErrorKind.ComplexityLimit, "[E007]")]
    [InlineData("MATCH (a)-[*2..]->(b) RETURN b", ParseErrorKind.ComplexityLimit, "[E007]")]
    [InlineData("MATCH (a)-[*33]->(b) RETURN b", ParseErrorKind.ComplexityLimit, "[E007]")]
    [InlineData("MATCH (a)-[*5..2]->(b) RETURN b", ParseErrorKind.SyntaxError, "min 5 is greater than max 2")]
    [InlineData("MATCH (a), (b) RETURN a", ParseErrorKind.SyntaxError, "Comma-separated MATCH patterns")]
    [InlineData("MATCH (a) RETURN count(a)", ParseErrorKind.SyntaxError, "not allowed in MATCH RETURN")]
    [InlineData("MATCH (a)<-[:R]->(b) RETURN a", ParseErrorKind.SyntaxError, "both ways")]
    [InlineData("MATCH (a)-[:R]->(b) RETURN a ORDER BY a.x * 2", ParseErrorKind.SyntaxError, "bare identifiers")]
    [InlineData("MATCH (a) WHERE a.x = 1", ParseErrorKind.UnexpectedToken, "Expected RETURN but found end of input")]
    public void Match_Rejects(string q, ParseErrorKind kind, string fragment)
    {
        var e = Fails(q);
        Assert.Equal(kind, e.Kind);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_RangeAtBudgetEdge_Parses()
    {
        var m = Assert.IsType<MatchStatement>(Stmt("MATCH (a)-[*32]->(b) RETURN b"));
        Assert.Equal(new HopRange(32, 32), m.Pattern.Relationships[0].Range);
    }

    [Fact]
    public void Insert_MultiRowAndUpsert()
    {
        var i = Assert.IsType<InsertStatement>(Stmt("INSERT INTO notes (id, vector, title) VALUES (7, $v, 'todo'), (8, [1, 2], 'x')"));
        Assert.False(i.Upsert);
        Assert.Equal(new[] { "id", "vector", "title" }, i.Columns);
        Assert.Equal(2, i.Rows.Count);
        Assert.IsType<VectorLiteral>(i.Rows[1][1]);
        Assert.True(Assert.IsType<InsertStatement>(Stmt("UPSERT INTO notes (id) VALUES (1)")).Upsert);
        var e = Fails("INSERT INTO docs (id, title) VALUES (1, 'A'), (2, 'B', 'Extra')");
        Assert.Equal("VALUES row 2 has 3 values but the column list has 2", e.Detail);
        Assert.Equal(46, e.Position.Offset);
    }

    [Fact]
    public void Update_Delete()
    {
        var u = Assert.IsType<UpdateStatement>(Stmt("UPDATE notes SET pinned = TRUE, meta.x = 2"));
        Assert.Null(u.Where);
        Assert.Equal(new[] { "pinned", "meta.x" }, u.Assignments.Select(a => a.Key));
        var d = Assert.IsType<DeleteStatement>(Stmt("DELETE FROM notes WHERE id IN (7, 8)"));
        Assert.IsType<InCondition>(d.Where);
        Assert.Contains("DELETE requires a WHERE clause", Fails("DELETE FROM docs").Message, StringComparison.Ordinal);
        var de = Assert.IsType<DeleteEdgeStatement>(Stmt("DELETE EDGE 55 FROM kg"));
        Assert.Equal(55UL, de.EdgeId);
        Assert.Equal("kg", de.Collection);
    }

    [Fact]
    public void Train_RequiresWith()
    {
        var t = Assert.IsType<TrainQuantizerStatement>(Stmt("TRAIN QUANTIZER ON notes WITH (m = 16, k = 256, type = opq, force = true)"));
        Assert.Equal("opq", Assert.IsType<ColumnRef>(t.Options[2].Value).Path);
        Assert.True(Assert.IsType<BoolLiteral>(t.Options[3].Value).Value);
        Assert.Equal("Expected WITH but found end of input", Fails("TRAIN QUANTIZER ON notes").Detail);
        Assert.Contains("reserved keyword 'WITH'", Fails("TRAIN QUANTIZER ON WITH (m=8)").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateCollection_Variants()
    {
        var c = Assert.IsType<CreateCollectionStatement>(Stmt("CREATE COLLECTION notes (dimension = 384, metric = 'dot') WITH (storage = 'pq')"));
        Assert.Equal(CollectionKind.Vector, c.Kind);
        Assert.Equal(2, c.Options.Count);
        Assert.Equal("storage", Assert.Single(c.With).Key);
        var g = Assert.IsType<CreateCollectionStatement>(Stmt("CREATE GRAPH COLLECTION kg (dimension = 8) WITH SCHEMA (NODE Person (name: STRING, age: INT), NODE City, EDGE LIVES FROM Person TO City)"));
        Assert.Equal(CollectionKind.Graph, g.Kind);
        Assert.Equal(2, g.NodeTypes.Count);
        Assert.Equal(new KeyValuePair<string, string>("age", "INT"), g.NodeTypes[0].Properties[1]);
        Assert.Equal(new EdgeTypeSchema(g.EdgeTypes[0].Pos, "LIVES", "Person", "City"), g.EdgeTypes[0]);
        Assert.True(Assert.IsType<CreateCollectionStatement>(Stmt("CREATE GRAPH COLLECTION kg SCHEMALESS")).Schemaless);
        Assert.Equal(CollectionKind.Metadata, Assert.IsType<CreateCollectionStatement>(Stmt("CREATE METADATA COLLECTION tags")).Kind);
        Assert.Equal("Expected COLLECTION but found 'TABLE'", Fails("CREATE TABLE docs (dimension = 768)").Detail);
    }

    [Fact]
    public void Drop_And_Index()
    {
        var d = Assert.IsType<DropCollectionStatement>(Stmt("DROP COLLECTION IF EXISTS scratch"));
        Assert.True(d.IfExists);
        Assert.Equal("scratch", d.Name);
        Assert.False(Assert.IsType<DropCollectionStatement>(Stmt("DROP COLLECTION x")).IfExists);
        var ci = Assert.IsType<IndexStatement>(Stmt("CREATE INDEX ON notes (meta.lang)"));
        Assert.False(ci.Drop);
        Assert.Equal("meta.lang", ci.Field);
        Assert.True(Assert.IsType<IndexStatement>(Stmt("DROP INDEX ON notes (lang)")).Drop);
        Assert.Equal("Expected '(' around the indexed field but found end of input", Fails("CREATE INDEX ON docs").Detail);
        Assert.Equal("Expected COLLECTION but found 'docs'", Fails("DROP docs").Detail);
    }

    [Fact]
    public void GraphDml()
    {
        var ie = Assert.IsType<InsertEdgeStatement>(Stmt("INSERT EDGE INTO kg (source = 3, target = 9, label = 'CITES', id = 1) WITH PROPERTIES (w = 0.4)"));
        Assert.Equal(new[] { "source", "target", "label", "id" }, ie.Fields.Select(f => f.Key));
        Assert.Equal(0.4, Assert.IsType<FloatLiteral>(Assert.Single(ie.Properties).Value).Value);
        var n = Assert.IsType<InsertNodeStatement>(Stmt("INSERT NODE INTO kg (id = 3, payload = '{\"_labels\":[\"Paper\"]}')"));
        Assert.Equal("{\"_labels\":[\"Paper\"]}", Assert.IsType<StringLiteral>(n.Fields[1].Value).Value);
        var se = Assert.IsType<SelectEdgesStatement>(Stmt("SELECT EDGES FROM kg WHERE target = 9 AND label = 'X' LIMIT 20"));
        Assert.Equal(new[] { "target", "label" }, se.Filters.Select(f => f.Key));
        Assert.Equal(20UL, se.Limit);
        Assert.Contains("at most 2", Fails("SELECT EDGES FROM kg WHERE source = 1 AND target = 2 AND label = 'x'").Message, StringComparison.Ordinal);
        Assert.Contains("source, target or label", Fails("SELECT EDGES FROM kg WHERE weight = 1").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AdminStatements()
    {
        Assert.IsType<ShowCollectionsStatement>(Stmt("SHOW COLLECTIONS;"));
        Assert.Equal("notes", Assert.IsType<DescribeStatement>(Stmt("DESCRIBE COLLECTION notes")).Collection);
        Assert.Equal("notes", Assert.IsType<DescribeStatement>(Stmt("describe notes")).Collection);
        Assert.Equal("notes", Assert.IsType<AnalyzeStatement>(Stmt("ANALYZE COLLECTION notes")).Collection);
        Assert.Equal("notes", Assert.IsType<TruncateStatement>(Stmt("TRUNCATE notes")).Collection);
        var a = Assert.IsType<AlterCollectionStatement>(Stmt("ALTER COLLECTION notes SET (auto_reindex = false)"));
        Assert.False(Assert.IsType<BoolLiteral>(Assert.Single(a.Options).Value).Value);
        Assert.Equal(new FlushStatement(new SourcePosition(0, 1, 1), true, "notes"), Stmt("FLUSH FULL notes"));
        Assert.Equal(new FlushStatement(new SourcePosition(0, 1, 1), false, null), Stmt("FLUSH"));
        var ex = Assert.IsType<ExplainStatement>(Stmt("EXPLAIN SELECT * FROM notes UNION SELECT * FROM b"));
        Assert.IsType<CompoundSelectStatement>(ex.Target);
        Assert.Contains("only SELECT and compound queries", Fails("EXPLAIN MATCH (a) RETURN a").Message, StringComparison.Ordinal);
        Assert.Equal("Expected a collection name but found end of input", Fails("DESCRIBE COLLECTION").Detail);
        Assert.Equal("Expected COLLECTIONS but found 'TABLES'", Fails("SHOW TABLES").Detail);
    }

    [Fact]
    public void Limits_NotNestingAndLikeTerms()
    {
        string nots = string.Concat(Enumerable.Repeat("NOT ", 64));
        Assert.IsType<NotCondition>(Select($"SELECT * FROM t WHERE {nots}a = 1").Where);
        var e = Fails($"SELECT * FROM t WHERE NOT {nots}a = 1");
        Assert.Equal(ParseErrorKind.ComplexityLimit, e.Kind);
        string likes8 = string.Join(" OR ", Enumerable.Range(0, 8).Select(i => $"a LIKE '{i}%'"));
        Assert.NotNull(Select($"SELECT * FROM t WHERE {likes8}").Where);
        e = Fails($"SELECT * FROM t WHERE {likes8} OR b ILIKE 'x'");
        Assert.Equal(ParseErrorKind.ComplexityLimit, e.Kind);
        Assert.Contains("LIKE terms: max=8", e.Message, StringComparison.Ordinal);
        e = Fails("SELECT * FROM t WHERE " + new string('(', 65) + "a = 1" + new string(')', 65));
        Assert.Equal(ParseErrorKind.ComplexityLimit, e.Kind);
    }

    [Fact]
    public void Limits_LongAndChainBeyondAstDepth_Rejected()
    {
        string ok = string.Join(" AND ", Enumerable.Range(0, 60).Select(i => $"a{i} = {i}"));
        Assert.NotNull(Select($"SELECT * FROM t WHERE {ok}").Where);
        string tooDeep = string.Join(" AND ", Enumerable.Range(0, 70).Select(i => $"a{i} = {i}"));
        Assert.Equal(ParseErrorKind.ComplexityLimit, Fails($"SELECT * FROM t WHERE {tooDeep}").Kind);
    }
}
