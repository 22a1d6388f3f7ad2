using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using static VelesDb.Core.Tests.Graph.GraphTestData;

namespace VelesDb.Core.Tests.Graph;

public class GraphIndexesTests
{
    private static GraphIndexes WithNodes(params (ulong Id, string Json)[] nodes)
    {
        var indexes = new GraphIndexes();
        foreach (var (id, json) in nodes)
        {
            indexes.IndexNode(id, Json(json));
        }

        return indexes;
    }

    [Fact]
    public void NodesWithLabel_ReadsLabelsArray_CaseSensitive()
    {
        var idx = WithNodes(
            (3, "{'_labels':['Person','Admin']}"),
            (1, "{'_labels':['Person']}"),
            (2, "{'_labels':['person', 5, null, 'Person', 'Person']}"),
            (4, "{'name':'no labels'}"),
            (5, "[1,2]"),
            (6, "{'_labels':'Person'}"));
        Assert.Equal([1UL, 2UL, 3UL], idx.NodesWithLabel("Person"));
        Assert.Equal([2UL], idx.NodesWithLabel("person"));
        Assert.Equal([3UL], idx.NodesWithLabel("Admin"));
        Assert.Empty(idx.NodesWithLabel("Nobody"));
        Assert.Equal(["person", "Person"], idx.LabelsOf(2));
        Assert.Empty(idx.LabelsOf(4));
        Assert.Equal(3, idx.LabelledNodeCount);
    }

    [Fact]
    public void IndexNode_Update_ReplacesLabelsAndValues()
    {
        var idx = WithNodes((1, "{'_labels':['A'],'age':30}"), (2, "{'_labels':['A'],'age':30}"));
        idx.CreatePropertyIndex("A", "age");
        idx.CreateRangeIndex("A", "age");
        idx.IndexNode(1, Json("{'_labels':['A'],'age':30}"));
        idx.IndexNode(2, Json("{'_labels':['A'],'age':30}"));
        Assert.Equal([1UL, 2UL], idx.Equal("A", "age", Json("30"))!);

        idx.IndexNode(1, Json("{'_labels':['A','B'],'age':41}"));
        Assert.Equal([2UL], idx.Equal("A", "age", Json("30"))!);
        Assert.Equal([1UL], idx.Equal("A", "age", Json("41"))!);
        Assert.Equal([2UL, 1UL], idx.Range("A", "age", null, null)!);
        Assert.Equal([1UL], idx.NodesWithLabel("B"));

        idx.IndexNode(1, Json("{'_labels':['B'],'age':41}"));
        Assert.Empty(idx.Equal("A", "age", Json("41"))!);
        Assert.Equal([2UL], idx.NodesWithLabel("A"));

        Assert.True(idx.RemoveNode(2));
        Assert.False(idx.RemoveNode(2));
        Assert.Empty(idx.Equal("A", "age", Json("30"))!);
        Assert.Empty(idx.Range("A", "age", null, null)!);
        Assert.Empty(idx.NodesWithLabel("A"));
        Assert.All(idx.ListIndexes(), i => Assert.Equal(0, i.Entries));
    }

    [Theory]
    [InlineData("1", "1.0", true)]
    [InlineData("1", "1e0", true)]
    [InlineData("100", "1E2", true)]
    [InlineData("-0", "0", true)]
    [InlineData("0.5", "5e-1", true)]
    [InlineData("9007199254740993", "9007199254740992", false)]
    [InlineData("18446744073709551615", "18446744073709551615", true)]
    [InlineData("18446744073709551615", "18446744073709551614", false)]
    [InlineData("1", "'1'", false)]
    [InlineData("'a'", "'A'", false)]
    [InlineData("'caf\\u00e9'", "'café'", true)]
    [InlineData("true", "true", true)]
    [InlineData("true", "1", false)]
    [InlineData("1.5", "1.5000001", false)]
    public void Equal_HashIndex_ComparesValues(string stored, string query, bool matches)
    {
        var idx = WithNodes((7, $"{{'_labels':['L'],'p':{stored}}}"));
        Assert.True(idx.CreatePropertyIndex("L", "p", id => id == 7 ? Json($"{{'_labels':['L'],'p':{stored}}}") : null));
        Assert.Equal(matches ? [7UL] : [], idx.Equal("L", "p", Json(query))!);
    }

    [Fact]
    public void Equal_WithoutIndex_ReturnsNull_AndUnindexableValueMatchesNothing()
    {
        var idx = WithNodes((1, "{'_labels':['L'],'p':null,'q':[1]}"));
        Assert.Null(idx.Equal("L", "p", Json("1")));
        Assert.Null(idx.Range("L", "p", Json("1"), null));
        idx.CreatePropertyIndex("L", "p", _ => Json("{'_labels':['L'],'p':null,'q':[1]}"));
        idx.CreatePropertyIndex("L", "q", _ => Json("{'_labels':['L'],'p':null,'q':[1]}"));
        Assert.Empty(idx.Equal("L", "p", Json("null"))!);
        Assert.Empty(idx.Equal("L", "q", Json("[1]"))!);
        Assert.Null(idx.Range("L", "p", Json("1"), null));
        Assert.All(idx.ListIndexes(), i => Assert.Equal(0, i.Entries));
    }

