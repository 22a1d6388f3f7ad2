using System.Globalization;
using System.Text.Json;
using VelesDb.Core.Filtering;
using VelesDb.Core.Index.Secondary;

namespace VelesDb.Core.Tests.Index.Secondary;

public class SecondaryIndexesTests
{
    /// <summary>Field values chosen to sit on the evaluator's edges: integers vs doubles within 1e-9, 64-bit extremes, kinds that never compare.</summary>
    private static readonly string[] Values =
    [
        "0", "-0.0", "1", "1.0", "1.0000000001", "1.00001", "2", "-3", "2.5", "1e-12", "1e300", "1e400",
        "9223372036854775807", "9223372036854775806", "18446744073709551615", "1152921504606846976", "1152921504606846977",
        "\"a\"", "\"b\"", "\"ab\"", "\"B\"", "\"\"", "\"é\"", "true", "false", "null", "[1,2]", "{\"x\":1}",
    ];

    private static readonly string[] Literals =
    [
        "0", "1", "1.0", "1.0000000001", "2", "2.5", "-3", "1e300", "9223372036854775807", "18446744073709551615", "1152921504606846976",
        "\"a\"", "\"ab\"", "\"\"", "true", "false", "null",
    ];

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>Rows 0..n-1 with a payload each: field "f" (or "o.f") takes one of <see cref="Values"/>, or is missing.</summary>
    private static JsonElement[] Payloads(int n, int seed)
    {
        var rng = new Random(seed);
        var payloads = new JsonElement[n];
        for (var row = 0; row < n; row++)
        {
            var pick = rng.Next(Values.Length + 3);
            var f = pick < Values.Length ? $"\"f\":{Values[pick]}," : string.Empty;
            var nested = rng.Next(4) == 0 ? $"\"o\":{{\"f\":{Values[rng.Next(Values.Length)]}}}," : string.Empty;
            payloads[row] = Json($"{{{f}{nested}\"row\":{row}}}");
        }

        return payloads;
    }

    private static Condition RandomCondition(Random rng, int depth)
    {
        var field = rng.Next(5) == 0 ? "o.f" : rng.Next(6) == 0 ? "unindexed" : "f";
        var literal = Literals[rng.Next(Literals.Length)];
        var kind = depth > 0 ? rng.Next(13) : rng.Next(10);
        var json = kind switch
        {
            0 => $"{{\"type\":\"eq\",\"field\":\"{field}\",\"value\":{literal}}}",
            1 => $"{{\"type\":\"neq\",\"field\":\"{field}\",\"value\":{literal}}}",
            2 => $"{{\"type\":\"gt\",\"field\":\"{field}\",\"value\":{literal}}}",
            3 => $"{{\"type\":\"gte\",\"field\":\"{field}\",\"value\":{literal}}}",
            4 => $"{{\"type\":\"lt\",\"field\":\"{field}\",\"value\":{literal}}}",
            5 => $"{{\"type\":\"lte\",\"field\":\"{field}\",\"value\":{literal}}}",
            6 => $"{{\"type\":\"in\",\"field\":\"{field}\",\"values\":[{literal},{Literals[rng.Next(Literals.Length)]}]}}",
            7 => $"{{\"type\":\"is_null\",\"field\":\"{field}\"}}",
            8 => $"{{\"type\":\"is_not_null\",\"field\":\"{field}\"}}",
            9 => $"{{\"type\":\"contains\",\"field\":\"{field}\",\"value\":\"a\"}}",
            _ => null,
        };
        if (json is not null)
        {
            return Filter.Parse($"{{\"condition\":{json}}}").Condition;
        }

        return (kind - 10) switch
        {
            0 => new AndCondition([RandomCondition(rng, depth - 1), RandomCondition(rng, depth - 1)]),
            1 => new OrCondition([RandomCondition(rng, depth - 1), RandomCondition(rng, depth - 1)]),
            _ => new NotCondition(RandomCondition(rng, depth - 1)),
        };
    }

    private static SecondaryIndexes Build(JsonElement[] payloads, Func<int, bool> live, params string[] fields)
    {
        var indexes = new SecondaryIndexes();
        var rows = Enumerable.Range(0, payloads.Length).Where(live).Select(r => (r, payloads[r])).ToArray();
        foreach (var (row, payload) in rows)
        {
            indexes.Add(row, payload);
        }

        foreach (var field in fields)
        {
            indexes.Create(field, rows);
        }

        return indexes;
    }

