using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using static VelesDb.Core.Tests.Filtering.FilterTestData;

namespace VelesDb.Core.Tests.Filtering;

public class CompositeConditionTests
{
    private const string True = "{'type':'is_null','field':'missing'}";
    private const string False = "{'type':'is_not_null','field':'missing'}";

    [Theory]
    [InlineData("and", "", true)]
    [InlineData("and", True, true)]
    [InlineData("and", False, false)]
    [InlineData("and", True + "," + True, true)]
    [InlineData("and", True + "," + False, false)]
    [InlineData("and", False + "," + True, false)]
    [InlineData("or", "", false)]
    [InlineData("or", True, true)]
    [InlineData("or", False, false)]
    [InlineData("or", False + "," + False, false)]
    [InlineData("or", False + "," + True, true)]
    [InlineData("or", True + "," + False, true)]
    public void Matches_Children_FollowsTruthTable(string type, string children, bool expected)
    {
        Assert.Equal(expected, Matches($"{{'type':'{type}','conditions':[{children}]}}", "{}"));
    }

    [Theory]
    [InlineData(True, false)]
    [InlineData(False, true)]
    [InlineData("{'type':'not','condition':" + True + "}", true)]
    public void Not_Child_Negates(string child, bool expected)
    {
        Assert.Equal(expected, Matches($"{{'type':'not','condition':{child}}}", "{}"));
    }

    [Theory]
    [InlineData("{'category':'book','price':15,'tags':['sale']}", true)]
    [InlineData("{'category':'book','price':25,'tags':['sale']}", false)]
    [InlineData("{'category':'music','price':5,'tags':['new']}", true)]
    [InlineData("{'category':'music','price':5,'tags':['archived']}", false)]
    [InlineData("{'category':'food','price':5,'tags':['new']}", false)]
    [InlineData("{}", false)]
    public void Matches_NestedCombination_EvaluatesTree(string payload, bool expected)
    {
        const string condition = """
            {'type':'and','conditions':[
              {'type':'or','conditions':[
                {'type':'and','conditions':[{'type':'eq','field':'category','value':'book'},{'type':'lt','field':'price','value':20}]},
                {'type':'in','field':'category','values':['music','film']}
              ]},
              {'type':'not','condition':{'type':'array_contains','field':'tags','value':'archived'}},
              {'type':'is_not_null','field':'price'}
            ]}
            """;
        Assert.Equal(expected, Matches(condition, payload));
    }

    [Fact]
    public void Parse_NestingAtMaximum_IsAccepted()
    {
        // 63 'not' around a leaf: depth 64.
        var filter = ParseCondition(NestedNots(Filter.MaxDepth - 1));

        Assert.True(filter.Matches(Json("{'a':2}")));
        Assert.Equal(filter, Filter.Parse(filter.ToJson()));
    }

    [Fact]
    public void Parse_NestingPastMaximum_IsRejectedWithPath()
    {
        var ex = ParseError("{'condition':" + NestedNots(Filter.MaxDepth) + "}");

        Assert.StartsWith("filter.condition" + string.Concat(Enumerable.Repeat(".condition", Filter.MaxDepth)) + ":", ex.Message, StringComparison.Ordinal);
        Assert.Contains("maximum depth of 64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AndNestingPastMaximum_IsRejectedBeforeRecursing()
    {
        var json = "{'type':'eq','field':'a','value':1}";
        for (var i = 0; i < Filter.MaxDepth; i++)
        {
            json = "{'type':'and','conditions':[" + json + "]}";
        }

        var ex = ParseError("{'condition':" + json + "}");

        Assert.Contains(".conditions[0]:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("maximum depth", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_VeryDeepNesting_FailsWithoutStackOverflow()
    {
        var ex = ParseError("{'condition':" + NestedNots(100_000) + "}");

        Assert.StartsWith("filter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NestingPastMaximum_Throws()
    {
        Condition condition = new IsNullCondition("a");
        for (var i = 1; i < Filter.MaxDepth; i++)
        {
            condition = i % 2 == 0 ? new NotCondition(condition) : new AndCondition(condition);
        }

        var ex = Assert.Throws<VelesDbException>(() => new OrCondition(condition));
        Assert.Equal(VelesDbErrorCode.Query, ex.Code);
        Assert.Throws<VelesDbException>(() => new NotCondition(condition));
    }

    [Fact]
    public void Constructor_Conditions_ExposesChildrenInOrder()
    {
        var first = new EqCondition("a", Json("1"));
        var second = new IsNullCondition("b");
        var and = new AndCondition(first, second);

        Assert.Equal("and", and.Type);
        Assert.Equal(new Condition[] { first, second }, and.Conditions);
        Assert.True(and.Matches(Json("{'a':1}")));
        Assert.False(and.Matches(Json("{'a':1,'b':0}")));
        Assert.Same(second, new NotCondition(second).Condition);
    }

    [Fact]
    public void Constructor_NullChild_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new AndCondition(new IsNullCondition("a"), null!));
        Assert.Throws<ArgumentNullException>(() => new NotCondition(null!));
    }

    private static string NestedNots(int count) =>
        string.Concat(Enumerable.Repeat("{'type':'not','condition':", count)) +
        "{'type':'eq','field':'a','value':1}" +
        new string('}', count);
}
