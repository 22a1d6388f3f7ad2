using System.Text;
using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Query;
using VelesDb.VelesQL;
using VelesDb.VelesQL.Ast;

namespace VelesDb.Core.Tests.Query;

public class QueryValidatorTests
{
    private static void Accept(string query) => QueryValidator.Validate(VelesQLParser.Parse(query));

    private static VelesDbException Reject(string query, string code)
    {
        var parsed = VelesQLParser.Parse(query);
        var e = Assert.Throws<VelesDbException>(() => QueryValidator.Validate(parsed));
        Assert.Equal(VelesDbErrorCode.Query, e.Code);
        Assert.True(code == e.QueryCode, $"expected {code} for `{query}` but got {e.QueryCode}: {e.Message}");
        Assert.StartsWith($"[{code}] ", e.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(e.Hint));
        Assert.NotNull(e.Position);
        return e;
    }

    // ------------------------------------------------------------------ V001

    [Theory]
    [InlineData("SELECT * FROM docs WHERE similarity(vector, $a) > 0.5 AND lang = 'fr' LIMIT 5")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR $q AND similarity(vector, $q) >= 0.75 LIMIT 5")]
    public void V001_SingleThreshold_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("SELECT * FROM docs WHERE similarity(vector, $a) > 0.5 AND similarity(vector, $b) > 0.6 LIMIT 5")]
    [InlineData("SELECT * FROM docs WHERE stars > (SELECT MAX(stars) FROM docs WHERE similarity(vector, $a) > 0.5 AND 0.9 > similarity(vector, $b))")]
    [InlineData("MATCH (a)-[:R]->(b) WHERE similarity(vector, $a) > 0.5 AND similarity(vector, $b) > 0.5 RETURN b")]
    public void V001_TwoThresholds_Rejected(string query) => Reject(query, "V001");

    [Fact]
    public void V001_PositionIsTheSecondThreshold()
    {
        const string q = "SELECT * FROM docs WHERE similarity(vector, $a) > 0.5 AND similarity(vector, $b) > 0.6";
        var e = Reject(q, "V001");
        Assert.Equal(q.IndexOf("similarity(vector, $b)", StringComparison.Ordinal), e.Position);
    }

    // ------------------------------------------------------------------ V002

