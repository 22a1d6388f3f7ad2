using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using static VelesDb.Core.Tests.Filtering.FilterTestData;

namespace VelesDb.Core.Tests.Filtering;

public class FilterTests
{
    public static TheoryData<string> EveryConditionType => new()
    {
        "{'type':'eq','field':'a','value':1}",
        "{'type':'eq','field':'a.b','value':{'x':[1,2.50,null,true]}}",
        "{'type':'neq','field':'a','value':'x'}",
        "{'type':'gt','field':'a','value':-1.5e10}",
        "{'type':'gte','field':'a','value':18446744073709551615}",
        "{'type':'lt','field':'a','value':'m'}",
        "{'type':'lte','field':'a','value':9007199254740993}",
        "{'type':'in','field':'a','values':[1,'b',null,false,[1]]}",
        "{'type':'in','field':'a','values':[1,2,3,4,5,6,7,8,9,10]}",
        "{'type':'contains','field':'a','value':'caf\\u00e9 \\\"quoted\\\"'}",
        "{'type':'is_null','field':'a'}",
        "{'type':'is_not_null','field':'a'}",
        "{'type':'and','conditions':[]}",
        "{'type':'or','conditions':[{'type':'is_null','field':'a'},{'type':'and','conditions':[{'type':'is_null','field':'b'}]}]}",
        "{'type':'not','condition':{'type':'not','condition':{'type':'is_null','field':'a'}}}",
        "{'type':'like','field':'a','pattern':'100\\\\%_x%'}",
        "{'type':'ilike','field':'a','pattern':'ÉCOLE%'}",
        "{'type':'array_contains','field':'a','value':'x'}",
        "{'type':'array_contains_any','field':'a','values':['x',2]}",
        "{'type':'array_contains_all','field':'a','values':[]}",
    };

    [Theory]
    [MemberData(nameof(EveryConditionType))]
    public void ToJson_EveryConditionType_RoundTripsThroughParse(string conditionJson)
    {
        var filter = ParseCondition(conditionJson);

        var json = filter.ToJson();
        var reparsed = Filter.Parse(json);

        Assert.Equal(filter, reparsed);
        Assert.Equal(filter.GetHashCode(), reparsed.GetHashCode());
        Assert.Equal(json, reparsed.ToJson());
        Assert.Equal(filter.Condition.Type, reparsed.Condition.Type);
    }

    [Theory]
    [MemberData(nameof(EveryConditionType))]
    public void FromJson_EveryConditionType_EqualsParse(string conditionJson)
    {
        var parsed = ParseCondition(conditionJson);
        using var document = JsonDocument.Parse("{\"condition\":" + Quote(conditionJson) + "}");

        Assert.Equal(parsed, Filter.FromJson(document.RootElement));
    }

    [Fact]
    public void ToJson_Filter_WritesCompactCanonicalOrder()
    {
        var filter = Filter.Parse(Quote("{'condition':{'value':1,'field':'a','type':'gte'}}"));

        Assert.Equal("{\"condition\":{\"type\":\"gte\",\"field\":\"a\",\"value\":1}}", filter.ToJson());
        Assert.Equal(filter.ToJson(), filter.ToString());
        Assert.Equal("{\"type\":\"gte\",\"field\":\"a\",\"value\":1}", filter.Condition.ToJson());
    }

    [Fact]
    public void ToJson_ProgrammaticFilter_RoundTrips()
    {
        var filter = new Filter(new AndCondition(
            new EqCondition("category", Json("'book'")),
            new OrCondition(new LtCondition("price", Json("20")), new IsNullCondition("price")),
            new NotCondition(new ArrayContainsAnyCondition("tags", Json("'archived'"), Json("'hidden'"))),
            new ILikeCondition("title", "%dune%"),
            new ContainsCondition("summary", "desert")));

        var reparsed = Filter.Parse(filter.ToJson());

        Assert.Equal(filter, reparsed);
        var payload = Json("{'category':'book','price':12,'tags':['new'],'title':'DUNE Messiah','summary':'a desert planet'}");
        Assert.True(filter.Matches(payload));
        Assert.True(reparsed.Matches(payload));
    }

    [Theory]
    [InlineData("{'type':'eq','field':'a','value':1}", "{'type':'eq','field':'a','value':1.0}", true)]
    [InlineData("{'type':'eq','field':'a','value':{'x':1,'y':2}}", "{'type':'eq','field':'a','value':{'y':2,'x':1}}", true)]
    [InlineData("{'type':'eq','field':'a','value':1}", "{'type':'neq','field':'a','value':1}", false)]
    [InlineData("{'type':'eq','field':'a','value':1}", "{'type':'eq','field':'b','value':1}", false)]
    [InlineData("{'type':'eq','field':'a','value':1}", "{'type':'eq','field':'a','value':'1'}", false)]
    [InlineData("{'type':'in','field':'a','values':[1,2]}", "{'type':'in','field':'a','values':[2,1]}", false)]
    [InlineData("{'type':'in','field':'a','values':[1]}", "{'type':'array_contains_any','field':'a','values':[1]}", false)]
    [InlineData("{'type':'like','field':'a','pattern':'x'}", "{'type':'ilike','field':'a','pattern':'x'}", false)]
    [InlineData("{'type':'and','conditions':[]}", "{'type':'or','conditions':[]}", false)]
    [InlineData("{'type':'not','condition':{'type':'is_null','field':'a'}}", "{'type':'not','condition':{'type':'is_null','field':'a'}}", true)]
    public void Equals_TwoFilters_IsStructural(string left, string right, bool expected)
    {
        var a = ParseCondition(left);
        var b = ParseCondition(right);

        Assert.Equal(expected, a.Equals(b));
        Assert.Equal(expected, b.Equals(a));
        if (expected)
        {
            Assert.Equal(a.GetHashCode(), b.GetHashCode());
        }
    }

