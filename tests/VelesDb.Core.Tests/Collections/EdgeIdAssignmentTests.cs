using VelesDb.Core.Collections;
using VelesDb.Core.Graph;

namespace VelesDb.Core.Tests.Collections;

public sealed class EdgeIdAssignmentTests
{
    [Fact]
    public void AddEdge_WithoutId_TakesHighestPlusOne_AndNeverReusesRemovedIds()
    {
        using var dir = new TempDirectory();
        using var db = VelesDatabase.Open(dir.Path);
        var c = db.CreateCollection("g", 2);
        c.Upsert([Point.WithJson(1, [1, 0], "{}"), Point.WithJson(2, [0, 1], "{}")]);
        Assert.Equal(1UL, c.AddEdge(1, 2, "A"));
        c.AddEdge(new GraphEdge(10, 2, 1, "B"));
        Assert.Equal(11UL, c.AddEdge(1, 2, "C"));
        Assert.True(c.RemoveEdge(11));
        Assert.Equal(12UL, c.AddEdge(2, 1, "D"));
        Assert.Equal("D", c.GetEdge(12)!.Label);
    }
}