    [Fact]
    public void Equal_OnRangeIndexOnly_UsesTheRangeIndex()
    {
        var idx = new GraphIndexes();
        idx.CreateRangeIndex("L", "p");
        idx.IndexNode(1, Json("{'_labels':['L'],'p':5}"));
        idx.IndexNode(2, Json("{'_labels':['L'],'p':5.0}"));
        idx.IndexNode(3, Json("{'_labels':['L'],'p':true}"));
        Assert.Equal([1UL, 2UL], idx.Equal("L", "p", Json("5"))!);
        Assert.Empty(idx.Equal("L", "p", Json("true"))!);
    }

    [Fact]
    public void Range_Numbers_InclusiveAndExclusiveBounds()
    {
        var idx = new GraphIndexes();
        idx.CreateRangeIndex("L", "n");
        var values = new[] { "1", "2", "2.0", "2.5", "3", "-1", "'2'", "10" };
        for (var i = 0; i < values.Length; i++)
        {
            idx.IndexNode((ulong)i + 1, Json($"{{'_labels':['L'],'n':{values[i]}}}"));
        }

        // ids: 1→1, 2→2, 3→2.0, 4→2.5, 5→3, 6→-1, 7→"2", 8→10
        Assert.Equal([2UL, 3UL, 4UL, 5UL], idx.Range("L", "n", Json("2"), Json("3"))!);
        Assert.Equal([4UL, 5UL], idx.Range("L", "n", Json("2"), Json("3"), lowerInclusive: false)!);
        Assert.Equal([2UL, 3UL, 4UL], idx.Range("L", "n", Json("2"), Json("3"), upperInclusive: false)!);
        Assert.Equal([4UL], idx.Range("L", "n", Json("2"), Json("3"), false, false)!);
        Assert.Equal([6UL, 1UL], idx.Range("L", "n", null, Json("2"), upperInclusive: false)!);
        Assert.Equal([5UL, 8UL], idx.Range("L", "n", Json("2.5"), null, lowerInclusive: false)!);
        Assert.Equal([2UL, 3UL], idx.Range("L", "n", Json("2"), Json("2"))!);
        Assert.Empty(idx.Range("L", "n", Json("2"), Json("2"), false, true)!);
        Assert.Empty(idx.Range("L", "n", Json("3"), Json("2"))!);
        Assert.Equal([6UL, 1UL, 2UL, 3UL, 4UL, 5UL, 8UL, 7UL], idx.Range("L", "n", null, null)!);
    }

    [Fact]
    public void Range_Strings_OrdinalOrder()
    {
        var idx = new GraphIndexes();
        idx.CreateRangeIndex("L", "s");
        var values = new[] { "apple", "Banana", "banana", "cherry", "", "b", "5" };
        for (var i = 0; i < values.Length; i++)
        {
            idx.IndexNode((ulong)i + 1, Json($"{{'_labels':['L'],'s':'{values[i]}'}}"));
        }

        idx.IndexNode(100, Json("{'_labels':['L'],'s':5}"));
        Assert.Equal([6UL, 3UL], idx.Range("L", "s", Json("'b'"), Json("'c'"))!);
        Assert.Equal([2UL, 1UL, 6UL, 3UL], idx.Range("L", "s", Json("'B'"), Json("'c'"))!);
        Assert.Equal([5UL, 7UL, 2UL], idx.Range("L", "s", null, Json("'Banana'"))!);
        Assert.Equal([5UL, 7UL], idx.Range("L", "s", null, Json("'Banana'"), upperInclusive: false)!);
        Assert.Equal([4UL], idx.Range("L", "s", Json("'banana'"), null, lowerInclusive: false)!);
        Assert.Equal([100UL], idx.Range("L", "s", Json("0"), Json("9"))!);
    }

    [Theory]
    [InlineData("1", "'z'")]
    [InlineData("true", null)]
    [InlineData(null, "[1]")]
    [InlineData("{}", null)]
    public void Range_BadBounds_ThrowConfig(string? lower, string? upper)
    {
        var idx = new GraphIndexes();
        idx.CreateRangeIndex("L", "n");
        var ex = Assert.Throws<VelesDbException>(() => idx.Range("L", "n", lower is null ? null : Json(lower), upper is null ? null : Json(upper)));
        Assert.Equal(VelesDbErrorCode.Config, ex.Code);
    }

