using System.Text.Json;
using VelesDb.Core.Graph;

namespace VelesDb.Core.Tests.Graph;

/// <summary>Seeded random graphs and a plain reference model of the edge list.</summary>
internal static class GraphTestData
{
    public static readonly string[] Labels = ["a", "b", "c"];

    public static JsonElement Json(string json) => JsonElement.Parse(json.Replace('\'', '"'));

    /// <summary>
    /// A random multigraph on <paramref name="nodes"/> nodes with self-loops, parallel edges,
    /// diamonds and cycles; some edges are removed and more added afterwards so slot reuse is
    /// exercised. Returns the store and the live edges in insertion order (the reference model).
    /// </summary>
    public static (EdgeStore Store, List<GraphEdge> Edges) RandomGraph(int seed, int nodes = 30, int edges = 70)
    {
        var rng = new Random(seed);
        var store = new EdgeStore();
        var list = new List<GraphEdge>();
        ulong nextId = 1000;

        void Add(ulong s, ulong t, string? label = null)
        {
            var edge = new GraphEdge(nextId++, s, t, label ?? Labels[rng.Next(Labels.Length)]);
            store.Add(edge);
            list.Add(edge);
        }

        ulong Node() => (ulong)rng.Next(nodes) + 1;

        for (var i = 0; i < edges; i++)
        {
            Add(Node(), Node());
        }

        // Self-loops, parallel edges, a diamond and a cycle, always present.
        Add(1, 1);
        Add(2, 3, "a");
        Add(2, 3, "b");
        Add(4, 5);
        Add(4, 6);
        Add(5, 7);
        Add(6, 7);
        Add(7, 8);
        Add(8, 4);

        for (var i = 0; i < edges / 5; i++)
        {
            var victim = list[rng.Next(list.Count)];
            Assert.True(store.Remove(victim.Id));
            list.Remove(victim);
        }

        for (var i = 0; i < edges / 5; i++)
        {
            Add(Node(), Node());
        }

        return (store, list);
    }
}
