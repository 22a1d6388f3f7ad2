using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Filtering;
using static VelesDb.Core.Tests.Filtering.FilterTestData;

namespace VelesDb.Core.Tests.Filtering;

public class TextConditionTests
{
    private static readonly JsonSerializerOptions RelaxedOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Theory]
    [InlineData("'hello world'", "lo w", true)]
    [InlineData("'hello world'", "hello world", true)]
    [InlineData("'hello world'", "world!", false)]
    [InlineData("'Hello'", "hello", false)]
    [InlineData("'anything'", "", true)]
    [InlineData("''", "", true)]
    [InlineData("''", "a", false)]
    [InlineData("'naïve café'", "ï", true)]
    [InlineData("'na\\u00efve'", "ïv", true)]
    [InlineData("'line\\nbreak'", "\nb", true)]
    [InlineData("'😀 smile'", "😀", true)]
    [InlineData("42", "4", false)]
    [InlineData("['abc']", "a", false)]
    [InlineData("null", "", false)]
    public void Contains_Field_MatchesOrdinalSubstring(string payloadValue, string value, bool expected)
    {
        var condition = new ContainsCondition("s", value);
        Assert.Equal(expected, condition.Matches(Json($"{{'s':{payloadValue}}}")));
        if (payloadValue.StartsWith('\''))
        {
            // The same text with every non-ASCII character written as a \u escape.
            var text = Json(payloadValue).GetString()!;
            Assert.Equal(expected, condition.Matches(EscapedStringPayload(text)));
        }
    }

    [Fact]
    public void Contains_MissingField_DoesNotMatch()
    {
        Assert.False(Matches("{'type':'contains','field':'s','value':''}", "{}"));
    }

    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "abcd", false)]
    [InlineData("abc", "ab", false)]
    [InlineData("a%", "abc", true)]
    [InlineData("a%", "a", true)]
    [InlineData("a%", "ba", false)]
    [InlineData("%c", "abc", true)]
    [InlineData("%b%", "abc", true)]
    [InlineData("%b%", "ac", false)]
    [InlineData("%", "", true)]
    [InlineData("%", "anything", true)]
    [InlineData("%%", "", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("_", "", false)]
    [InlineData("_", "a", true)]
    [InlineData("a_c", "abc", true)]
    [InlineData("a_c", "ac", false)]
    [InlineData("a_c", "abbc", false)]
    [InlineData("a%b%c", "aXXbYYc", true)]
    [InlineData("a%b%c", "aXXcYYb", false)]
    [InlineData("%ab", "aab", true)]
    [InlineData("%aab", "aaab", true)]
    [InlineData("%a_b%", "xxaxbyy", true)]
    [InlineData("ABC", "abc", false)]
    [InlineData("100\\%", "100%", true)]
    [InlineData("100\\%", "1000", false)]
    [InlineData("100\\%%", "100% sure", true)]
    [InlineData("a\\_b", "a_b", true)]
    [InlineData("a\\_b", "axb", false)]
    [InlineData("a\\\\b", "a\\b", true)]
    [InlineData("a\\\\%", "a\\xyz", true)]
    [InlineData("caf_", "café", true)]
    [InlineData("%é", "café", true)]
    [InlineData("_", "😀", true)]
    [InlineData("__", "😀", false)]
    [InlineData("a_b", "a😀b", true)]
    [InlineData("%😀%", "I 😀 it", true)]
    public void Like_Pattern_MatchesWholeString(string pattern, string input, bool expected)
    {
        var condition = new LikeCondition("s", pattern);
        Assert.Equal(expected, condition.Matches(StringPayload(input)));
        Assert.Equal(expected, condition.Matches(EscapedStringPayload(input)));
    }

    [Theory]
    [InlineData("abc", "ABC", true)]
    [InlineData("ABC", "abc", true)]
    [InlineData("%WORLD", "Hello World", true)]
    [InlineData("h_llo", "HÉLLO", true)]
    [InlineData("h_llo", "HÉÉLLO", false)]
    [InlineData("h_llo", "HALLO", true)]
    [InlineData("école", "ÉCOLE", true)]
    [InlineData("%σ%", "ΣΟΦΙΑ", true)]
    [InlineData("straße", "STRASSE", false)]
    [InlineData("abc", "abd", false)]
    [InlineData("100\\%", "100%", true)]
    public void ILike_Pattern_IgnoresCase(string pattern, string input, bool expected)
    {
        var condition = new ILikeCondition("s", pattern);
        Assert.Equal(expected, condition.Matches(StringPayload(input)));
        Assert.Equal(expected, condition.Matches(EscapedStringPayload(input)));
    }

    [Theory]
    [InlineData("{'s':'caf\\u00e9'}", true)]
    [InlineData("{'s':'caf\\u00e9s'}", false)]
    [InlineData("{'s':'\\u0043af\\u00C9'}", true)]
    [InlineData("{'s':'\\ud83d\\ude00af\\u00e9'}", true)]
    public void ILike_EscapedPayloadString_MatchesDecodedText(string payload, bool expected)
    {
        Assert.Equal(expected, Matches("{'type':'ilike','field':'s','pattern':'_afé'}", payload));
    }

    [Theory]
    [InlineData("like", "{'s':5}")]
    [InlineData("like", "{'s':null}")]
    [InlineData("like", "{'s':['abc']}")]
    [InlineData("ilike", "{}")]
    [InlineData("ilike", "{'t':'abc'}")]
    public void Like_NonStringOrMissingField_DoesNotMatch(string type, string payload)
    {
        Assert.False(Matches($"{{'type':'{type}','field':'s','pattern':'%'}}", payload));
    }

    [Theory]
    [InlineData("%a%a%a%a%b")]
    [InlineData("%aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")]
    [InlineData("%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%b%")]
    [InlineData("%_%_%_%_%_%_%_%_%_%_%b")]
    public void Like_PathologicalPattern_FinishesFast(string pattern)
    {
        var payload = StringPayload(new string('a', 200_000));
        var condition = new LikeCondition("s", pattern);

        var stopwatch = Stopwatch.StartNew();
        Assert.False(condition.Matches(payload));
        stopwatch.Stop();

        // Exponential backtracking would take astronomically long here; the greedy matcher needs milliseconds.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }

    [Theory]
    [InlineData("abc\\")]
    [InlineData("a\\bc")]
    [InlineData("\\n")]
    public void Constructor_InvalidEscape_Throws(string pattern)
    {
        var ex = Assert.Throws<VelesDbException>(() => new LikeCondition("s", pattern));
        Assert.Equal(VelesDbErrorCode.Query, ex.Code);
        Assert.StartsWith("pattern:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new ILikeCondition("s", null!));
        Assert.Throws<ArgumentNullException>(() => new ContainsCondition("s", null!));
    }

    // Non-ASCII text stays raw UTF-8 in the document.
    private static JsonElement StringPayload(string text) =>
        JsonElement.Parse("{\"s\":" + JsonSerializer.Serialize(text, RelaxedOptions) + "}");

    // The default encoder writes every non-ASCII character as a \u escape.
    private static JsonElement EscapedStringPayload(string text) =>
        JsonElement.Parse("{\"s\":" + JsonSerializer.Serialize(text) + "}");
}
