using System.Text.Json;
using VelesDb.Core.Filtering;
using static VelesDb.Core.Tests.Filtering.FilterTestData;

namespace VelesDb.Core.Tests.Filtering;

public class ComparisonConditionTests
{
    [Theory]
    [InlineData("5", "5", true)]
    [InlineData("5", "6", false)]
    [InlineData("-5", "-5", true)]
    [InlineData("-5", "5", false)]
    [InlineData("0", "-0", true)]
    [InlineData("1", "1.0", true)]
    [InlineData("1.0", "1", true)]
    [InlineData("1", "1e0", true)]
    [InlineData("100", "1E2", true)]
    [InlineData("0.3", "0.30000000000000004", true)]
    [InlineData("1.5", "1.5000001", false)]
    [InlineData("9007199254740993", "9007199254740993", true)]
    [InlineData("9007199254740993", "9007199254740992", false)]
    [InlineData("-9223372036854775808", "-9223372036854775808", true)]
    [InlineData("18446744073709551615", "18446744073709551615", true)]
    [InlineData("18446744073709551615", "18446744073709551614", false)]
    [InlineData("9223372036854775807", "9223372036854775808", false)]
    [InlineData("1e300", "1.0000000000001e300", true)]
    public void Eq_Numbers_ComparesNumerically(string value, string payloadValue, bool expected)
    {
        Assert.Equal(expected, Matches($"{{'type':'eq','field':'n','value':{value}}}", $"{{'n':{payloadValue}}}"));
    }

