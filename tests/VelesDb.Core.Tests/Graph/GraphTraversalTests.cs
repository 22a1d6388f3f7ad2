using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using static VelesDb.Core.Tests.Graph.GraphTestData;

namespace VelesDb.Core.Tests.Graph;

public class GraphTraversalTests
{
    private static readonly int[] Seeds = [1, 2, 3, 17, 99];

    private static readonly (int Min, int Max)[] Ranges = [(1, 3), (0, 2), (2, 4), (3, 3), (1, 1), (1, 100)];

    private static readonly string[][] Filters = [[], ["a"], ["a", "c"], ["zzz"], ["b", "zzz"]];

    private static readonly TraversalDirection[] Directions = [TraversalDirection.Outgoing, TraversalDirection.Incoming, TraversalDirection.Both];

    // ---- the reference: plain, allocation-heavy, obviously-correct traversals over the edge list ----

    private static List<(GraphEdge Edge, ulong Next)> Neighbours(List<GraphEdge> edges, ulong node, TraversalConfig cfg)
    {
        var result = new List<(GraphEdge, ulong)>();
        if (cfg.Direction != TraversalDirection.Incoming)
        {
            result.AddRange(edges.Where(e => e.Source == node && Allowed(e, cfg)).Select(e => (e, e.Target)));
        }

        if (cfg.Direction != TraversalDirection.Outgoing)
        {
            result.AddRange(edges.Where(e => e.Target == node && Allowed(e, cfg)).Select(e => (e, e.Source)));
        }

        return result;
    }

    private static bool Allowed(GraphEdge e, TraversalConfig cfg) => cfg.RelTypes.Count == 0 || cfg.RelTypes.Contains(e.Label);

    private static List<(ulong Target, int Depth, ulong[] Path)> ReferenceBfs(List<GraphEdge> edges, ulong start, TraversalConfig cfg)
    {
        var results = new List<(ulong, int, ulong[])>();
        var seen = new HashSet<ulong> { start };
        var queue = new Queue<(ulong Node, List<ulong> Path)>();
        queue.Enqueue((start, []));
        while (queue.Count > 0)
        {
            var (node, path) = queue.Dequeue();
            if (path.Count >= cfg.MaxDepth)
            {
                continue;
            }

            foreach (var (edge, next) in Neighbours(edges, node, cfg))
            {
                if (!seen.Add(next))
                {
                    continue;
                }

                var nextPath = new List<ulong>(path) { edge.Id };
                if (nextPath.Count >= cfg.MinDepth)
                {
                    results.Add((next, nextPath.Count, nextPath.ToArray()));
                    if (results.Count == cfg.Limit)
                    {
                        return results;
                    }
                }

                queue.Enqueue((next, nextPath));
            }
        }

        return results;
    }

    private static List<(ulong Target, int Depth, ulong[] Path)> ReferenceDfs(List<GraphEdge> edges, ulong start, TraversalConfig cfg)
    {
        var results = new List<(ulong, int, ulong[])>();
        var best = new Dictionary<ulong, int> { [start] = 0 };
        var done = false;

        void Visit(ulong node, List<ulong> path)
        {
            foreach (var (edge, next) in Neighbours(edges, node, cfg))
            {
                if (done)
                {
                    return;
                }

                var depth = path.Count + 1;
                if (!best.TryGetValue(next, out var known))
                {
                    best[next] = depth;
                    if (depth >= cfg.MinDepth)
                    {
                        results.Add((next, depth, [.. path, edge.Id]));
                        if (results.Count == cfg.Limit)
                        {
                            done = true;
                            return;
                        }
                    }
                }
                else if (depth < known)
                {
                    best[next] = depth;
                }
                else
                {
                    continue;
                }

                if (depth < cfg.MaxDepth)
                {
                    Visit(next, [.. path, edge.Id]);
                }
            }
        }

        Visit(start, []);
        return results;
    }

    private static IEnumerable<TraversalConfig> Configs()
    {
        foreach (var (min, max) in Ranges)
        {
            foreach (var filter in Filters)
            {
                foreach (var direction in Directions)
                {
                    yield return new TraversalConfig { MinDepth = min, MaxDepth = max, Limit = 1_000_000, RelTypes = filter, Direction = direction };
                }
            }
        }

        yield return new TraversalConfig { Limit = 3 };
        yield return new TraversalConfig { Limit = 1, Direction = TraversalDirection.Both };
        yield return new TraversalConfig { MinDepth = 2, MaxDepth = 5, Limit = 4, RelTypes = ["a", "b"] };
    }