    [Theory]
    [InlineData("SELECT * FROM docs WHERE similarity(vector, $q) > 0.5 AND (lang = 'fr' OR lang = 'en')")]
    [InlineData("SELECT * FROM docs WHERE lang = 'fr' OR lang = 'en'")]
    public void V002_ThresholdOutsideOr_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("SELECT * FROM docs WHERE similarity(vector, $q) > 0.5 OR lang = 'fr'")]
    [InlineData("SELECT * FROM docs WHERE (similarity(vector, $q) > 0.5 AND a = 1) OR b = 2")]
    [InlineData("SELECT * FROM docs WHERE a = 1 OR (b = 2 AND similarity(vector, $q) > 0.5)")]
    public void V002_ThresholdUnderOr_Rejected(string query) => Reject(query, "V002");

    // ------------------------------------------------------------------ V003

    [Theory]
    [InlineData("SELECT * FROM docs WHERE similarity(vector, $q) < 0.3 AND NOT (lang = 'fr')")]
    [InlineData("SELECT * FROM docs WHERE NOT lang = 'fr'")]
    public void V003_NoNegatedThreshold_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("SELECT * FROM docs WHERE NOT similarity(vector, $q) > 0.5")]
    [InlineData("SELECT * FROM docs WHERE lang = 'fr' AND NOT (similarity(vector, $q) >= 0.5 AND a = 1)")]
    [InlineData("DELETE FROM docs WHERE NOT similarity(vector, $q) > 0.9")]
    [InlineData("SELECT * FROM docs WHERE NOT (similarity(vector, $q) > 0.5 OR a = 1)")]
    public void V003_NegatedThreshold_Rejected(string query) => Reject(query, "V003");

    [Fact]
    public void V003_ThroughExecute_IsValidationErrorWithPosition()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        const string q = "SELECT * FROM docs WHERE NOT similarity(vector, $q) > 0.5";
        var e = Assert.Throws<VelesDbException>(() => db.Execute(q, new Dictionary<string, object?> { ["q"] = new float[] { 1, 0 } }));
        Assert.Equal(VelesDbErrorCode.Query, e.Code);
        Assert.Equal("V003", e.QueryCode);
        Assert.Equal(29, e.Position);
        Assert.Contains("full scan", e.Message, StringComparison.Ordinal);
        Assert.Contains("positive threshold", e.Hint, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ V004

    [Theory]
    [InlineData("SELECT similarity() AS score FROM t WHERE vector NEAR $v LIMIT 10")]
    [InlineData("LET my_score = 1.0 SELECT * FROM docs LIMIT 5")]
    [InlineData("SELECT title AS vec FROM docs AS v")]
    [InlineData("SELECT similarity() AS vector_score FROM t WHERE vector NEAR $v")]
    public void V004_OrdinaryNames_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("LET vector_score = 1.0 SELECT * FROM docs LIMIT 5")]
    [InlineData("LET Score = 2 SELECT * FROM docs")]
    [InlineData("LET bm25_score = 0.5 * vector_score SELECT * FROM docs")]
    [InlineData("LET vector = 1 SELECT * FROM docs")]
    [InlineData("SELECT title AS vector FROM docs")]
    [InlineData("SELECT * FROM docs AS VECTOR")]
    [InlineData("MATCH (a)-[:R]->(b) RETURN b.name AS vector")]
    public void V004_ReservedNames_Rejected(string query) => Reject(query, "V004");

    // ------------------------------------------------------------------ V005

    [Fact]
    public void V005_CannotArise_BackslashIsLiteralAndQuoteDoublingIsTheOnlyEscape()
    {
        var parsed = VelesQLParser.Parse(@"SELECT * FROM docs WHERE path = 'C:\temp\n' AND name = 'O''Brien'");
        QueryValidator.Validate(parsed);
        var where = Assert.IsType<AndCondition>(Assert.IsType<SelectStatement>(parsed.Statement).Where);
        Assert.Equal(@"C:\temp\n", Assert.IsType<StringLiteral>(Assert.IsType<CompareCondition>(where.Left).Right).Value);
        Assert.Equal("O'Brien", Assert.IsType<StringLiteral>(Assert.IsType<CompareCondition>(where.Right).Right).Value);

        // A backslash does not escape the quote, so the string ends early and the rest is a parse error.
        Assert.Throws<VelesQLParseException>(() => VelesQLParser.Parse(@"SELECT * FROM docs WHERE name = 'it\'s'"));
    }

    // ------------------------------------------------------------------ V006

    [Theory]
    [InlineData("SELECT id, similarity() FROM docs WHERE vector NEAR $v LIMIT 5")]
    [InlineData("SELECT id, similarity() FROM docs WHERE vector SPARSE_NEAR $s")]
    [InlineData("SELECT id, similarity() FROM docs WHERE similarity(vector, $q) > 0.5 ORDER BY similarity() DESC")]
    [InlineData("SELECT id FROM docs WHERE vector NEAR_FUSED [$a, $b] ORDER BY similarity()")]
    [InlineData("SELECT id, ROW_NUMBER() OVER (ORDER BY similarity() DESC) AS r FROM docs WHERE vector NEAR $v")]
    [InlineData("LET x = 2 * similarity() SELECT * FROM docs WHERE vector NEAR $v")]
    [InlineData("SELECT id FROM docs WHERE vector NEAR $v AND similarity() > 0.5")]
    [InlineData("SELECT id, similarity() AS s FROM docs ORDER BY similarity(vector, $q) DESC LIMIT 5")]
    [InlineData("MATCH (a)-[:R]->(b) WHERE similarity(vector, $q) > 0.7 RETURN a, similarity()")]
    [InlineData("MATCH (a)-[:R]->(b) RETURN b, similarity() ORDER BY similarity(vector, $q) DESC")]
    public void V006_SimilarityWithContext_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("SELECT id, similarity() FROM docs LIMIT 5")]
    [InlineData("SELECT * FROM docs ORDER BY similarity() DESC")]
    [InlineData("LET x = similarity() SELECT * FROM docs LIMIT 5")]
    [InlineData("SELECT id, ROW_NUMBER() OVER (ORDER BY similarity() DESC) FROM docs")]
    [InlineData("SELECT id FROM docs WHERE similarity() > 0.5")]
    [InlineData("SELECT id FROM a WHERE vector NEAR $v UNION SELECT similarity() FROM b")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR $v AND stars > (SELECT MAX(stars) FROM docs ORDER BY similarity())")]
    [InlineData("MATCH (a)-[:R]->(b) RETURN similarity() AS s")]
    [InlineData("MATCH (a)-[:R]->(b) WHERE a.x = 1 RETURN b ORDER BY similarity() DESC")]
    public void V006_SimilarityWithoutContext_Rejected(string query) => Reject(query, "V006");

    // ------------------------------------------------------------------ V007

    [Theory]
    [InlineData("SELECT ctx.* FROM t AS ctx WHERE vector NEAR $v LIMIT 10")]
    [InlineData("SELECT d.*, t.* FROM docs AS d JOIN tags AS t ON d.id = t.doc_id")]
    [InlineData("SELECT docs.* FROM docs")]
    [InlineData("SELECT tags.* FROM docs JOIN tags ON docs.id = tags.doc_id")]
    public void V007_DeclaredQualifier_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("SELECT x.* FROM docs AS d")]
    [InlineData("SELECT t.* FROM docs")]
    [InlineData("SELECT d.*, u.* FROM docs AS d JOIN tags AS t ON d.id = t.doc_id")]
    [InlineData("SELECT * FROM docs AS d WHERE a = (SELECT d.* FROM other)")]
    public void V007_UndeclaredQualifier_Rejected(string query) => Reject(query, "V007");

    // ------------------------------------------------------------------ V008

    [Theory]
    [InlineData("SELECT * FROM docs WHERE vector NEAR $v ORDER BY 0.5 * similarity() + 0.5 * bm25_score DESC LIMIT 10")]
    [InlineData("SELECT * FROM docs ORDER BY similarity(vector, $q) DESC LIMIT 5")]
    [InlineData("SELECT similarity(vector, $q) AS s FROM docs ORDER BY s")]
    public void V008_SimilarityWithArgumentsAlone_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("SELECT * FROM docs ORDER BY 0.5 * similarity(vector, $q) + 0.5 * bm25_score DESC LIMIT 5")]
    [InlineData("LET s = similarity(vector, $q) * 2 SELECT * FROM docs WHERE vector NEAR $q")]
    [InlineData("SELECT similarity(vector, $q) + 1 AS s FROM docs")]
    [InlineData("SELECT id, similarity() FROM docs ORDER BY similarity(vector, $q) * 2 DESC")]
    [InlineData("SELECT * FROM docs ORDER BY -similarity(vector, [0.1, 0.2])")]
    [InlineData("MATCH (a)-[:R]->(b) RETURN b ORDER BY similarity(vector, $q) * 2 DESC")]
    public void V008_SimilarityWithArgumentsInArithmetic_Rejected(string query) => Reject(query, "V008");

    // ------------------------------------------------------------------ V009

    [Theory]
    [InlineData("LET mix = 0.8 * vector_score + 0.2 * bm25_score SELECT * FROM notes WHERE vector NEAR $q AND body MATCH 'index' ORDER BY mix DESC LIMIT 5")]
    [InlineData("LET x = 1 SELECT * FROM docs WHERE lang = 'fr' OR lang = 'en'")]
    [InlineData("LET a = 1.0 LET b = a + 0.5 SELECT * FROM docs LIMIT 5")]
    [InlineData("LET x = 1 EXPLAIN SELECT * FROM docs WHERE vector NEAR $v")]
    public void V009_LetWithPlainSelect_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("LET x = 1 DELETE FROM docs WHERE id = 1")]
    [InlineData("LET x = 1 SHOW COLLECTIONS")]
    [InlineData("LET x = 0.5 MATCH (a)-[:R]->(b) RETURN b")]
    [InlineData("LET x = 1 SELECT * FROM a UNION SELECT * FROM b")]
    [InlineData("LET x = 1 EXPLAIN SELECT * FROM a EXCEPT SELECT * FROM b")]
    [InlineData("LET x = 1 SELECT * FROM docs WHERE vector SPARSE_NEAR $s")]
    [InlineData("LET x = 1 SELECT * FROM docs WHERE vector NEAR_FUSED [$a, $b]")]
    [InlineData("LET x = 1 SELECT * FROM docs WHERE NOT similarity(vector, $q) > 0.5")]
    [InlineData("LET x = 1 SELECT * FROM docs WHERE vector NEAR $q OR lang = 'fr'")]
    [InlineData("LET x = 1 SELECT * FROM docs WHERE lang = 'fr' AND (a = 1 OR similarity(vector, $q) > 0.2)")]
    public void V009_LetWithRejectedShape_Rejected(string query) => Reject(query, "V009");

    // ------------------------------------------------------------------ V010

    [Theory]
    [InlineData("SELECT * FROM notes WHERE stars >= (SELECT MAX(stars) FROM notes WHERE lang = 'fr')")]
    [InlineData("SELECT * FROM notes AS n WHERE stars > (SELECT AVG(stars) FROM notes AS n WHERE n.lang = 'fr')")]
    [InlineData("SELECT * FROM notes WHERE stars > (SELECT AVG(r.stars) FROM reviews AS r WHERE r.lang = 'fr')")]
    [InlineData("SELECT * FROM notes AS n WHERE meta.lang = (SELECT MAX(lang) FROM other WHERE meta.kind = 'x')")]
    public void V010_SelfContainedSubquery_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("SELECT * FROM notes AS n WHERE stars > (SELECT AVG(stars) FROM notes WHERE lang = n.lang)")]
    [InlineData("SELECT * FROM notes WHERE stars > (SELECT AVG(stars) FROM reviews AS r WHERE r.note_id = notes.id)")]
    [InlineData("SELECT * FROM a AS x WHERE v > (SELECT MAX(v) FROM b WHERE w > (SELECT MIN(w) FROM c WHERE c.k = x.k))")]
    [InlineData("SELECT * FROM notes AS n WHERE stars > (SELECT MAX(n.stars) FROM reviews)")]
    [InlineData("SELECT id, (SELECT COUNT(*) FROM reviews WHERE reviews.note = n.id) AS c FROM notes AS n")]
    public void V010_CorrelatedSubquery_Rejected(string query) => Reject(query, "V010");

    private static string NestedSubqueries(int levels)
    {
        var sb = new StringBuilder("SELECT * FROM t0 WHERE a > ");
        for (int i = 1; i <= levels; i++)
        {
            sb.Append("(SELECT MAX(a) FROM t").Append(i);
            if (i < levels)
            {
                sb.Append(" WHERE a > ");
            }
        }

        return sb.Append(')', levels).ToString();
    }

    [Fact]
    public void V010_EightLevels_Accepted_NineRejected()
    {
        Accept(NestedSubqueries(8));
        var e = Reject(NestedSubqueries(9), "V010");
        Assert.Contains("deeper than 8", e.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ V011

    [Theory]
    [InlineData("SELECT * FROM papers AS p WHERE year > 2020 AND MATCH (p)-[:CITES]->(q:Paper) LIMIT 10")]
    [InlineData("SELECT * FROM docs WHERE category = 'tech' AND MATCH (d:Doc)-[:REL]->(x) LIMIT 10")]
    [InlineData("SELECT * FROM papers WHERE MATCH (papers)-[:CITES]->(q)")]
    [InlineData("SELECT * FROM papers AS p WHERE MATCH (p@papers)-[:CITES]->(q)")]
    [InlineData("SELECT * FROM papers AS p WHERE MATCH (:Paper)-[:CITES]->(q)")]
    public void V011_AnchorOnFrom_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("SELECT * FROM papers AS p WHERE MATCH (q:Paper)-[:CITES]->(p) LIMIT 10")]
    [InlineData("SELECT * FROM papers WHERE MATCH ()-[:CITES]->(papers)")]
    [InlineData("SELECT * FROM papers AS p WHERE MATCH (p@authors)-[:WROTE]->(q)")]
    [InlineData("SELECT * FROM papers AS p WHERE MATCH (x)-[p:CITES]->(y)")]
    [InlineData("SELECT * FROM papers AS p JOIN authors AS a ON p.author_id = a.id WHERE MATCH (a)-[:WROTE]->(x)")]
    [InlineData("SELECT * FROM papers AS p WHERE a = 1 OR NOT MATCH (x)-[:CITES]->(p)")]
    public void V011_AnchorMismatch_Rejected(string query) => Reject(query, "V011");

    // ------------------------------------------------------------------ V012

    [Theory]
    [InlineData("SELECT * FROM notes WHERE vector NEAR $d AND vector SPARSE_NEAR $s LIMIT 10 USING FUSION(strategy = 'rsf', dense_weight = 0.6, sparse_weight = 0.4)")]
    [InlineData("SELECT * FROM notes WHERE vector NEAR $d AND vector SPARSE_NEAR $s LIMIT 10 USING FUSION(strategy = 'relative_score', dense_w = 0.3)")]
    [InlineData("SELECT * FROM notes WHERE vector NEAR $d AND vector SPARSE_NEAR $s LIMIT 10 USING FUSION(strategy = 'rsf', dense_weight = 0.6, sparse_weight = 0.4005)")]
    [InlineData("SELECT * FROM notes WHERE vector NEAR $d AND body MATCH 'graph' LIMIT 10 USING FUSION(strategy = 'rrf', k = 60)")]
    [InlineData("SELECT * FROM notes WHERE vector NEAR $d AND body MATCH 'graph' LIMIT 10 USING FUSION(strategy = weighted, vector_weight = 0.7, graph_weight = 0)")]
    [InlineData("SELECT * FROM notes WHERE vector NEAR $d AND vector SPARSE_NEAR $s LIMIT 10 USING FUSION")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$v1, $v2] USING FUSION 'rrf' (k=60) LIMIT 10")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$v1] USING FUSION 'MAXIMUM' AND lang = 'fr' LIMIT 10")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$v1, $v2] LIMIT 10 USING FUSION(strategy = 'average')")]
    public void V012_WellFormedFusion_Accepted(string query) => Accept(query);

    [Theory]
    [InlineData("SELECT * FROM docs WHERE vector NEAR $v LIMIT 10 USING FUSION(strategy = 'rrf')", "two ranked branches")]
    [InlineData("SELECT * FROM docs WHERE lang = 'fr' USING FUSION", "two ranked branches")]
    [InlineData("SELECT * FROM docs WHERE vector SPARSE_NEAR $s AND body MATCH 'x' USING FUSION", "two ranked branches")]
    [InlineData("SELECT * FROM n WHERE vector NEAR $d AND body MATCH 'g' USING FUSION(strategy = 'borda')", "Unknown USING FUSION strategy")]
    [InlineData("SELECT * FROM n WHERE vector NEAR $d AND body MATCH 'g' USING FUSION(alpha = 0.5)", "Unknown USING FUSION option")]
    [InlineData("SELECT * FROM n WHERE vector NEAR $d AND body MATCH 'g' USING FUSION(vector_weight = -0.1)", "negative")]
    [InlineData("SELECT * FROM n WHERE vector NEAR $d AND vector SPARSE_NEAR $s USING FUSION(strategy = 'rsf', dense_weight = 0.6, sparse_weight = 0.6)", "sum to 1")]
    [InlineData("SELECT * FROM n WHERE vector NEAR $d AND vector SPARSE_NEAR $s USING FUSION(strategy = 'rsf', sparse_w = 1.5)", "negative")]
    [InlineData("SELECT * FROM n WHERE vector NEAR $d AND vector SPARSE_NEAR $s USING FUSION(strategy = 'rrf', k = 0)", "at least 1")]
    [InlineData("SELECT * FROM n WHERE vector NEAR $d AND vector SPARSE_NEAR $s USING FUSION(dense_weight = 0.5, dense_w = 0.5)", "twice")]
    [InlineData("SELECT * FROM n WHERE vector NEAR $d AND vector SPARSE_NEAR $s USING FUSION(dense_weight = 'high')", "must be a number")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$a, $b] USING FUSION 'weighted' LIMIT 10", "does not support")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$a, $b] USING FUSION 'rsf' LIMIT 10", "does not support")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$a, $b] USING FUSION 'borda' LIMIT 10", "Unknown NEAR_FUSED strategy")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$a, $b] USING FUSION 'rrf' (m = 3) LIMIT 10", "Unknown NEAR_FUSED fusion parameter")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$a, $b] USING FUSION 'rrf' (k = 0) LIMIT 10", "at least 1")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$a, $b] AND vector NEAR $c LIMIT 10", "only vector predicate")]
    [InlineData("SELECT * FROM docs WHERE vector SPARSE_NEAR $s AND vector NEAR_FUSED [$a, $b] LIMIT 10", "only vector predicate")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$a, $b] OR lang = 'fr' LIMIT 10", "under OR")]
    [InlineData("SELECT * FROM docs WHERE NOT vector NEAR_FUSED [$a, $b] LIMIT 10", "under NOT")]
    [InlineData("SELECT * FROM docs WHERE vector NEAR_FUSED [$a, $b] LIMIT 10 USING FUSION(strategy = 'rsf')", "cannot be fused")]
    public void V012_MisconfiguredFusion_Rejected(string query, string fragment)
    {
        var e = Reject(query, "V012");
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ walking

    [Theory]
    [InlineData("SELECT * FROM a WHERE lang = 'fr' UNION SELECT * FROM b WHERE NOT similarity(vector, $q) > 0.5", "V003")]
    [InlineData("EXPLAIN SELECT * FROM docs WHERE similarity(vector, $q) > 0.5 OR a = 1", "V002")]
    [InlineData("SELECT * FROM a JOIN b ON a.id = b.id AND NOT similarity(vector, $q) > 0.5", "V003")]
    [InlineData("SELECT lang, COUNT(*) AS n FROM docs GROUP BY lang HAVING COUNT(*) > (SELECT COUNT(*) FROM x ORDER BY similarity())", "V006")]
    [InlineData("SELECT * FROM docs AS d WHERE a IN ((SELECT MAX(a) FROM e WHERE e.k = d.k))", "V010")]
    [InlineData("UPDATE docs SET a = (SELECT MAX(a) FROM other WHERE other.k = docs.k) WHERE id = 1", "V010")]
    public void Validate_WalksEveryQueryBlock(string query, string code) => Reject(query, code);

    // ------------------------------------------------------------------ conformance

    /// <summary>The should_parse cases that validation rejects, with the reason (see the report / COMPATIBILITY notes).</summary>
    private static readonly Dictionary<string, string> ExpectedRejections = new()
    {
        ["P054"] = "V006", // LET x = similarity() with no vector search in WHERE.
        ["P059"] = "V009", // LET before MATCH is rejected at execution (spec §6.5).
        ["P130"] = "V006", // MATCH … RETURN similarity() with no similarity threshold or similarity(field, $v).
        ["P134"] = "V009", // LET before MATCH is rejected at execution (spec §6.5).
    };

    private static string CasesPath()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("VELESDB_SHARED_DIR") is { Length: > 0 } shared)
        {
            candidates.Add(Path.Combine(shared, "conformance", "velesql_parser_cases.json"));
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.FullName, "shared", "conformance", "velesql_parser_cases.json"));
        }

        candidates.Add(Path.Combine("/work", "shared", "conformance", "velesql_parser_cases.json"));
        var found = candidates.FirstOrDefault(File.Exists);
        Assert.True(found is not null, $"The VelesQL conformance cases were not found; tried {string.Join(", ", candidates)}. Set VELESDB_SHARED_DIR to the shared folder.");
        return found!;
    }

    [Fact]
    public void Conformance_ParsingCases_PassValidationExceptTheDocumentedOnes()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(CasesPath()));
        int parsed = 0;
        var failures = new List<string>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (!c.GetProperty("should_parse").GetBoolean())
            {
                continue;
            }

            parsed++;
            string id = c.GetProperty("id").GetString()!;
            string query = c.GetProperty("query").GetString()!;
            string? actual = null;
            try
            {
                QueryValidator.Validate(VelesQLParser.Parse(query));
            }
            catch (VelesDbException e)
            {
                actual = e.QueryCode;
            }

            ExpectedRejections.TryGetValue(id, out var expected);
            if (actual != expected)
            {
                failures.Add($"{id}: expected {expected ?? "valid"}, got {actual ?? "valid"} for `{query}`");
            }
        }

        Assert.Equal(101, parsed);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