    [Theory]
    [InlineData("'a'", "'a'", true)]
    [InlineData("'a'", "'A'", false)]
    [InlineData("''", "''", true)]
    [InlineData("'café'", "'caf\\u00e9'", true)]
    [InlineData("'5'", "5", false)]
    [InlineData("5", "'5'", false)]
    [InlineData("true", "true", true)]
    [InlineData("true", "false", false)]
    [InlineData("true", "1", false)]
    [InlineData("false", "false", true)]
    [InlineData("null", "null", true)]
    [InlineData("null", "0", false)]
    [InlineData("null", "''", false)]
    [InlineData("[1,2]", "[1,2]", true)]
    [InlineData("[1,2]", "[2,1]", false)]
    [InlineData("[1,2]", "[1.0,2]", true)]
    [InlineData("[1,2]", "1", false)]
    [InlineData("{'a':1,'b':'x'}", "{'b':'x','a':1}", true)]
    [InlineData("{'a':1}", "{'a':2}", false)]
    [InlineData("{'a':1}", "[1]", false)]
    public void Eq_OtherKinds_ComparesByKindAndValue(string value, string payloadValue, bool expected)
    {
        Assert.Equal(expected, Matches($"{{'type':'eq','field':'v','value':{value}}}", $"{{'v':{payloadValue}}}"));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{'other':null}")]
    [InlineData("{'v':{'nested':null}}")]
    public void Eq_NullValueOnMissingField_DoesNotMatch(string payload)
    {
        Assert.False(Matches("{'type':'eq','field':'v','value':null}", payload));
    }

    [Theory]
    [InlineData("{'author':{'name':'Ann'}}", true)]
    [InlineData("{'author':{'name':'Bob'}}", false)]
    [InlineData("{'author':'Ann'}", false)]
    [InlineData("{'author':['Ann']}", false)]
    [InlineData("{'author.name':'Ann'}", false)]
    [InlineData("{'payload':{'author':{'name':'Ann'}}}", false)]
    [InlineData("[]", false)]
    [InlineData("'Ann'", false)]
    public void Eq_NestedPath_ResolvesDotSegments(string payload, bool expected)
    {
        Assert.Equal(expected, Matches("{'type':'eq','field':'author.name','value':'Ann'}", payload));
    }

    [Fact]
    public void Eq_PayloadUndefined_DoesNotMatch()
    {
        Assert.False(ParseCondition("{'type':'eq','field':'a','value':1}").Matches(default));
    }

    [Fact]
    public void Eq_DeepPath_ResolvesFourLevels()
    {
        Assert.True(Matches("{'type':'eq','field':'a.b.c.d','value':1}", "{'a':{'b':{'c':{'d':1}}}}"));
        Assert.False(Matches("{'type':'eq','field':'a.b.c.d','value':1}", "{'a':{'b':{'c':1}}}"));
    }

    [Theory]
    [InlineData("{'v':5}", false)]
    [InlineData("{'v':6}", true)]
    [InlineData("{'v':'5'}", true)]
    [InlineData("{'v':null}", true)]
    [InlineData("{}", true)]
    [InlineData("{'v':5.0}", false)]
    public void Neq_AnyPayload_IsExactlyNotEq(string payload, bool expected)
    {
        Assert.Equal(expected, Matches("{'type':'neq','field':'v','value':5}", payload));
        Assert.Equal(expected, Matches("{'type':'not','condition':{'type':'eq','field':'v','value':5}}", payload));
    }

    [Fact]
    public void Neq_PayloadUndefined_Matches()
    {
        Assert.True(ParseCondition("{'type':'neq','field':'a','value':1}").Matches(default));
    }

    [Theory]
    [InlineData("gt", "5", "6", true)]
    [InlineData("gt", "5", "5", false)]
    [InlineData("gt", "5", "4", false)]
    [InlineData("gte", "5", "5", true)]
    [InlineData("gte", "5", "4.99", false)]
    [InlineData("lt", "5", "4", true)]
    [InlineData("lt", "5", "5", false)]
    [InlineData("lte", "5", "5.0", true)]
    [InlineData("lte", "5", "5.5", false)]
    [InlineData("gt", "-1", "-0.5", true)]
    [InlineData("lt", "-1", "-2", true)]
    [InlineData("gt", "1.5", "2", true)]
    [InlineData("lt", "2", "1.5", true)]
    [InlineData("gt", "9007199254740992", "9007199254740993", true)]
    [InlineData("lt", "9007199254740993", "9007199254740992", true)]
    [InlineData("gt", "9223372036854775807", "9223372036854775808", true)]
    [InlineData("lt", "9223372036854775808", "9223372036854775807", true)]
    [InlineData("lt", "18446744073709551615", "-1", true)]
    [InlineData("gt", "-1", "18446744073709551615", true)]
    [InlineData("gt", "18446744073709551614", "18446744073709551615", true)]
    [InlineData("gt", "1e19", "18446744073709551615", true)]
    [InlineData("gt", "1", "1.0000000000001", false)]
    [InlineData("gte", "1", "1.0000000000001", true)]
    [InlineData("gt", "5", "1e400", false)]
    [InlineData("lt", "5", "-1e400", false)]
    public void Range_Numbers_ComparesNumerically(string type, string value, string payloadValue, bool expected)
    {
        Assert.Equal(expected, Matches($"{{'type':'{type}','field':'n','value':{value}}}", $"{{'n':{payloadValue}}}"));
    }

    [Theory]
    [InlineData("gt", "'apple'", "'banana'", true)]
    [InlineData("lt", "'apple'", "'banana'", false)]
    [InlineData("lt", "'a'", "'B'", true)]
    [InlineData("gt", "'abc'", "'ab'", false)]
    [InlineData("lt", "'abc'", "'ab'", true)]
    [InlineData("gte", "'abc'", "'abc'", true)]
    [InlineData("lte", "''", "''", true)]
    [InlineData("gt", "''", "'a'", true)]
    [InlineData("gt", "'a'", "'\\u0062'", true)]
    [InlineData("gt", "'\\uffff'", "'😀'", true)]
    [InlineData("lt", "'é'", "'z'", true)]
    public void Range_Strings_ComparesOrdinally(string type, string value, string payloadValue, bool expected)
    {
        Assert.Equal(expected, Matches($"{{'type':'{type}','field':'s','value':{value}}}", $"{{'s':{payloadValue}}}"));
    }

    [Theory]
    [InlineData("gt", "5", "{'v':'6'}")]
    [InlineData("lt", "'b'", "{'v':1}")]
    [InlineData("gte", "true", "{'v':true}")]
    [InlineData("lte", "null", "{'v':null}")]
    [InlineData("gte", "[1]", "{'v':[1]}")]
    [InlineData("gt", "5", "{'v':null}")]
    [InlineData("gt", "5", "{}")]
    [InlineData("lt", "5", "{}")]
    [InlineData("gte", "5", "{'v':[6]}")]
    public void Range_MismatchedOrUnorderedKinds_DoesNotMatch(string type, string value, string payload)
    {
        Assert.False(Matches($"{{'type':'{type}','field':'v','value':{value}}}", payload));
    }

    [Fact]
    public void Constructor_ValidArguments_ExposesFieldAndValue()
    {
        var condition = new GteCondition("price", Json("10"));

        Assert.Equal("gte", condition.Type);
        Assert.Equal("price", condition.Field);
        Assert.Equal(10, condition.Value.GetInt32());
        Assert.True(condition.Matches(Json("{'price':10}")));
    }

    [Fact]
    public void Constructor_ValueFromDisposedDocument_KeepsCopy()
    {
        EqCondition condition;
        using (var document = JsonDocument.Parse("\"x\""))
        {
            condition = new EqCondition("s", document.RootElement);
        }

        Assert.True(condition.Matches(Json("{'s':'x'}")));
        Assert.Equal("{\"type\":\"eq\",\"field\":\"s\",\"value\":\"x\"}", condition.ToJson());
    }
}
