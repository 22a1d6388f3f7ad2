using VelesDb.VelesQL.Ast;

namespace VelesDb.VelesQL.Tests;

public class ParserSelectTests
{
    internal static Statement Stmt(string q) => VelesQLParser.Parse(q).Statement;

    internal static SelectStatement Select(string q) => Assert.IsType<SelectStatement>(Stmt(q));

    internal static VelesQLParseException Fails(string q) => Assert.Throws<VelesQLParseException>(() => VelesQLParser.Parse(q));

    [Fact]
    public void Select_FullClauseSet()
    {
        var s = Select("SELECT DISTINCT a, b.c AS x, similarity() s FROM notes AS n WHERE stars > 3 GROUP BY a, b.c HAVING COUNT(*) >= 2 ORDER BY x DESC, a LIMIT 20 OFFSET 40 WITH (mode = 'accurate', timeout_ms = 2000) USING FUSION(strategy = 'rrf', k = 60)");
        Assert.True(s.Distinct);
        Assert.Equal(3, s.Items.Count);
        Assert.Equal("a", Assert.IsType<ColumnRef>(s.Items[0].Expression).Path);
        Assert.Equal("b.c", Assert.IsType<ColumnRef>(s.Items[1].Expression).Path);
        Assert.Equal("x", s.Items[1].Alias);
        Assert.IsType<SimilarityExpr>(s.Items[2].Expression);
        Assert.Equal("s", s.Items[2].Alias);
        Assert.Equal(new TableRef(new SourcePosition(49, 1, 50), "notes", "n"), s.From);
        var where = Assert.IsType<CompareCondition>(s.Where);
        Assert.Equal(CompareOp.Gt, where.Op);
        Assert.Equal(new SourcePosition(66, 1, 67), where.Pos);
        Assert.Equal(new[] { "a", "b.c" }, s.GroupBy.Select(g => g.Path));
        var having = Assert.IsType<CompareCondition>(s.Having);
        Assert.Equal(new AggregateExpr(having.Left.Pos, AggregateFunction.Count, null), having.Left);
        Assert.Equal(2, s.OrderBy.Count);
        Assert.True(s.OrderBy[0].Descending);
        Assert.False(s.OrderBy[1].Descending);
        Assert.Equal(20UL, s.Limit);
        Assert.Equal(40UL, s.Offset);
        Assert.Equal(new[] { "mode", "timeout_ms" }, s.With.Select(o => o.Key));
        Assert.Equal("accurate", Assert.IsType<StringLiteral>(s.With[0].Value).Value);
        Assert.Equal(2, s.Fusion!.Count);
    }

    [Fact]
    public void Select_KeywordsCaseInsensitive_IdentifiersCaseSensitive()
    {
        var s = Select("select Title from Notes where Lang = 'fr' limit 3");
        Assert.Equal("Title", ((ColumnRef)s.Items[0].Expression).Path);
        Assert.Equal("Notes", s.From.Name);
        Assert.Equal(3UL, s.Limit);
    }

    [Fact]
    public void Select_QuotedIdentifiersAndComment()
    {
        var s = Select("SELECT `order`, \"from\" FROM t -- trailing comment");
        Assert.Equal(new[] { "order", "from" }, s.Items.Select(i => ((ColumnRef)i.Expression).Path));
    }

    [Fact]
    public void Select_WordBoundaryKeywords_AreIdentifiers()
    {
        var s = Select("SELECT collection_name, fulltext, asset FROM t");
        Assert.Equal(new[] { "collection_name", "fulltext", "asset" }, s.Items.Select(i => ((ColumnRef)i.Expression).Path));
    }

    [Fact]
    public void Select_Joins_AllKinds()
    {
        var s = Select("SELECT * FROM a JOIN b USING (id) LEFT OUTER JOIN c AS x ON a.id = x.id RIGHT JOIN d ON d.id = a.id FULL JOIN e e2 ON e2.id = a.k INNER JOIN f ON f.id = a.f");
        Assert.Equal(new[] { JoinKind.Inner, JoinKind.Left, JoinKind.Right, JoinKind.Full, JoinKind.Inner }, s.Joins.Select(j => j.Kind));
        Assert.Equal(new[] { "id" }, s.Joins[0].Using);
        Assert.Null(s.Joins[0].On);
        Assert.Equal(new[] { "x", "e2" }, s.Aliases);
    }