    private static void AssertAgreesWithEvaluator(SecondaryIndexes indexes, JsonElement[] payloads, Func<int, bool> live, Condition condition)
    {
        var expected = Enumerable.Range(0, payloads.Length).Where(r => live(r) && condition.Matches(payloads[r])).ToArray();
        var rows = indexes.Select(condition, out var exact);
        if (rows is null)
        {
            Assert.False(exact);
            return;
        }

        var selected = rows.ToArray();
        if (exact)
        {
            Assert.True(expected.SequenceEqual(selected), $"{condition}: index selected [{string.Join(',', selected)}], evaluator [{string.Join(',', expected)}]");
        }
        else
        {
            var missing = expected.Except(selected).ToArray();
            Assert.True(missing.Length == 0, $"{condition}: superset misses rows [{string.Join(',', missing)}]");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Select_RandomConditions_ExactlyTheEvaluatorsRows(int seed)
    {
        var payloads = Payloads(600, seed);
        var indexes = Build(payloads, _ => true, "f", "o.f");
        var rng = new Random(seed * 7);
        var exactCount = 0;
        for (var i = 0; i < 400; i++)
        {
            var condition = RandomCondition(rng, 2);
            AssertAgreesWithEvaluator(indexes, payloads, _ => true, condition);
            exactCount += indexes.Select(condition, out var exact) is not null && exact ? 1 : 0;
        }

        // Most conditions touch only indexed fields; the test must exercise the exact path.
        Assert.True(exactCount > 150, $"only {exactCount} of 400 conditions were answered exactly");
    }

    [Fact]
    public void Select_EveryLeafOnEveryLiteral_Exact()
    {
        var payloads = Payloads(400, 9);
        var indexes = Build(payloads, _ => true, "f");
        foreach (var type in new[] { "eq", "neq", "gt", "gte", "lt", "lte" })
        {
            foreach (var literal in Literals)
            {
                var condition = Filter.Parse($"{{\"condition\":{{\"type\":\"{type}\",\"field\":\"f\",\"value\":{literal}}}}}").Condition;
                Assert.NotNull(indexes.Select(condition, out var exact));
                Assert.True(exact, condition.ToString());
                AssertAgreesWithEvaluator(indexes, payloads, _ => true, condition);
            }
        }
    }

    [Fact]
    public void UpdatesAndRemovals_KeepTheIndexEqualToAFreshBuild()
    {
        var payloads = Payloads(500, 4);
        var live = new bool[500];
        var indexes = Build(payloads, _ => false, "f");
        var rng = new Random(5);
        for (var step = 0; step < 3000; step++)
        {
            var row = rng.Next(500);
            if (live[row])
            {
                indexes.Remove(row, payloads[row]);
                live[row] = false;
            }

            if (rng.Next(3) != 0)
            {
                payloads[row] = Json($"{{\"f\":{Values[rng.Next(Values.Length)]}}}");
                indexes.Add(row, payloads[row]);
                live[row] = true;
            }
        }

        var conditionRng = new Random(6);
        for (var i = 0; i < 200; i++)
        {
            AssertAgreesWithEvaluator(indexes, payloads, r => live[r], RandomCondition(conditionRng, 2));
        }

        var info = indexes.Fields.Single();
        var fresh = Build(payloads, r => live[r], "f").Fields.Single();
        Assert.Equal(fresh.DistinctValues, info.DistinctValues);
        Assert.Equal(fresh.Present.ToArray(), info.Present.ToArray());
    }

    [Fact]
    public void Select_ArrayLiteralOrUnindexedField_IsNotAnswered()
    {
        var payloads = Payloads(50, 8);
        var indexes = Build(payloads, _ => true, "f");
        Assert.Null(indexes.Select(new EqCondition("f", Json("[1,2]")), out _));
        Assert.Null(indexes.Select(new EqCondition("g", Json("1")), out _));

        // An AND with one answerable conjunct is narrowed to a superset.
        var and = new AndCondition([new EqCondition("f", Json("1")), new ContainsCondition("s", "x")]);
        Assert.NotNull(indexes.Select(and, out var exact));
        Assert.False(exact);

        // An OR with an unanswerable disjunct cannot be narrowed.
        Assert.Null(indexes.Select(new OrCondition([new EqCondition("f", Json("1")), new EqCondition("g", Json("1"))]), out _));
        Assert.Null(new SecondaryIndexes().Select(new EqCondition("f", Json("1")), out _));
    }

    [Fact]
    public void Values_ListCoversEveryKeyKind()
    {
        // Guards the data above: each key kind of FieldIndex appears at least once.
        Assert.Contains(Values, v => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _));
        Assert.Contains(Values, v => ulong.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var u) && u > long.MaxValue);
        Assert.Contains(Values, v => v.Contains('.', StringComparison.Ordinal));
        Assert.Contains("null", Values);
        Assert.Contains("\"a\"", Values);
    }
}