    [Fact]
    public void FromJson_DocumentDisposedAfterwards_FilterStillWorks()
    {
        Filter filter;
        using (var document = JsonDocument.Parse(Quote("{'condition':{'type':'in','field':'a','values':['x',{'k':[1]}]}}")))
        {
            filter = Filter.FromJson(document.RootElement);
        }

        Assert.True(filter.Matches(Json("{'a':{'k':[1.0]}}")));
        Assert.Equal("{\"condition\":{\"type\":\"in\",\"field\":\"a\",\"values\":[\"x\",{\"k\":[1]}]}}", filter.ToJson());
    }

    [Fact]
    public void Matches_PointWithoutPayload_TreatsEveryFieldAsMissing()
    {
        Assert.True(ParseCondition("{'type':'is_null','field':'a'}").Matches(default));
        Assert.False(ParseCondition("{'type':'is_not_null','field':'a'}").Matches(default));
        Assert.False(ParseCondition("{'type':'like','field':'a','pattern':'%'}").Matches(default));
        Assert.False(ParseCondition("{'type':'array_contains_all','field':'a','values':[]}").Matches(default));
    }

    [Fact]
    public void Matches_ManyThreads_GiveSameAnswers()
    {
        var filter = ParseCondition("{'type':'and','conditions':[{'type':'gte','field':'n','value':500},{'type':'like','field':'s','pattern':'item-%5'}]}");
        var payloads = Enumerable.Range(0, 1000).Select(i => Json($"{{'n':{i},'s':'item-{i}'}}")).ToArray();
        var expected = payloads.Count(filter.Matches);

        var counts = new int[8];
        Parallel.For(0, counts.Length, t => counts[t] = payloads.Count(filter.Matches));

        Assert.Equal(50, expected);
        Assert.All(counts, c => Assert.Equal(expected, c));
    }

    [Fact]
    public void Matches_CommonConditions_DoNotAllocate()
    {
        string[] conditions =
        [
            "{'type':'eq','field':'n','value':42}",
            "{'type':'eq','field':'f','value':1.5}",
            "{'type':'eq','field':'s','value':'hello'}",
            "{'type':'neq','field':'meta.kind','value':'x'}",
            "{'type':'gt','field':'n','value':10}",
            "{'type':'lte','field':'f','value':2}",
            "{'type':'gte','field':'s','value':'a'}",
            "{'type':'lt','field':'e','value':'z'}",
            "{'type':'in','field':'n','values':[1,2,42]}",
            "{'type':'in','field':'n','values':[1,2,3,4,5,6,7,8,9,42]}",
            "{'type':'in','field':'s','values':['a','b','hello']}",
            "{'type':'contains','field':'s','value':'ell'}",
            "{'type':'contains','field':'e','value':'é'}",
            "{'type':'like','field':'s','pattern':'h%l_o'}",
            "{'type':'ilike','field':'e','pattern':'%CAFÉ%'}",
            "{'type':'is_null','field':'missing'}",
            "{'type':'array_contains','field':'tags','value':'b'}",
            "{'type':'array_contains_any','field':'ids','values':[7,3]}",
            "{'type':'and','conditions':[{'type':'gt','field':'n','value':1},{'type':'or','conditions':[{'type':'eq','field':'s','value':'no'},{'type':'not','condition':{'type':'is_null','field':'f'}}]}]}",
        ];
        var payload = Json("{'n':42,'f':1.5,'s':'hello','e':'le caf\\u00e9 noir','meta':{'kind':'y'},'tags':['a','b'],'ids':[1,2,3]}");

        foreach (var text in conditions)
        {
            var filter = ParseCondition(text);
            for (var i = 0; i < 100; i++)
            {
                filter.Matches(payload);
            }

            // A tier-up of the JIT can allocate once on this thread while the loop runs; an
            // allocation in Matches itself shows in every attempt, so one clean attempt of three is required.
            var allocated = long.MaxValue;
            for (var attempt = 0; attempt < 3 && allocated != 0; attempt++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var matched = 0;
                for (var i = 0; i < 1000; i++)
                {
                    matched += filter.Matches(payload) ? 1 : 0;
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.Equal(1000, matched);
            }

            Assert.True(allocated == 0, $"{text} allocated {allocated} bytes");
        }
    }

    [Fact]
    public void Constructor_NullCondition_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new Filter(null!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData(".")]
    public void Constructor_InvalidField_ThrowsQueryError(string field)
    {
        var ex = Assert.Throws<VelesDbException>(() => new IsNullCondition(field));

        Assert.Equal(VelesDbErrorCode.Query, ex.Code);
        Assert.StartsWith("field:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ValueOutOfRange_ThrowsQueryError()
    {
        var ex = Assert.Throws<VelesDbException>(() => new InCondition("a", Json("1"), Json("1e999")));

        Assert.StartsWith("values[1]:", ex.Message, StringComparison.Ordinal);
    }
}
