using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;

namespace VelesDb.Core.Tests.Filtering;

/// <summary>Shorthands for filter tests. JSON may be written with single quotes, which become double quotes.</summary>
internal static class FilterTestData
{
    public static string Quote(string json) => json.Replace('\'', '"');

    public static JsonElement Json(string json) => JsonElement.Parse(Quote(json));

    public static Filter ParseCondition(string conditionJson) => Filter.Parse("{\"condition\":" + Quote(conditionJson) + "}");

    public static bool Matches(string conditionJson, string payloadJson) =>
        ParseCondition(conditionJson).Matches(Json(payloadJson));

    public static VelesDbException ParseError(string filterJson)
    {
        var ex = Assert.Throws<VelesDbException>(() => Filter.Parse(Quote(filterJson)));
        Assert.Equal(VelesDbErrorCode.Query, ex.Code);
        Assert.Equal("VELES-010", ex.CodeString);
        return ex;
    }
}
