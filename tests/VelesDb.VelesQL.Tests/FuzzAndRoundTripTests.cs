using System.Diagnostics;
using System.Text.Json;
using VelesDb.VelesQL.Ast;

namespace VelesDb.VelesQL.Tests;

public class FuzzAndRoundTripTests
{
    /// <summary>parse(print(parse(q))) prints identically to parse(q) (structure equal up to positions).</summary>
    private static void AssertRoundTrip(string query)
    {
        var first = VelesQLParser.Parse(query);
        string printed = Printer.Print(first);
        Query second;
        try
        {
            second = VelesQLParser.Parse(printed);
        }
        catch (VelesQLParseException e)
        {
            Assert.Fail($"Printed form does not parse: `{printed}` (from `{query}`): {e.Message}");
            return;
        }

        Assert.Equal(printed, Printer.Print(second));
        Assert.Equal(first.Statement.GetType(), second.Statement.GetType());
    }

    [Fact]
    public void RoundTrip_AllParsingConformanceCases()
    {
        string path = typeof(ConformanceTests).GetMethod("CasesPath", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.Invoke(null, null) as string ?? "";
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        int n = 0;
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            if (c.GetProperty("should_parse").GetBoolean())
            {
                AssertRoundTrip(c.GetProperty("query").GetString()!);
                n++;
            }
        }

        Assert.Equal(101, n);
    }

    [Theory]
    [InlineData("SELECT a FROM t WHERE (a = 1 OR b = 2) AND NOT (c = 3 AND d = 4) OR e = 5")]
    [InlineData("SELECT * FROM t WHERE a = 1 AND (b = 2 AND c = 3)")]
    [InlineData("SELECT * FROM t WHERE a = 1 OR (b = 2 OR c = 3)")]
    [InlineData("SELECT * FROM t ORDER BY (a + b) * (c - d) / 2 - -3 DESC, -(x)")]
    [InlineData("SELECT \"we\"\"ird\", `select`.x FROM \"my coll\" AS `where` WHERE x = 1e")]
    [InlineData("SELECT * FROM t WHERE v NEAR [0.000001, 123456789.5, -2]")]
    [InlineData("CREATE GRAPH COLLECTION kg (dimension = 8) WITH SCHEMA (NODE P (name: STRING), EDGE K FROM P TO P)")]
    [InlineData("MATCH (a:A@c {x: -1.5, y: $p})<-[r:X|Y*2..5 {w: NULL}]-(b) WHERE a.x = 1 RETURN a, b.y AS z, * ORDER BY depth DESC LIMIT 3")]
    public void RoundTrip_HandWritten(string query)
    {
        if (query.EndsWith("1e", StringComparison.Ordinal))
        {
            Assert.Throws<VelesQLParseException>(() => VelesQLParser.Parse(query));
            query = query[..^1];
        }

        AssertRoundTrip(query);
    }

    [Fact]
    public void RoundTrip_PreservesStructure_ExampleTree()
    {
        var q = VelesQLParser.Parse(Printer.Print(VelesQLParser.Parse("SELECT * FROM t WHERE a = 1 OR (b = 2 OR c = 3)")));
        var or = Assert.IsType<OrCondition>(Assert.IsType<SelectStatement>(q.Statement).Where);
        Assert.IsType<CompareCondition>(or.Left);
        Assert.IsType<OrCondition>(or.Right);
    }

    [Fact]
    public void Generator_ValidQueriesParse_MutantsFailCleanly()
    {
        var sw = Stopwatch.StartNew();
        var gen = new QueryGenerator(20260123);
        int valid = 0, mutantsAccepted = 0, mutantsRejected = 0;
        for (int i = 0; i < 3000 && sw.Elapsed < TimeSpan.FromSeconds(6); i++)
        {
            string q = gen.Query();
            AssertRoundTrip(q);
            valid++;
            for (int m = 0; m < 4; m++)
            {
                string mutant = gen.Mutate(q);
                try
                {
                    var parsed = VelesQLParser.Parse(mutant);
                    mutantsAccepted++;
                    AssertRoundTrip(mutant);
                }
                catch (VelesQLParseException)
                {
                    mutantsRejected++;
                }
            }
        }

        Assert.True(valid >= 500, $"only {valid} valid queries generated");
        Assert.True(mutantsRejected > mutantsAccepted / 4, $"{mutantsRejected} rejected vs {mutantsAccepted} accepted");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Adversarial_DeepAndHugeInputs_RejectedWithoutCrash(int shape)
    {
        string q = shape switch
        {
            0 => "SELECT * FROM t WHERE " + string.Concat(Enumerable.Repeat("NOT ", 4000)) + "a = 1",
            1 => "SELECT * FROM t WHERE a = " + string.Concat(Enumerable.Repeat("- ", 5000)) + "1",
            2 => "SELECT * FROM t WHERE " + new string('(', 5000) + "a = 1" + new string(')', 5000),
            3 => "SELECT * FROM t WHERE a IN (" + string.Join(", ", Enumerable.Range(0, 5000)) + ")",
            4 => "SELECT * FROM t WHERE " + string.Join(" AND ", Enumerable.Range(0, 1500).Select(i => "a = " + i)),
            5 => "SELECT * FROM t ORDER BY " + string.Join(" + ", Enumerable.Range(0, 3000).Select(_ => "x")),
            _ => "SELECT * FROM t WHERE v NEAR [" + string.Join(",", Enumerable.Repeat("[", 60)) + "]",
        };
        var e = Assert.Throws<VelesQLParseException>(() => VelesQLParser.Parse(q));
        Assert.True(e.Kind is ParseErrorKind.ComplexityLimit or ParseErrorKind.UnexpectedToken or ParseErrorKind.SyntaxError);
        if (shape != 6)
        {
            Assert.Equal(ParseErrorKind.ComplexityLimit, e.Kind);
        }
    }

    [Fact]
    public void Adversarial_RandomBytes_OnlyParseErrors()
    {
        var rng = new Random(7);
        const string alphabet = "SELECT FROM WHERE MATCH ()[]{}<>-=!*.,;:'\"`$@|0123456789abcXYZ_\n\t é";
        for (int i = 0; i < 3000; i++)
        {
            var chars = new char[rng.Next(60)];
            for (int k = 0; k < chars.Length; k++)
            {
                chars[k] = alphabet[rng.Next(alphabet.Length)];
            }

            try
            {
                VelesQLParser.Parse(new string(chars));
            }
            catch (VelesQLParseException)
            {
            }
        }
    }
}
