using VelesDb.Core.Errors;
using VelesDb.Core.Index.Text;

namespace VelesDb.Core.Tests.Index.Text;

public class Bm25IndexTests
{
    private const double Tolerance = 1e-5;

    // N = 4, token counts 3, 2, 3, 0 (row 3 has only one-letter words), so avgdl = 8 / 4 = 2.
    private static Bm25Index TinyCorpus()
    {
        var index = new Bm25Index();
        index.Add(0, "The cat sat.");
        index.Add(1, "the dog");
        index.Add(2, "cat, cat & dog!");
        index.Add(3, "a b c");
        return index;
    }

    private static void AssertResults((int Row, double Score)[] expected, (int Row, float Score)[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Row, actual[i].Row);
            Assert.Equal(expected[i].Score, actual[i].Score, Tolerance);
        }
    }

    [Fact]
    public void Stats_TinyCorpus_CountZeroTokenDocumentsInNAndAvgdl()
    {
        var index = TinyCorpus();

        Assert.Equal(4, index.Count);
        Assert.Equal(2.0, index.AverageLength);
        Assert.Equal(2, index.DocumentFrequency("cat"));
        Assert.Equal(1, index.DocumentFrequency("sat"));
        Assert.Equal(4, index.TermCount); // the, cat, sat, dog
    }

    [Fact]
    public void Search_SingleTerm_MatchesHandComputedScores()
    {
        // IDF(cat) = ln((4 − 2 + 0.5)/(2 + 0.5) + 1) = ln 2 = 0.6931472.
        // row 2: tf 2, |d| 3: norm = 1.2·(0.25 + 0.75·3/2) = 1.65; ln2 · 2·2.2/(2 + 1.65) = 0.8355747
        // row 0: tf 1, |d| 3: ln2 · 2.2/(1 + 1.65) = 0.5754429
        AssertResults([(2, 0.8355747), (0, 0.5754429)], TinyCorpus().Search("CAT", 10, null));
    }

    [Fact]
    public void Search_TwoTerms_SumsPerTermScores()
    {
        // IDF(sat) = ln((4 − 1 + 0.5)/1.5 + 1) = 1.2039728; row 0: 1.2039728 · 2.2/2.65 = 0.9995246.
        // row 0 = 0.9995246 + 0.5754429 (cat) = 1.5749676; row 2 = 0.8355747 (cat only).
        AssertResults([(0, 1.5749676), (2, 0.8355747)], TinyCorpus().Search("sat cat", 10, null));
    }

    [Fact]
    public void Search_RepeatedQueryTerms_CountOnce()
    {
        // IDF(dog) = ln 2. row 1: tf 1, |d| 2: norm = 1.2, ln2 · 2.2/2.2 = 0.6931472.
        // row 2: cat 0.8355747 + dog (tf 1, |d| 3) 0.5754429 = 1.4110176; row 0: cat 0.5754429.
        var expected = new (int, double)[] { (2, 1.4110176), (1, 0.6931472), (0, 0.5754429) };
        AssertResults(expected, TinyCorpus().Search("cat dog cat CAT dog", 10, null));
        AssertResults(expected, TinyCorpus().Search("cat dog", 10, null));
    }

    [Fact]
    public void Search_KSmallerThanMatches_KeepsTheBest()
    {
        AssertResults([(2, 1.4110176)], TinyCorpus().Search("cat dog", 1, null));
    }

    [Fact]
    public void Search_NoUsableTerms_ReturnsEmpty()
    {
        var index = TinyCorpus();

        Assert.Empty(index.Search("unknown words", 10, null));
        Assert.Empty(index.Search("a b c", 10, null)); // one-letter tokens are dropped
        Assert.Empty(index.Search("", 10, null));
        Assert.Empty(index.Search("cat", 0, null));
        Assert.Empty(index.Search("cat", -3, null));
        Assert.Empty(new Bm25Index().Search("cat", 10, null));
    }

    [Fact]
    public void Search_AcceptFilter_SkipsRejectedRows()
    {
        var index = TinyCorpus();

        AssertResults([(1, 0.6931472), (0, 0.5754429)], index.Search("cat dog", 10, row => row != 2));
        AssertResults([(1, 0.6931472)], index.Search("cat dog", 1, row => row != 2));
        Assert.Empty(index.Search("cat dog", 10, _ => false));
    }

    [Fact]
    public void Search_EqualScores_AscendingRow()
    {
        var index = new Bm25Index();
        foreach (var row in new[] { 9, 5, 2, 7 })
        {
            index.Add(row, "same words here");
        }

        index.Add(4, "other text");

        var all = index.Search("words", 10, null);
        Assert.Equal([2, 5, 7, 9], all.Select(r => r.Row));
        Assert.Single(all.Select(r => r.Score).Distinct());
        Assert.Equal([2, 5], index.Search("words", 2, null).Select(r => r.Row));
    }

    [Fact]
    public void Add_ExistingRow_ReplacesItsText()
    {
        var index = TinyCorpus();
        index.Add(0, "dog dog dog dog");

        var scratch = new Bm25Index();
        scratch.Add(0, "dog dog dog dog");
        scratch.Add(1, "the dog");
        scratch.Add(2, "cat, cat & dog!");
        scratch.Add(3, "a b c");

        Assert.Equal(4, index.Count);
        Assert.Equal(scratch.AverageLength, index.AverageLength);
        Assert.Equal(0, index.DocumentFrequency("sat"));
        Assert.Equal(3, index.DocumentFrequency("dog"));
        Assert.Equal(1, index.DocumentFrequency("cat"));
        foreach (var query in new[] { "dog", "cat", "the", "sat", "dog cat the" })
        {
            Assert.Equal(scratch.Search(query, 10, null), index.Search(query, 10, null));
        }
    }

    [Fact]
    public void Remove_Row_UpdatesNAvgdlAndDf()
    {
        var index = TinyCorpus();

        Assert.True(index.Remove(2));
        Assert.False(index.Remove(2));
        Assert.False(index.Remove(42));
        Assert.False(index.Remove(-1));

        // N = 3, avgdl = 5/3, df(cat) = 1: IDF = ln(2.5/1.5 + 1) = 0.9808293.
        // row 0: tf 1, |d| 3: norm = 1.2·(0.25 + 0.75·3/(5/3)) = 1.92; 0.9808293·2.2/2.92 = 0.7389809.
        Assert.Equal(3, index.Count);
        Assert.Equal(5.0 / 3, index.AverageLength, 1e-12);
        Assert.Equal(1, index.DocumentFrequency("cat"));
        AssertResults([(0, 0.7389809)], index.Search("cat", 10, null));
        Assert.False(index.Contains(2));
        Assert.True(index.Contains(3));
    }

    [Fact]
    public void Remove_LastDocumentOfATerm_DropsTheTerm()
    {
        var index = TinyCorpus();
        index.Remove(0);

        Assert.Equal(3, index.TermCount); // "sat" is gone
        Assert.Empty(index.Search("sat", 10, null));

        // The freed term id is reused without disturbing other terms.
        index.Add(0, "fresh words");
        Assert.Equal(5, index.TermCount);
        Assert.Equal(0, index.Search("fresh", 10, null)[0].Row);
        Assert.Equal(2, index.Search("cat", 10, null)[0].Row);
    }

    [Fact]
    public void Remove_EverythingThenAdd_StartsClean()
    {
        var index = TinyCorpus();
        for (var row = 0; row < 4; row++)
        {
            index.Remove(row);
        }

        Assert.Equal(0, index.Count);
        Assert.Equal(0, index.TermCount);
        Assert.Equal(0, index.AverageLength);
        Assert.Empty(index.Search("cat", 10, null));

        index.Add(1, "cat again");
        // N = 1, df = 1: IDF = ln(0.5/1.5 + 1) = 0.2876821; |d| = avgdl: score = IDF.
        AssertResults([(1, 0.2876821)], index.Search("cat", 10, null));
    }

    [Fact]
    public void Add_BadArguments_Throw()
    {
        var index = new Bm25Index();
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(-1, "text"));
        Assert.Throws<ArgumentNullException>(() => index.Add(0, null!));
        Assert.Throws<ArgumentNullException>(() => index.Search(null!, 1, null));
    }

    [Fact]
    public void SaveLoad_RoundTrip_SearchesEqual()
    {
        var index = RandomIndex(new Random(7), docs: 300, vocabulary: 40, churn: true);
        var copy = RoundTrip(index);

        Assert.Equal(index.Count, copy.Count);
        Assert.Equal(index.TermCount, copy.TermCount);
        Assert.Equal(index.AverageLength, copy.AverageLength);
        var rng = new Random(8);
        for (var q = 0; q < 50; q++)
        {
            var query = RandomText(rng, 40, 3);
            Assert.Equal(index.Search(query, 20, null), copy.Search(query, 20, null));
        }

        // The loaded index keeps working: replace and remove as usual.
        copy.Add(0, "w1 w1 w1");
        copy.Remove(1);
        index.Add(0, "w1 w1 w1");
        index.Remove(1);
        Assert.Equal(index.Search("w1 w2", 30, null), copy.Search("w1 w2", 30, null));
    }

    [Fact]
    public void SaveLoad_EmptyIndexAndZeroTokenDocuments_RoundTrip()
    {
        Assert.Equal(0, RoundTrip(new Bm25Index()).Count);

        var index = new Bm25Index();
        index.Add(5, "- x -");
        index.Add(6, "words");
        var copy = RoundTrip(index);
        Assert.Equal(2, copy.Count);
        Assert.Equal(0.5, copy.AverageLength);
        Assert.True(copy.Contains(5));
        Assert.Equal(index.Search("words", 5, null), copy.Search("words", 5, null));
    }

    [Fact]
    public void Load_AnyFlippedByte_ThrowsIndexCorrupted()
    {
        var bytes = Save(TinyCorpus());
        for (var i = 0; i < bytes.Length; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x10;
            var ex = Assert.Throws<VelesDbException>(() => Bm25Index.Load(new MemoryStream(damaged)));
            Assert.Equal(VelesDbErrorCode.IndexCorrupted, ex.Code);
        }
    }

    [Fact]
    public void Load_TruncatedOrExtended_ThrowsIndexCorrupted()
    {
        var bytes = Save(TinyCorpus());
        for (var length = 0; length < bytes.Length; length++)
        {
            var ex = Assert.Throws<VelesDbException>(() => Bm25Index.Load(new MemoryStream(bytes, 0, length)));
            Assert.Equal(VelesDbErrorCode.IndexCorrupted, ex.Code);
        }

        var longer = new byte[bytes.Length + 1];
        bytes.CopyTo(longer, 0);
        Assert.Equal(
            VelesDbErrorCode.IndexCorrupted,
            Assert.Throws<VelesDbException>(() => Bm25Index.Load(new MemoryStream(longer))).Code);
    }

    [Fact]
    public void Load_HugeDeclaredCount_FailsBeforeAllocating()
    {
        var bytes = Save(TinyCorpus());
        bytes[8] = 0xFF; // D = 0xFF...: checked against the bytes left, not allocated
        bytes[9] = 0xFF;
        bytes[10] = 0xFF;
        bytes[11] = 0x7F;
        var ex = Assert.Throws<VelesDbException>(() => Bm25Index.Load(new MemoryStream(bytes)));
        Assert.Equal(VelesDbErrorCode.IndexCorrupted, ex.Code);
        Assert.Contains("declares", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NonSeekableStream_Works()
    {
        var index = TinyCorpus();
        var copy = Bm25Index.Load(new ForwardOnlyStream(Save(index)));
        Assert.Equal(index.Search("cat dog", 10, null), copy.Search("cat dog", 10, null));
    }

    [Fact]
    public void Save_Layout_IsTheDocumentedOne()
    {
        var index = new Bm25Index();
        index.Add(3, "Hi hi");
        var bytes = Save(index);

        // header 24 + one document 8 + one term (4 + 2 bytes + 4 + one posting 8) + CRC 4.
        Assert.Equal(24 + 8 + 18 + 4, bytes.Length);
        Assert.Equal("VB25"u8.ToArray(), bytes[..4]);
        Assert.Equal(1, BitConverter.ToUInt16(bytes, 4));
        Assert.Equal(0, BitConverter.ToUInt16(bytes, 6));
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 8)); // documents
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 12)); // terms
        Assert.Equal(1ul, BitConverter.ToUInt64(bytes, 16)); // postings
        Assert.Equal(3, BitConverter.ToInt32(bytes, 24)); // row
        Assert.Equal(2, BitConverter.ToInt32(bytes, 28)); // token count
        Assert.Equal(2u, BitConverter.ToUInt32(bytes, 32)); // term byte length
        Assert.Equal("hi"u8.ToArray(), bytes[36..38]);
        Assert.Equal(1u, BitConverter.ToUInt32(bytes, 38)); // postings of the term
        Assert.Equal(3, BitConverter.ToInt32(bytes, 42)); // row
        Assert.Equal(2u, BitConverter.ToUInt32(bytes, 46)); // tf
        Assert.Equal(VelesDb.Core.Storage.Crc32C.Compute(bytes.AsSpan(0, 50)), BitConverter.ToUInt32(bytes, 50));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public void Search_Randomized_MatchesBruteForce(int seed, bool churn)
    {
        var rng = new Random(seed);
        var docs = new Dictionary<int, string>();
        var index = new Bm25Index();
        for (var round = 0; round < 600; round++)
        {
            var row = rng.Next(400);
            if (churn && docs.Count > 0 && rng.Next(4) == 0)
            {
                index.Remove(row);
                docs.Remove(row);
                continue;
            }

            var text = RandomText(rng, 60, rng.Next(0, 12));
            index.Add(row, text);
            docs[row] = text;
        }

        Assert.Equal(docs.Count, index.Count);
        for (var q = 0; q < 60; q++)
        {
            var query = RandomText(rng, 70, rng.Next(1, 5));
            var k = rng.Next(1, 40);
            Func<int, bool>? accept = q % 3 == 0 ? row => row % 2 == 0 : null;
            var expected = BruteForce(docs, query, k, accept);
            AssertResults(expected, index.Search(query, k, accept));
        }
    }

    /// <summary>BM25 straight from the definition over the live texts (a different code path from the index).</summary>
    private static (int Row, double Score)[] BruteForce(
        Dictionary<int, string> docs, string query, int k, Func<int, bool>? accept)
    {
        var tokenized = docs.ToDictionary(d => d.Key, d =>
        {
            var tokens = new List<string>();
            Bm25Tokenizer.Tokenize(d.Value, tokens);
            return tokens;
        });
        var n = (double)docs.Count;
        var avgdl = tokenized.Values.Sum(t => (double)t.Count) / n;
        var queryTokens = new List<string>();
        Bm25Tokenizer.Tokenize(query, queryTokens);
        var scores = new List<(int Row, double Score)>();
        foreach (var (row, tokens) in tokenized)
        {
            var score = 0.0;
            foreach (var term in queryTokens.Distinct())
            {
                var tf = tokens.Count(t => t == term);
                if (tf == 0)
                {
                    continue;
                }

                var df = tokenized.Values.Count(t => t.Contains(term));
                var idf = Math.Log(((n - df + 0.5) / (df + 0.5)) + 1);
                score += idf * tf * 2.2 / (tf + (1.2 * (0.25 + (0.75 * tokens.Count / avgdl))));
            }

            if (score > 0 && (accept is null || accept(row)))
            {
                scores.Add((row, score));
            }
        }

        return scores.OrderByDescending(s => (float)s.Score).ThenBy(s => s.Row).Take(k).ToArray();
    }

    internal static string RandomText(Random rng, int vocabulary, int words)
    {
        var parts = new string[words];
        for (var i = 0; i < words; i++)
        {
            // Skewed word choice so some terms are common and some rare; mixed case and punctuation.
            var w = (int)(vocabulary * Math.Pow(rng.NextDouble(), 2));
            parts[i] = (rng.Next(5) == 0 ? "W" : "w") + w + (rng.Next(6) == 0 ? "," : "");
        }

        return string.Join(rng.Next(3) == 0 ? "  " : " ", parts);
    }

    private static Bm25Index RandomIndex(Random rng, int docs, int vocabulary, bool churn)
    {
        var index = new Bm25Index();
        for (var i = 0; i < docs; i++)
        {
            index.Add(rng.Next(docs), RandomText(rng, vocabulary, rng.Next(0, 10)));
            if (churn && rng.Next(5) == 0)
            {
                index.Remove(rng.Next(docs));
            }
        }

        return index;
    }

    private static byte[] Save(Bm25Index index)
    {
        using var stream = new MemoryStream();
        index.Save(stream);
        return stream.ToArray();
    }

    private static Bm25Index RoundTrip(Bm25Index index) => Bm25Index.Load(new MemoryStream(Save(index)));
}

/// <summary>A read-only stream that cannot seek, to exercise the copy-to-memory path of snapshot loading.</summary>
internal sealed class ForwardOnlyStream(byte[] bytes) : Stream
{
    private readonly MemoryStream _inner = new(bytes);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
