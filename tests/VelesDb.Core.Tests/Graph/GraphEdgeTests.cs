using System.Text.Json;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;

namespace VelesDb.Core.Tests.Graph;

public class GraphEdgeTests
{
    [Fact]
    public void Constructor_LabelWithSpaces_IsTrimmed()
    {
        var edge = new GraphEdge(1, 2, 3, "  KNOWS \t");
        Assert.Equal("KNOWS", edge.Label);
        Assert.Equal(1UL, edge.Id);
        Assert.Equal(2UL, edge.Source);
        Assert.Equal(3UL, edge.Target);
        Assert.Null(edge.Properties);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    [InlineData(null)]
    public void Constructor_EmptyLabel_ThrowsInvalidEdgeLabel(string? label)
    {
        var ex = Assert.Throws<VelesDbException>(() => new GraphEdge(7, 1, 2, label!));
        Assert.Equal(VelesDbErrorCode.InvalidEdgeLabel, ex.Code);
        Assert.Contains("7", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("true")]
    public void Constructor_NonObjectProperties_ThrowsConfig(string json)
    {
        var ex = Assert.Throws<VelesDbException>(() => new GraphEdge(1, 1, 2, "R", JsonElement.Parse(json)));
        Assert.Equal(VelesDbErrorCode.Config, ex.Code);
    }

    [Fact]
    public void Constructor_JsonNullProperties_MeansNone()
    {
        Assert.Null(new GraphEdge(1, 1, 2, "R", JsonElement.Parse("null")).Properties);
        Assert.Null(new GraphEdge(1, 1, 2, "R", default(JsonElement)).Properties);
    }

    [Fact]
    public void Constructor_Properties_SurviveDisposalOfTheCallersDocument()
    {
        GraphEdge edge;
        using (var doc = JsonDocument.Parse("{\"since\":2020,\"w\":0.5}"))
        {
            edge = new GraphEdge(1, 1, 2, "R", doc.RootElement);
        }

        Assert.Equal(2020, edge.Properties!.Value.GetProperty("since").GetInt32());
        Assert.Equal(0.5, edge.Properties.Value.GetProperty("w").GetDouble());
    }
}