    [Theory]
    [InlineData("SELECT * FROM a WHERE x = 1 AND y = 2 OR z = 3", typeof(OrCondition))]
    [InlineData("SELECT * FROM a WHERE x = 1 OR y = 2 AND z = 3", typeof(OrCondition))]
    [InlineData("SELECT * FROM a WHERE (x = 1 OR y = 2) AND z = 3", typeof(AndCondition))]
    [InlineData("SELECT * FROM a WHERE NOT x = 1 AND y = 2", typeof(AndCondition))]
    [InlineData("SELECT * FROM a WHERE NOT (x = 1 AND y = 2)", typeof(NotCondition))]
    public void Where_Precedence(string q, Type root) => Assert.IsType(root, Select(q).Where);

    [Fact]
    public void Where_AllOperators()
    {
        var c = Select("SELECT * FROM t WHERE a IN (1, 2) AND b NOT IN ('x') AND c BETWEEN 1 AND 5 AND d LIKE 'p%' AND e ILIKE 'v_s%' AND f IS NULL AND g IS NOT NULL AND h MATCH 'graph index' AND i CONTAINS_TEXT 'HNSW' AND j CONTAINS 'x' AND k CONTAINS ANY ('ml', 'ir') AND l CONTAINS ALL (1, 2) AND GEO_DISTANCE(loc, 45.76, 4.84) < 2000 AND GEO_BBOX(loc, 1.0, 2.0, 3.0, 4.0) AND m NOT BETWEEN 1 AND 2 AND n NOT LIKE 'z'").Where;
        var terms = new List<Condition>();
        while (c is AndCondition and)
        {
            terms.Insert(0, and.Right);
            c = and.Left;
        }

        terms.Insert(0, c!);
        Assert.Equal(16, terms.Count);
        Assert.False(Assert.IsType<InCondition>(terms[0]).Negated);
        Assert.True(Assert.IsType<InCondition>(terms[1]).Negated);
        Assert.IsType<BetweenCondition>(terms[2]);
        Assert.False(Assert.IsType<LikeCondition>(terms[3]).CaseInsensitive);
        Assert.True(Assert.IsType<LikeCondition>(terms[4]).CaseInsensitive);
        Assert.False(Assert.IsType<IsNullCondition>(terms[5]).Negated);
        Assert.True(Assert.IsType<IsNullCondition>(terms[6]).Negated);
        Assert.Equal("graph index", ((StringLiteral)Assert.IsType<TextMatchCondition>(terms[7]).Query).Value);
        Assert.IsType<ContainsTextCondition>(terms[8]);
        Assert.Equal(ContainsMode.Single, Assert.IsType<ContainsCondition>(terms[9]).Mode);
        Assert.Equal(ContainsMode.Any, Assert.IsType<ContainsCondition>(terms[10]).Mode);
        Assert.Equal(ContainsMode.All, Assert.IsType<ContainsCondition>(terms[11]).Mode);
        Assert.Equal("GEO_DISTANCE", Assert.IsType<FunctionCall>(Assert.IsType<CompareCondition>(terms[12]).Left).Name);
        Assert.Equal(5, Assert.IsType<FunctionCondition>(terms[13]).Call.Arguments.Count);
        Assert.True(Assert.IsType<BetweenCondition>(terms[14]).Negated);
        Assert.True(Assert.IsType<LikeCondition>(terms[15]).Negated);
    }

    [Fact]
    public void Where_VectorPredicates()
    {
        var near = Assert.IsType<NearCondition>(Select("SELECT * FROM t WHERE vector NEAR [0.1, -2, 3]").Where);
        Assert.Equal(new[] { 0.1, -2.0, 3.0 }, Assert.IsType<VectorLiteral>(near.Vector).Values);
        var sparse = Assert.IsType<SparseNearCondition>(Select("SELECT * FROM t WHERE vector SPARSE_NEAR {12: 0.8, 45: 0.3} USING 'splade'").Where);
        Assert.Equal(new[] { new SparseEntry(12, 0.8), new SparseEntry(45, 0.3) }, Assert.IsType<SparseVectorLiteral>(sparse.Vector).Entries);
        Assert.Equal("splade", sparse.IndexName);
        var fused = Assert.IsType<NearFusedCondition>(Select("SELECT * FROM t WHERE vector NEAR_FUSED [$img, [1, 2]] USING FUSION 'maximum' (k = 60) LIMIT 3").Where);
        Assert.Equal(2, fused.Vectors.Count);
        Assert.Equal("maximum", fused.Strategy);
        Assert.Equal("k", Assert.Single(fused.Parameters).Key);
        var sim = Assert.IsType<CompareCondition>(Select("SELECT * FROM t WHERE similarity(vector, $q) >= 0.75").Where);
        var simExpr = Assert.IsType<SimilarityExpr>(sim.Left);
        Assert.Equal("vector", simExpr.Field!.Path);
        Assert.Equal("q", Assert.IsType<ParameterRef>(simExpr.Vector).Name);
    }

