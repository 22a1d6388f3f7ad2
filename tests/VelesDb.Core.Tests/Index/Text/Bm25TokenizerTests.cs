using System.Text.Json;
using VelesDb.Core.Index.Text;

namespace VelesDb.Core.Tests.Index.Text;

public class Bm25TokenizerTests
{
    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        Bm25Tokenizer.Tokenize(text, tokens);
        return tokens;
    }

    [Fact]
    public void Tokenize_Punctuation_SplitsOnEveryNonAlphanumeric()
    {
        Assert.Equal(
            ["hello", "world", "foo", "bar", "baz", "qux"],
            Tokens("Hello, World! foo-bar_baz\tqux..."));
    }

    [Fact]
    public void Tokenize_Digits_AreTokenCharacters()
    {
        Assert.Equal(["abc123", "42", "x9", "3d"], Tokens("abc123 42 7 x9 3D"));
    }

    [Fact]
    public void Tokenize_SingleCharacters_AreDropped()
    {
        Assert.Equal(["cd", "ok"], Tokens("a I b cd 1 OK ."));
    }

    [Fact]
    public void Tokenize_MixedCase_IsLowercasedInvariantly()
    {
        Assert.Equal(["mixedcase", "title", "istanbul"], Tokens("MiXeDCaSe TITLE ISTANBUL"));
    }

    [Fact]
    public void Tokenize_UnicodeLetters_AreKeptAndLowercased()
    {
        Assert.Equal(
            ["ça", "va", "été", "öl", "straße", "москва", "αθήνα", "東京"],
            Tokens("Ça VA? Été ÖL Straße Москва ΑΘΉΝΑ 東京 日"));
    }

    [Fact]
    public void Tokenize_SurrogatePairs_CountAsOneLetter()
    {
        // U+10400/U+10401 (Deseret capitals) lowercase to U+10428/U+10429: one scalar each.
        Assert.Equal(["\U00010428\U00010429"], Tokens("\U00010400\U00010401 \U00010400"));

        // A lone surrogate is not a letter: it splits.
        Assert.Equal(["ab", "cd"], Tokens("ab\uD800cd"));
        Assert.Equal(["ab", "cd"], Tokens("ab\uDC00cd"));
    }

    [Fact]
    public void Tokenize_EmptyOrOnlySeparators_YieldsNothing()
    {
        Assert.Empty(Tokens(""));
        Assert.Empty(Tokens("  ,;!? - a"));
    }

    [Fact]
    public void Tokenize_LongToken_GrowsTheBuffer()
    {
        var word = new string('Q', 1000);
        Assert.Equal([new string('q', 1000), "end"], Tokens(word + " end"));
    }

    [Fact]
    public void Tokenize_AppendsToTheCallersList()
    {
        var tokens = new List<string> { "kept" };
        Bm25Tokenizer.Tokenize("new words", tokens);
        Assert.Equal(["kept", "new", "words"], tokens);
    }
}

public class PayloadTextTests
{
    [Fact]
    public void Extract_NestedObjectsAndArrays_StringsInDocumentOrder()
    {
        using var doc = JsonDocument.Parse(
            """{"title":"Hello","n":5,"tags":["a b",{"x":"deep","y":[1,"deeper"]}],"flag":true,"nil":null,"obj":{"k":"v"}}""");

        Assert.Equal("Hello a b deep deeper v", PayloadText.Extract(doc.RootElement));
    }

    [Fact]
    public void Extract_KeysNumbersBoolsNulls_AreNotText()
    {
        using var doc = JsonDocument.Parse("""{"word":1,"other":[true,false,null,2.5],"e":{}}""");

        Assert.Equal("", PayloadText.Extract(doc.RootElement));
    }

    [Fact]
    public void Extract_UndefinedPayload_IsEmpty()
    {
        Assert.Equal("", PayloadText.Extract(default));
    }

    [Fact]
    public void Extract_EscapedStrings_AreUnescaped()
    {
        using var doc = JsonDocument.Parse("""["line\nbreak","caf\u00e9"]""");

        Assert.Equal("line\nbreak café", PayloadText.Extract(doc.RootElement));
    }

    [Fact]
    public void Extract_ScalarRoot_StringIsItselfNumberIsEmpty()
    {
        using var text = JsonDocument.Parse("\"just text\"");
        using var number = JsonDocument.Parse("42");

        Assert.Equal("just text", PayloadText.Extract(text.RootElement));
        Assert.Equal("", PayloadText.Extract(number.RootElement));
    }
}
