using VelesDb.Core.Filtering;
using static VelesDb.Core.Tests.Filtering.FilterTestData;

namespace VelesDb.Core.Tests.Filtering;

public class FieldValuesConditionTests
{
    [Theory]
    [InlineData("[1,2,3]", "2", true)]
    [InlineData("[1,2,3]", "4", false)]
    [InlineData("[1,2,3]", "2.0", true)]
    [InlineData("[1,2,3]", "'2'", false)]
    [InlineData("['a','b']", "'b'", true)]
    [InlineData("['a','b']", "'B'", false)]
    [InlineData("[1,'a',null,true]", "null", true)]
    [InlineData("[1,'a',null,true]", "true", true)]
    [InlineData("[1,'a',null,true]", "false", false)]
    [InlineData("[[1,2],{'k':1}]", "{'k':1}", true)]
    [InlineData("[]", "1", false)]
    [InlineData("[0.1,0.2]", "0.2", true)]
    public void In_Values_MatchesWhenAnyIsEqual(string values, string payloadValue, bool expected)
    {
        Assert.Equal(expected, Matches($"{{'type':'in','field':'v','values':{values}}}", $"{{'v':{payloadValue}}}"));
    }

    [Theory]
    [InlineData("7", true)]
    [InlineData("7.0", true)]
    [InlineData("13", false)]
    [InlineData("-3", true)]
    [InlineData("'7'", false)]
    [InlineData("null", false)]
    public void In_ManyIntegers_UsesSetWithSameSemantics(string payloadValue, bool expected)
    {
        const string values = "[1,2,3,4,5,6,7,8,9,10,11,12,-3]";
        Assert.Equal(expected, Matches($"{{'type':'in','field':'v','values':{values}}}", $"{{'v':{payloadValue}}}"));
    }

    [Fact]
    public void In_MissingField_DoesNotMatch()
    {
        Assert.False(Matches("{'type':'in','field':'v','values':[null]}", "{}"));
    }

    [Theory]
    [InlineData("[1,2,3]", "2", true)]
    [InlineData("[1,2,3]", "4", false)]
    [InlineData("[1.0,2.5]", "1", true)]
    [InlineData("['a','b']", "'a'", true)]
    [InlineData("['a','b']", "'ab'", false)]
    [InlineData("[[1,2],[3]]", "[1,2]", true)]
    [InlineData("[{'k':1}]", "{'k':1}", true)]
    [InlineData("[null]", "null", true)]
    [InlineData("[]", "1", false)]
    [InlineData("'abc'", "'a'", false)]
    [InlineData("{'a':1}", "1", false)]
    [InlineData("1", "1", false)]
    public void ArrayContains_Field_MatchesWhenAnElementIsEqual(string payloadValue, string value, bool expected)
    {
        Assert.Equal(expected, Matches($"{{'type':'array_contains','field':'tags','value':{value}}}", $"{{'tags':{payloadValue}}}"));
    }

    [Fact]
    public void ArrayContains_MissingField_DoesNotMatch()
    {
        Assert.False(Matches("{'type':'array_contains','field':'tags','value':1}", "{}"));
    }

    [Theory]
    [InlineData("['a','b']", "['c','b']", true)]
    [InlineData("['a','b']", "['c','d']", false)]
    [InlineData("['a','b']", "[]", false)]
    [InlineData("[1,2]", "[2.0]", true)]
    [InlineData("[1,2,3,4,5,6,7,8,9,10]", "[20,21,22,23,24,25,26,27,28,10]", true)]
    [InlineData("'ab'", "['ab']", false)]
    public void ArrayContainsAny_Field_MatchesWhenOneValueIsHeld(string payloadValue, string values, bool expected)
    {
        Assert.Equal(expected, Matches($"{{'type':'array_contains_any','field':'tags','values':{values}}}", $"{{'tags':{payloadValue}}}"));
    }

    [Theory]
    [InlineData("['a','b','c']", "['a','c']", true)]
    [InlineData("['a','b','c']", "['c','a','a']", true)]
    [InlineData("['a','b','c']", "['a','d']", false)]
    [InlineData("['a']", "[]", true)]
    [InlineData("[]", "[]", true)]
    [InlineData("[]", "['a']", false)]
    [InlineData("'a'", "[]", false)]
    [InlineData("null", "[]", false)]
    public void ArrayContainsAll_Field_MatchesWhenEveryValueIsHeld(string payloadValue, string values, bool expected)
    {
        Assert.Equal(expected, Matches($"{{'type':'array_contains_all','field':'tags','values':{values}}}", $"{{'tags':{payloadValue}}}"));
    }

    [Fact]
    public void ArrayContainsAll_MissingField_DoesNotMatch()
    {
        Assert.False(Matches("{'type':'array_contains_all','field':'tags','values':[]}", "{}"));
    }

    [Fact]
    public void Constructor_Params_KeepsValuesInOrder()
    {
        var condition = new InCondition("v", Json("3"), Json("'x'"));

        Assert.Equal(2, condition.Values.Length);
        Assert.Equal(3, condition.Values[0].GetInt32());
        Assert.Equal("x", condition.Values[1].GetString());
        Assert.True(condition.Matches(Json("{'v':'x'}")));
        Assert.Equal("{\"type\":\"in\",\"field\":\"v\",\"values\":[3,\"x\"]}", condition.ToJson());
    }

    [Fact]
    public void Constructor_ArrayContainsAll_BuildsFromList()
    {
        var condition = new ArrayContainsAllCondition("tags", [Json("'a'"), Json("'b'")]);

        Assert.True(condition.Matches(Json("{'tags':['b','a']}")));
        Assert.False(condition.Matches(Json("{'tags':['a']}")));
    }
}