    private static void AssertSame(List<(ulong Target, int Depth, ulong[] Path)> expected, TraversalOutcome actual, ulong start)
    {
        Assert.False(actual.TimedOut);
        Assert.Equal(expected.Count, actual.Results.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(start, actual.Results[i].StartId);
            Assert.Equal(expected[i].Target, actual.Results[i].TargetId);
            Assert.Equal(expected[i].Depth, actual.Results[i].Depth);
            Assert.Equal(expected[i].Path, actual.Results[i].Path);
        }
    }

    /// <summary>Checks what must hold whatever the reference says: valid walks, bounds, no duplicates, no start.</summary>
    private static void AssertInvariants(List<GraphEdge> edges, ulong start, TraversalConfig cfg, TraversalOutcome outcome)
    {
        var byId = edges.ToDictionary(e => e.Id);
        Assert.True(outcome.Results.Count <= cfg.Limit);
        Assert.Equal(outcome.Results.Count, outcome.Results.Select(r => r.TargetId).Distinct().Count());
        foreach (var r in outcome.Results)
        {
            Assert.NotEqual(start, r.TargetId);
            Assert.InRange(r.Depth, Math.Max(1, cfg.MinDepth), cfg.MaxDepth);
            Assert.Equal(r.Depth, r.Path.Length);
            var at = start;
            foreach (var id in r.Path)
            {
                var e = byId[id];
                Assert.True(Allowed(e, cfg));
                if (e.Source == at && cfg.Direction != TraversalDirection.Incoming)
                {
                    at = e.Target;
                }
                else
                {
                    Assert.True(e.Target == at && cfg.Direction != TraversalDirection.Outgoing, $"edge {id} does not continue the walk at {at}");
                    at = e.Source;
                }
            }

            Assert.Equal(r.TargetId, at);
        }
    }

    [Fact]
    public void Bfs_RandomGraphs_MatchesReference()
    {
        foreach (var seed in Seeds)
        {
            var (store, edges) = RandomGraph(seed);
            foreach (var cfg in Configs())
            {
                foreach (ulong start in new ulong[] { 1, 2, 4, 9, 17, 12345 })
                {
                    var outcome = GraphTraversal.Bfs(store, start, cfg);
                    AssertSame(ReferenceBfs(edges, start, cfg), outcome, start);
                    AssertInvariants(edges, start, cfg, outcome);
                }
            }
        }
    }

    [Fact]
    public void Dfs_RandomGraphs_MatchesReference()
    {
        foreach (var seed in Seeds)
        {
            var (store, edges) = RandomGraph(seed);
            foreach (var cfg in Configs())
            {
                foreach (ulong start in new ulong[] { 1, 2, 4, 9, 17, 12345 })
                {
                    var outcome = GraphTraversal.Dfs(store, start, cfg);
                    AssertSame(ReferenceDfs(edges, start, cfg), outcome, start);
                    AssertInvariants(edges, start, cfg, outcome);
                }
            }
        }
    }

    [Fact]
    public void Dfs_MinDepthAtMostOne_ReachesTheSameNodesAsBfs()
    {
        foreach (var seed in Seeds)
        {
            var (store, edges) = RandomGraph(seed, nodes: 40, edges: 60);
            foreach (var direction in Directions)
            {
                for (var max = 1; max <= 5; max++)
                {
                    var cfg = new TraversalConfig { MaxDepth = max, Limit = 1_000_000, Direction = direction };
                    for (ulong start = 1; start <= 40; start++)
                    {
                        var bfs = GraphTraversal.Bfs(store, start, cfg).Results.Select(r => r.TargetId).Order().ToArray();
                        var dfs = GraphTraversal.Dfs(store, start, cfg).Results.Select(r => r.TargetId).Order().ToArray();
                        Assert.Equal(bfs, dfs);
                    }
                }
            }
        }
    }

