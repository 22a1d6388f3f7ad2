using VelesDb.Core.Filtering;
using static VelesDb.Core.Tests.Filtering.FilterTestData;

namespace VelesDb.Core.Tests.Filtering;

public class FilterParserTests
{
    [Theory]
    [InlineData("{", "filter: invalid JSON")]
    [InlineData("", "filter: invalid JSON")]
    [InlineData("{'condition':{'type':'eq','field':'a','value':1}} x", "filter: invalid JSON")]
    [InlineData("[]", "filter: expected an object of the form")]
    [InlineData("null", "filter: expected an object of the form")]
    [InlineData("{}", "filter: missing field 'condition'")]
    [InlineData("{'k':'v'}", "filter: missing field 'condition'")]
    [InlineData("{'condition':{'type':'is_null','field':'a'},'limit':1}", "filter.limit: unknown property")]
    [InlineData("{'condition':{'type':'is_null','field':'a'},'condition':{'type':'is_null','field':'b'}}", "filter.condition: duplicate property")]
    [InlineData("{'condition':[]}", "filter.condition: expected a condition object, got array")]
    [InlineData("{'condition':null}", "filter.condition: expected a condition object, got null")]
    [InlineData("{'condition':{}}", "filter.condition: missing required property 'type'")]
    [InlineData("{'condition':{'field':'a','value':1}}", "filter.condition: missing required property 'type'. Expected one of: eq, neq,")]
    [InlineData("{'condition':{'type':1}}", "filter.condition.type: expected a string, got number")]
    [InlineData("{'condition':{'type':'eq','type':'eq','field':'a','value':1}}", "filter.condition.type: duplicate property")]
    [InlineData("{'condition':{'type':'EQ','field':'a','value':1}}", "filter.condition: unknown condition type 'EQ'. Expected one of: eq, neq, gt, gte, lt, lte, in, contains, is_null, is_not_null, and, or, not, like, ilike, array_contains, array_contains_any, array_contains_all")]
    [InlineData("{'condition':{'type':'geo_distance','field':'loc'}}", "filter.condition: condition type 'geo_distance' is not supported yet")]
    [InlineData("{'condition':{'type':'eq','value':1}}", "filter.condition: missing required property 'field' for condition type 'eq'")]
    [InlineData("{'condition':{'type':'gt','field':'a'}}", "filter.condition: missing required property 'value' for condition type 'gt'")]
    [InlineData("{'condition':{'type':'in','field':'a'}}", "filter.condition: missing required property 'values' for condition type 'in'")]
    [InlineData("{'condition':{'type':'like','field':'a'}}", "filter.condition: missing required property 'pattern' for condition type 'like'")]
    [InlineData("{'condition':{'type':'and'}}", "filter.condition: missing required property 'conditions' for condition type 'and'")]
    [InlineData("{'condition':{'type':'not'}}", "filter.condition: missing required property 'condition' for condition type 'not'")]
    [InlineData("{'condition':{'type':'is_null'}}", "filter.condition: missing required property 'field' for condition type 'is_null'")]
    [InlineData("{'condition':{'type':'eq','field':'','value':1}}", "filter.condition.field: expected a non-empty string")]
    [InlineData("{'condition':{'type':'eq','field':5,'value':1}}", "filter.condition.field: expected a non-empty string, got number")]
    [InlineData("{'condition':{'type':'is_null','field':null}}", "filter.condition.field: expected a non-empty string, got null")]
    [InlineData("{'condition':{'type':'is_null','field':['a']}}", "filter.condition.field: expected a non-empty string, got array")]
    [InlineData("{'condition':{'type':'eq','field':'a..b','value':1}}", "filter.condition.field: field path 'a..b' has an empty segment")]
    [InlineData("{'condition':{'type':'eq','field':'.a','value':1}}", "filter.condition.field: field path '.a' has an empty segment")]
    [InlineData("{'condition':{'type':'eq','field':'a.','value':1}}", "filter.condition.field: field path 'a.' has an empty segment")]
    [InlineData("{'condition':{'type':'eq','field':'a','vale':1}}", "filter.condition.vale: unexpected property for condition type 'eq'. Allowed properties: type, field, value")]
    [InlineData("{'condition':{'type':'eq','field':'a','value':1,'values':[1]}}", "filter.condition.values: unexpected property for condition type 'eq'")]
    [InlineData("{'condition':{'type':'is_null','field':'a','value':null}}", "filter.condition.value: unexpected property for condition type 'is_null'. Allowed properties: type, field")]
    [InlineData("{'condition':{'type':'not','conditions':[]}}", "filter.condition.conditions: unexpected property for condition type 'not'. Allowed properties: type, condition")]
    [InlineData("{'condition':{'type':'and','conditions':[],'field':'a'}}", "filter.condition.field: unexpected property for condition type 'and'")]
    [InlineData("{'condition':{'type':'eq','field':'a','field':'b','value':1}}", "filter.condition.field: duplicate property")]
    [InlineData("{'condition':{'type':'eq','field':'a','value':1e400}}", "filter.condition.value: number 1e400 is outside the range of a double")]
    [InlineData("{'condition':{'type':'in','field':'a','values':1}}", "filter.condition.values: expected an array, got number")]
    [InlineData("{'condition':{'type':'in','field':'a','values':[1,-1e999]}}", "filter.condition.values[1]: number -1e999 is outside the range")]
    [InlineData("{'condition':{'type':'array_contains_any','field':'a','values':'x'}}", "filter.condition.values: expected an array, got string")]
    [InlineData("{'condition':{'type':'array_contains_all','field':'a','values':{}}}", "filter.condition.values: expected an array, got object")]
    [InlineData("{'condition':{'type':'array_contains','field':'a','values':[1]}}", "filter.condition.values: unexpected property for condition type 'array_contains'")]
    [InlineData("{'condition':{'type':'contains','field':'a','value':1}}", "filter.condition.value: expected a string, got number")]
    [InlineData("{'condition':{'type':'contains','field':'a','value':null}}", "filter.condition.value: expected a string, got null")]
    [InlineData("{'condition':{'type':'like','field':'a','pattern':1}}", "filter.condition.pattern: expected a string, got number")]
    [InlineData("{'condition':{'type':'ilike','field':'a','pattern':'a\\\\q'}}", "filter.condition.pattern: invalid escape '\\q' at position 1; only \\%, \\_ and \\\\ are escapes")]
    [InlineData("{'condition':{'type':'like','field':'a','pattern':'50\\\\'}}", "filter.condition.pattern: pattern ends with an unfinished escape at position 2")]
    [InlineData("{'condition':{'type':'and','conditions':{}}}", "filter.condition.conditions: expected an array of conditions, got object")]
    [InlineData("{'condition':{'type':'or','conditions':'eq'}}", "filter.condition.conditions: expected an array of conditions, got string")]
    [InlineData("{'condition':{'type':'and','conditions':[5]}}", "filter.condition.conditions[0]: expected a condition object, got number")]
    [InlineData("{'condition':{'type':'not','condition':[]}}", "filter.condition.condition: expected a condition object, got array")]
    [InlineData("{'condition':{'type':'not','condition':{'type':'eq','field':'a'}}}", "filter.condition.condition: missing required property 'value'")]
    [InlineData("{'condition':{'type':'or','conditions':[{'type':'is_null','field':'a'},{'type':'not','condition':{'type':'in','field':'b','values':[1,1e500]}}]}}", "filter.condition.conditions[1].condition.values[1]: number")]
    public void Parse_InvalidFilter_ThrowsQueryErrorNamingPath(string json, string expectedPrefix)
    {
        var ex = ParseError(json);

        Assert.StartsWith(expectedPrefix, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownTypeDeepInTree_NamesIndexedPath()
    {
        var ex = ParseError("""
            {'condition':{'type':'and','conditions':[
              {'type':'eq','field':'a','value':1},
              {'type':'eq','field':'b','value':2},
              {'type':'eqq','field':'c','value':3}
            ]}}
            """);

        Assert.StartsWith("filter.condition.conditions[2]: unknown condition type 'eqq'. Expected one of: eq, neq,", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidJson_KeepsReaderErrorAsInner()
    {
        var ex = ParseError("{'condition':");

        Assert.IsAssignableFrom<System.Text.Json.JsonException>(ex.InnerException);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => Filter.Parse(null!));
    }

    [Fact]
    public void FromJson_UndefinedElement_ThrowsQueryError()
    {
        var ex = Assert.Throws<VelesDb.Core.Errors.VelesDbException>(() => Filter.FromJson(default));

        Assert.StartsWith("filter: expected an object", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{'condition':{'field':'a','type':'eq','value':1}}")]
    [InlineData("{'condition':{'value':[1,{'x':null}],'field':'a','type':'eq'}}")]
    [InlineData("{'condition':{'type':'and','conditions':[]}}")]
    [InlineData("{'condition':{'type':'contains','field':'a','value':''}}")]
    [InlineData("{'condition':{'type':'like','field':'a','pattern':''}}")]
    [InlineData("{'condition':{'type':'in','field':'a','values':[]}}")]
    [InlineData("{'condition':{'type':'eq','field':'payload.title','value':'x'}}")]
    [InlineData("{'condition':{'type':'eq','field':'weird key!','value':'x'}}")]
    public void Parse_ValidFilter_IsAccepted(string json)
    {
        Assert.NotNull(Filter.Parse(Quote(json)));
    }
}
