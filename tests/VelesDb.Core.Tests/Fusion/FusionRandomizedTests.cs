using VelesDb.Core.Fusion;

namespace VelesDb.Core.Tests.Fusion;

public class FusionRandomizedTests
{
    private static List<ScoredId[]> RandomLists(Random random)
    {
        var lists = new List<ScoredId[]>();
        var listCount = random.Next(0, 5);
        for (var l = 0; l < listCount; l++)
        {
            var length = random.Next(0, 40);
            var list = new ScoredId[length];
            for (var i = 0; i < length; i++)
            {
                // Small id range: many ids shared between lists and some repeated within one.
                // Coarse scores: many exact ties.
                list[i] = new ScoredId((ulong)random.Next(0, 50), random.Next(-8, 9) / 4f);
            }

            Array.Sort(list, (a, b) => b.Score.CompareTo(a.Score));
            lists.Add(list);
        }

        return lists;
    }

    /// <summary>A direct, unoptimised transcription of the formulas of engine spec §4.5.</summary>
    private static Dictionary<ulong, double> Reference(string name, List<ScoredId[]> lists, float[] weights)
    {
        var result = new Dictionary<ulong, double>();
        var used = name == "rsf" ? lists.Take(2).ToList() : lists;
        var ids = used.SelectMany(l => l).Select(h => h.Id).Distinct();
        foreach (var id in ids)
        {
            var bestPerList = used.Where(l => l.Any(h => h.Id == id)).Select(l => (double)l.Where(h => h.Id == id).Max(h => h.Score)).ToList();
            double score;
            switch (name)
            {
                case "rrf":
                    score = used.Where(l => l.Any(h => h.Id == id)).Sum(l => 1.0 / (60 + Array.FindIndex(l, h => h.Id == id) + 1));
                    break;
                case "wrrf":
                    score = 0;
                    for (var i = 0; i < used.Count; i++)
                    {
                        var rank = Array.FindIndex(used[i], h => h.Id == id);
                        if (rank >= 0)
                        {
                            score += weights[i] / (60.0 + rank);
                        }
                    }

                    break;
                case "average":
                    score = bestPerList.Average();
                    break;
                case "maximum":
                    score = bestPerList.Max();
                    break;
                case "weighted":
                    score = (0.6 * bestPerList.Average()) + (0.3 * bestPerList.Max()) + (0.1 * bestPerList.Count / used.Count);
                    break;
                case "rsf":
                    score = 0;
                    for (var i = 0; i < used.Count; i++)
                    {
                        if (!used[i].Any(h => h.Id == id))
                        {
                            continue;
                        }

                        double min = used[i].Min(h => h.Score), max = used[i].Max(h => h.Score);
                        double best = used[i].Where(h => h.Id == id).Max(h => h.Score);
                        var normalised = max - min < 1e-6 ? 0.5 : (best - min) / (max - min);
                        score += (i == 0 ? 0.3 : 0.7) * normalised;
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(name));
            }

            result[id] = score;
        }

        return result;
    }

    [Theory]
    [InlineData("rrf")]
    [InlineData("wrrf")]
    [InlineData("average")]
    [InlineData("maximum")]
    [InlineData("weighted")]
    [InlineData("rsf")]
    public void Fuse_RandomLists_SortedUnionMatchingReference(string name)
    {
        var random = new Random(1234 + name.Length);
        for (var trial = 0; trial < 300; trial++)
        {
            var lists = RandomLists(random);
            var weights = lists.Select(_ => random.Next(0, 5) / 2f).ToArray();
            FusionStrategy strategy = name switch
            {
                "rrf" => FusionStrategy.Rrf(),
                "wrrf" => FusionStrategy.WeightedRrf(weights),
                "average" => FusionStrategy.Average(),
                "maximum" => FusionStrategy.Maximum(),
                "weighted" => FusionStrategy.Weighted(),
                _ => FusionStrategy.RelativeScore(0.3f, 0.7f),
            };

            var fused = strategy.Fuse(lists);
            var expected = Reference(name, lists, weights);

            // Exactly the union of the ids read by the strategy, each once.
            Assert.Equal(expected.Keys.OrderBy(id => id), fused.Select(r => r.Id).OrderBy(id => id));

            for (var i = 0; i < fused.Count; i++)
            {
                Assert.Equal(expected[fused[i].Id], fused[i].Score, 1e-5);
                if (i > 0)
                {
                    var previous = fused[i - 1];
                    Assert.True(
                        previous.Score > fused[i].Score || (previous.Score == fused[i].Score && previous.Id < fused[i].Id),
                        $"trial {trial}: {previous} before {fused[i]}");
                }
            }

            var limit = random.Next(0, 10);
            Assert.Equal(fused.Take(limit), strategy.Fuse(lists, limit));
        }
    }
}