    [Fact]
    public void Bfs_Diamond_EmitsSharedNodeOnceAtShortestDepth()
    {
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "R"), new(2, 1, 3, "R"), new(3, 2, 4, "R"), new(4, 3, 4, "R"), new(5, 4, 1, "R"), new(6, 1, 4, "R")]);
        var results = GraphTraversal.Bfs(store, 1, new TraversalConfig()).Results;
        Assert.Equal([2UL, 3UL, 4UL], results.Select(r => r.TargetId));
        Assert.Equal([1, 1, 1], results.Select(r => r.Depth));
        Assert.Equal([6UL], results[2].Path);
    }

    [Fact]
    public void Dfs_LongPathFirst_ReExpandsWhenAShorterPathAppears()
    {
        // 1→2→3→5 and a later shortcut 1→3: DFS reaches 3 at depth 2 first (= max, not expanded),
        // then at depth 1 through the shortcut, and must expand 3 again to reach 5 within max 2.
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "R"), new(2, 2, 3, "R"), new(3, 3, 5, "R"), new(4, 1, 3, "R")]);
        var cfg = new TraversalConfig { MaxDepth = 2 };
        var dfs = GraphTraversal.Dfs(store, 1, cfg).Results;
        Assert.Equal([(2UL, 1), (3UL, 2), (5UL, 2)], dfs.Select(r => (r.TargetId, r.Depth)));
        Assert.Equal([4UL, 3UL], dfs[2].Path);
    }

    [Fact]
    public void Bfs_SelfLoopAndUnknownStart_NeverEmitStart()
    {
        var store = new EdgeStore();
        store.Add(new GraphEdge(1, 5, 5, "R"));
        Assert.Empty(GraphTraversal.Bfs(store, 5, new TraversalConfig { MinDepth = 0 }).Results);
        Assert.Empty(GraphTraversal.Dfs(store, 5, new TraversalConfig { MinDepth = 0 }).Results);
        Assert.Empty(GraphTraversal.Bfs(store, 6, new TraversalConfig()).Results);
    }

    [Fact]
    public void Bfs_LimitReached_IsFlagged()
    {
        var (store, _) = RandomGraph(5);
        var outcome = GraphTraversal.Bfs(store, 4, new TraversalConfig { Limit = 2, Direction = TraversalDirection.Both });
        Assert.Equal(2, outcome.Results.Count);
        Assert.True(outcome.LimitReached);
        Assert.False(GraphTraversal.Bfs(store, 4, new TraversalConfig { Limit = 1_000_000 }).LimitReached);
    }

    [Fact]
    public void Traversal_ExpiredDeadline_ReturnsEmptyAndTimedOut()
    {
        var (store, _) = RandomGraph(3);
        var cfg = new TraversalConfig().WithDeadline(DateTime.UtcNow.AddSeconds(-1));
        foreach (var outcome in new[] { GraphTraversal.Bfs(store, 4, cfg), GraphTraversal.Dfs(store, 4, cfg), GraphTraversal.BfsParallel(store, [4, 5], cfg) })
        {
            Assert.True(outcome.TimedOut);
            Assert.Empty(outcome.Results);
        }
    }

    [Fact]
    public void Traversal_FutureDeadline_CompletesUnflagged()
    {
        var (store, edges) = RandomGraph(3);
        var cfg = new TraversalConfig { Limit = 1_000_000 }.WithDeadline(DateTime.UtcNow.AddHours(1));
        var outcome = GraphTraversal.Bfs(store, 4, cfg);
        Assert.False(outcome.TimedOut);
        AssertSame(ReferenceBfs(edges, 4, cfg), outcome, 4);
    }

    [Fact]
    public void Bfs_DeadlineDuringTraversal_ReturnsAPrefixOfTheFullResult()
    {
        // A ring with chords: 200,000 nodes so the traversal scans far more than the 1,024 entries
        // between deadline checks. Whether or not the deadline hits, the results are a prefix.
        var store = new EdgeStore();
        const int n = 200_000;
        var batch = new List<GraphEdge>();
        for (var i = 0; i < n; i++)
        {
            batch.Add(new GraphEdge((ulong)(2 * i), (ulong)i, (ulong)((i + 1) % n), "R"));
            batch.Add(new GraphEdge((ulong)((2 * i) + 1), (ulong)i, (ulong)((i * 7) % n), "R"));
        }

        store.AddBatch(batch);
        var cfg = new TraversalConfig { MaxDepth = 100, Limit = 10_000_000 };
        var full = GraphTraversal.Bfs(store, 0, cfg);
        var partial = GraphTraversal.Bfs(store, 0, cfg.WithDeadline(DateTime.UtcNow.AddTicks(1)));
        Assert.True(partial.TimedOut || partial.Results.Count == full.Results.Count);
        Assert.True(partial.Results.Count <= full.Results.Count);
        for (var i = 0; i < partial.Results.Count; i++)
        {
            Assert.Equal(full.Results[i].TargetId, partial.Results[i].TargetId);
        }
    }

    [Theory]
    [InlineData(150)]
    [InlineData(20)]
    public void BfsParallel_MatchesMergedReference(int startCount)
    {
        var (store, edges) = RandomGraph(11, nodes: 40, edges: 90);
        var rng = new Random(startCount);
        var starts = Enumerable.Range(0, startCount).Select(_ => (ulong)rng.Next(45) + 1).ToArray();
        foreach (var cfg in new[]
        {
            new TraversalConfig { Limit = 1_000_000 },
            new TraversalConfig { Limit = 37, MinDepth = 2, Direction = TraversalDirection.Both },
            new TraversalConfig { Limit = 500, RelTypes = ["b"], Direction = TraversalDirection.Incoming },
        })
        {
            var expected = new List<(ulong Start, ulong Target, ulong[] Path)>();
            var seen = new HashSet<string>();
            foreach (var start in starts)
            {
                foreach (var (target, _, path) in ReferenceBfs(edges, start, cfg))
                {
                    if (expected.Count < cfg.Limit && seen.Add(target + ":" + string.Join(',', path)))
                    {
                        expected.Add((start, target, path));
                    }
                }
            }

            var actual = GraphTraversal.BfsParallel(store, starts, cfg);
            Assert.Equal(expected.Count, actual.Results.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Start, actual.Results[i].StartId);
                Assert.Equal(expected[i].Target, actual.Results[i].TargetId);
                Assert.Equal(expected[i].Path, actual.Results[i].Path);
            }
        }
    }

    [Fact]
    public void BfsParallel_DuplicateStarts_CountOnce_AndLimitIsFlagged()
    {
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "R"), new(2, 2, 3, "R"), new(3, 3, 1, "R"), new(4, 1, 1, "R")]);
        var cfg = new TraversalConfig { Direction = TraversalDirection.Both };
        var once = GraphTraversal.BfsParallel(store, [1], cfg);
        var thrice = GraphTraversal.BfsParallel(store, [1, 1, 1], cfg);
        Assert.Equal([2UL, 3UL], once.Results.Select(r => r.TargetId));
        Assert.Equal(once.Results.Select(r => (r.TargetId, string.Join(',', r.Path))), thrice.Results.Select(r => (r.TargetId, string.Join(',', r.Path))));
        Assert.False(thrice.LimitReached);

        var limited = GraphTraversal.BfsParallel(store, [1, 2, 3], cfg with { Limit = 3 });
        Assert.Equal([(1UL, 2UL), (1UL, 3UL), (2UL, 3UL)], limited.Results.Select(r => (r.StartId, r.TargetId)));
        Assert.True(limited.LimitReached);
        Assert.Empty(GraphTraversal.BfsParallel(store, [], cfg).Results);
    }

    [Fact]
    public void Traversal_CountsScannedEdges()
    {
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "a"), new(2, 1, 3, "b"), new(3, 2, 3, "a"), new(4, 3, 1, "a")]);
        var outcome = GraphTraversal.Bfs(store, 1, new TraversalConfig { Limit = 100, RelTypes = ["a"] });
        // node 1: 2 entries (1→2, 1→3 rejected by the filter); node 2: 1 entry (2→3); node 3: 1 entry (3→1).
        Assert.Equal(4, outcome.EdgesScanned);
        Assert.Equal(2, outcome.NodesVisited);
        Assert.Equal([2UL, 3UL], outcome.Results.Select(r => r.TargetId));
    }

    [Fact]
    public void Config_Builders_SetFields()
    {
        var cfg = new TraversalConfig().WithRange(2, 7).WithLimit(9).WithRelTypes("x", "y").WithDirection(TraversalDirection.Both);
        Assert.Equal((2, 7, 9, TraversalDirection.Both), (cfg.MinDepth, cfg.MaxDepth, cfg.Limit, cfg.Direction));
        Assert.Equal(["x", "y"], cfg.RelTypes);
        Assert.Equal(100, new TraversalConfig().WithUnboundedRange(3).MaxDepth);
        Assert.Equal(6, new TraversalConfig().WithMaxDepth(6).MaxDepth);
        var defaults = new TraversalConfig();
        Assert.Equal((1, 3, 100, TraversalDirection.Outgoing), (defaults.MinDepth, defaults.MaxDepth, defaults.Limit, defaults.Direction));
        Assert.Empty(defaults.RelTypes);
        Assert.Null(defaults.Deadline);
        new TraversalConfig().WithUnboundedRange(100).Validate();
    }

    public static TheoryData<TraversalConfig> InvalidConfigs() =>
    [
        new TraversalConfig { MaxDepth = 101 },
        new TraversalConfig { MinDepth = -1 },
        new TraversalConfig { MinDepth = 4, MaxDepth = 3 },
        new TraversalConfig { Limit = 0 },
        new TraversalConfig { Limit = -5 },
        new TraversalConfig { Direction = (TraversalDirection)7 },
        new TraversalConfig { RelTypes = null! },
        new TraversalConfig { RelTypes = ["a", null!] },
    ];

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void Traversal_InvalidConfig_ThrowsConfig(TraversalConfig cfg)
    {
        var store = new EdgeStore();
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => GraphTraversal.Bfs(store, 1, cfg)).Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => GraphTraversal.Dfs(store, 1, cfg)).Code);
        Assert.Equal(VelesDbErrorCode.Config, Assert.Throws<VelesDbException>(() => GraphTraversal.BfsParallel(store, [1], cfg)).Code);
    }

    [Fact]
    public void TraversalDirection_NumericValues_AreStable()
    {
        Assert.Equal(0, (int)TraversalDirection.Outgoing);
        Assert.Equal(1, (int)TraversalDirection.Incoming);
        Assert.Equal(2, (int)TraversalDirection.Both);
    }
}