    [Fact]
    public void Range_RandomData_MatchesBruteForce()
    {
        var rng = new Random(42);
        var idx = new GraphIndexes();
        idx.CreateRangeIndex("L", "n");
        idx.CreatePropertyIndex("L", "n");
        var values = new Dictionary<ulong, double>();
        for (var step = 0; step < 2000; step++)
        {
            var id = (ulong)rng.Next(300);
            if (rng.Next(5) == 0)
            {
                idx.RemoveNode(id);
                values.Remove(id);
            }
            else
            {
                var labelled = rng.Next(4) != 0;
                var v = rng.Next(-50, 50) / 4.0;
                idx.IndexNode(id, Json($"{{'_labels':[{(labelled ? "'L'" : "'M'")}],'n':{v.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}"));
                if (labelled)
                {
                    values[id] = v;
                }
                else
                {
                    values.Remove(id);
                }
            }
        }

        for (var q = 0; q < 200; q++)
        {
            double lo = rng.Next(-60, 60) / 4.0, hi = rng.Next(-60, 60) / 4.0;
            bool li = rng.Next(2) == 0, hiInc = rng.Next(2) == 0;
            var expected = values.Where(kv => (li ? kv.Value >= lo : kv.Value > lo) && (hiInc ? kv.Value <= hi : kv.Value < hi))
                .OrderBy(kv => kv.Value).ThenBy(kv => kv.Key).Select(kv => kv.Key).ToArray();
            var actual = idx.Range("L", "n", JsonSerializer.SerializeToElement(lo), JsonSerializer.SerializeToElement(hi), li, hiInc);
            Assert.Equal(expected, actual);
            var eq = values.Where(kv => kv.Value == lo).Select(kv => kv.Key).Order().ToArray();
            Assert.Equal(eq, idx.Equal("L", "n", JsonSerializer.SerializeToElement(lo))!);
        }

        var info = idx.ListIndexes();
        Assert.Equal(2, info.Count);
        Assert.All(info, i => Assert.Equal(values.Count, i.Entries));
        Assert.All(info, i => Assert.Equal(values.Values.Distinct().Count(), i.Cardinality));
    }

    [Fact]
    public void CreateIndex_BackFillsLabelledNodes_AndIsIdempotent()
    {
        var payloads = new Dictionary<ulong, JsonElement>
        {
            [1] = Json("{'_labels':['P'],'city':'Oslo'}"),
            [2] = Json("{'_labels':['P'],'city':'Rome'}"),
            [3] = Json("{'_labels':['Q'],'city':'Oslo'}"),
            [4] = Json("{'_labels':['P']}"),
        };
        var idx = new GraphIndexes();
        foreach (var (id, p) in payloads)
        {
            idx.IndexNode(id, p);
        }

        Assert.True(idx.CreatePropertyIndex("P", "city", id => payloads[id]));
        Assert.False(idx.CreatePropertyIndex("P", "city", id => payloads[id]));
        Assert.Equal([1UL], idx.Equal("P", "city", Json("'Oslo'"))!);
        Assert.True(idx.CreateRangeIndex("P", "city"));
        Assert.Empty(idx.Range("P", "city", null, null)!);
    }

    [Fact]
    public void ListIndexes_ReportsKindCardinalityAndMemory_DropRemovesBoth()
    {
        var idx = new GraphIndexes();
        idx.CreateRangeIndex("P", "age");
        idx.CreatePropertyIndex("P", "age");
        idx.CreatePropertyIndex("A", "name");
        idx.IndexNode(1, Json("{'_labels':['P','A'],'age':30,'name':'x'}"));
        idx.IndexNode(2, Json("{'_labels':['P'],'age':30}"));
        idx.IndexNode(3, Json("{'_labels':['P'],'age':31.5}"));
        idx.IndexNode(4, Json("{'_labels':['P'],'age':'old'}"));
        var list = idx.ListIndexes();
        Assert.Equal(
            [("A", "name", GraphIndexKind.Hash, 1L, 1L), ("P", "age", GraphIndexKind.Hash, 3L, 4L), ("P", "age", GraphIndexKind.Range, 3L, 4L)],
            list.Select(i => (i.Label, i.Property, i.Kind, i.Cardinality, i.Entries)));
        Assert.All(list, i => Assert.True(i.MemoryBytes > 0));

        Assert.True(idx.DropIndex("P", "age"));
        Assert.False(idx.DropIndex("P", "age"));
        Assert.Null(idx.Equal("P", "age", Json("30")));
        Assert.Single(idx.ListIndexes());
    }

    [Theory]
    [InlineData("", "p")]
    [InlineData("L", " ")]
    public void CreateIndex_EmptyNames_ThrowConfig(string label, string property)
    {
        var idx = new GraphIndexes();
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => idx.CreatePropertyIndex(label, property)).Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => idx.CreateRangeIndex(label, property)).Code);
    }

    [Fact]
    public void GraphIndexKind_NumericValues_AreFrozen()
    {
        Assert.Equal(0, (int)GraphIndexKind.Hash);
        Assert.Equal(1, (int)GraphIndexKind.Range);
    }
}