    [Theory]
    [InlineData("SELECT * FROM t WHERE vector SPARSE_NEAR {1: 1} LIMIT 5", "float weight")]
    [InlineData("SELECT * FROM t WHERE vector SPARSE_NEAR {} LIMIT 5", "empty sparse vector")]
    [InlineData("SELECT * FROM t WHERE vector NEAR 5", "a vector ($param or [..]) after NEAR")]
    [InlineData("SELECT * FROM t WHERE vector NEAR []", "at least one component")]
    [InlineData("SELECT *, id FROM t", "'SELECT *, expr' is not valid")]
    [InlineData("SELECT FIRST(*) FROM t GROUP BY a", "FIRST(*) is not valid")]
    [InlineData("SELECT * FROM t WHERE a", "Expected a comparison or predicate operator")]
    [InlineData("SELECT * FROM t LIMIT $n", "Expected an integer LIMIT but found parameter $n")]
    [InlineData("SELECT * FROM t WHERE a = 1 extra", "Expected end of query but found 'extra'")]
    [InlineData("SELECT * FROM t WHERE a LIKE 1", "a pattern string after LIKE")]
    [InlineData("SELECT * FROM t WHERE ts > NOW() - INTERVAL '2 fortnights'", "Invalid INTERVAL unit")]
    [InlineData("SELECT * FROM t WHERE a = -9223372036854775809", "out of range")]
    [InlineData("SELECT * FROM t WHERE a = 18446744073709551616", "out of range")]
    [InlineData("SELECT * FROM select", "reserved keyword 'select'")]
    [InlineData("SELECT id, NTILE() OVER () FROM items", "Unknown or unsupported function 'NTILE'")]
    public void Select_Rejects_WithMessage(string q, string fragment)
    {
        var e = Fails(q);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_CarriesPositionAndKind()
    {
        var e = Fails("SELECT *\nFROM docs\nWHERE a = = 2");
        Assert.Equal(ParseErrorKind.UnexpectedToken, e.Kind);
        Assert.Equal(new SourcePosition(29, 3, 11), e.Position);
        Assert.Equal("Expected a value (column, literal, $parameter or function) but found '='", e.Detail);
        Assert.EndsWith("at line 3, column 11", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Literals_AllKinds()
    {
        var s = Select("SELECT * FROM t WHERE a IN (18446744073709551615, -9223372036854775808, 1.5, -0.25, 'O''Brien', TRUE, false, NULL, $p)");
        var v = Assert.IsType<InCondition>(s.Where).Values;
        Assert.Equal((Int128)ulong.MaxValue, Assert.IsType<IntegerLiteral>(v[0]).Value);
        Assert.Equal((Int128)long.MinValue, Assert.IsType<IntegerLiteral>(v[1]).Value);
        Assert.Equal(1.5, Assert.IsType<FloatLiteral>(v[2]).Value);
        Assert.Equal(-0.25, Assert.IsType<FloatLiteral>(v[3]).Value);
        Assert.Equal("O'Brien", Assert.IsType<StringLiteral>(v[4]).Value);
        Assert.True(Assert.IsType<BoolLiteral>(v[5]).Value);
        Assert.False(Assert.IsType<BoolLiteral>(v[6]).Value);
        Assert.IsType<NullLiteral>(v[7]);
        Assert.Equal("p", Assert.IsType<ParameterRef>(v[8]).Name);
    }

    [Fact]
    public void Temporal_NowMinusInterval()
    {
        var c = Assert.IsType<CompareCondition>(Select("SELECT * FROM events WHERE ts > NOW() - INTERVAL '2 hours'").Where);
        var b = Assert.IsType<BinaryExpr>(c.Right);
        Assert.Equal(ArithmeticOp.Subtract, b.Op);
        Assert.IsType<NowExpr>(b.Left);
        Assert.Equal(7200, Assert.IsType<IntervalExpr>(b.Right).Seconds);
    }

    [Theory]
    [InlineData("30 s", 30)]
    [InlineData("1 min", 60)]
    [InlineData("3 minutes", 180)]
    [InlineData("1 h", 3600)]
    [InlineData("2 days", 172800)]
    [InlineData("1 week", 604800)]
    [InlineData("1 month", 2592000)]
    public void Interval_Units(string text, long seconds)
    {
        var c = Assert.IsType<CompareCondition>(Select($"SELECT * FROM e WHERE ts > INTERVAL '{text}'").Where);
        Assert.Equal(seconds, Assert.IsType<IntervalExpr>(c.Right).Seconds);
    }

    [Fact]
    public void OrderBy_ArithmeticPrecedence()
    {
        var o = Select("SELECT * FROM docs ORDER BY 0.7 * vector_score + 0.3 * graph_score DESC").OrderBy[0];
        var add = Assert.IsType<BinaryExpr>(o.Expression);
        Assert.Equal(ArithmeticOp.Add, add.Op);
        Assert.Equal(ArithmeticOp.Multiply, Assert.IsType<BinaryExpr>(add.Left).Op);
        Assert.Equal(ArithmeticOp.Multiply, Assert.IsType<BinaryExpr>(add.Right).Op);
        Assert.True(o.Descending);
    }

    [Fact]
    public void Subquery_Scalar()
    {
        var c = Assert.IsType<CompareCondition>(Select("SELECT * FROM notes WHERE stars >= (SELECT MAX(stars) FROM notes WHERE lang = 'fr')").Where);
        var sub = Assert.IsType<SubqueryExpr>(c.Right);
        Assert.Equal(AggregateFunction.Max, Assert.IsType<AggregateExpr>(sub.Query.Items[0].Expression).Function);
    }

    [Fact]
    public void Window_Functions()
    {
        var s = Select("SELECT id, DENSE_RANK() OVER (PARTITION BY lang ORDER BY stars DESC) AS r FROM notes");
        var w = Assert.IsType<WindowExpr>(s.Items[1].Expression);
        Assert.Equal(WindowFunction.DenseRank, w.Function);
        Assert.Equal("lang", Assert.Single(w.PartitionBy).Path);
        Assert.True(Assert.Single(w.OrderBy).Descending);
        Assert.Equal("r", s.Items[1].Alias);
    }

    [Fact]
    public void Compound_LeftToRight()
    {
        var c = Assert.IsType<CompoundSelectStatement>(Stmt("SELECT id FROM a UNION ALL SELECT id FROM b INTERSECT SELECT id FROM c EXCEPT SELECT id FROM d ORDER BY id LIMIT 3"));
        Assert.Equal(new[] { SetOperator.UnionAll, SetOperator.Intersect, SetOperator.Except }, c.Rest.Select(r => r.Operator));
        Assert.Equal("d", c.Rest[2].Right.From.Name);
        Assert.Equal(3UL, c.Rest[2].Right.Limit);
        Assert.Equal(new SourcePosition(17, 1, 18), c.Rest[0].Pos);
    }

    [Fact]
    public void Let_Bindings()
    {
        var q = VelesQLParser.Parse("LET a = 1.0 LET b = a + 0.5 SELECT * FROM docs LIMIT 5;");
        Assert.Equal(new[] { "a", "b" }, q.Lets.Select(l => l.Name));
        Assert.IsType<BinaryExpr>(q.Lets[1].Value);
        Assert.Equal(new SourcePosition(12, 1, 13), q.Lets[1].Pos);
    }

    [Fact]
    public void GraphPredicate_InWhere()
    {
        var s = Select("SELECT * FROM papers AS p WHERE year > 2020 AND MATCH (p)-[:CITES]->(q:Paper) LIMIT 10");
        var g = Assert.IsType<GraphMatchCondition>(Assert.IsType<AndCondition>(s.Where).Right);
        Assert.Equal(2, g.Pattern.Nodes.Count);
        Assert.Equal("CITES", Assert.Single(g.Pattern.Relationships[0].Types));
    }

    [Fact]
    public void Parse_SpanOverload_MatchesString()
    {
        const string text = "xxSELECT * FROM t LIMIT 2xx";
        var q = VelesQLParser.Parse(text.AsSpan(2, text.Length - 4));
        Assert.Equal(2UL, Assert.IsType<SelectStatement>(q.Statement).Limit);
        Assert.Equal(new SourcePosition(14, 1, 15), Assert.IsType<SelectStatement>(q.Statement).From.Pos);
    }
}
