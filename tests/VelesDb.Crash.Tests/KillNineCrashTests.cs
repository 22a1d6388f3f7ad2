using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.CrashWorker;
using Xunit.Abstractions;

namespace VelesDb.Crash.Tests;

/// <summary>
/// The kill -9 crash test with an external oracle. A worker process performs seeded writes in
/// Fsync mode and prints an acknowledgement after each returns; this test SIGKILLs it at a random
/// moment, reopens the directory and checks that the state equals the model after the last
/// acknowledged op, or after the one op that may have been in flight: nothing acknowledged is
/// lost, batches are all-or-nothing, and nothing unknown appears. Trials continue on the same
/// directory, so recovery of recovered state is exercised too.
/// Trials: <c>VELESDB_CRASH_TRIALS</c> (default 50), seed <c>VELESDB_CRASH_SEED</c>.
/// </summary>
[Trait("Category", "Crash")]
public class KillNineCrashTests(ITestOutputHelper output)
{
    /// <summary>
    /// Half the trials on a float32 collection; half on one whose workload also (re)trains SQ8,
    /// binary and PQ quantizers, so kills land inside training, config switches and rebuilds.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KillNine_RandomMoments_NoAcknowledgedWriteLostNothingUnexpected(bool quantize)
    {
        var trials = (EnvInt("VELESDB_CRASH_TRIALS", 50) + 1) / 2;
        var seed = EnvInt("VELESDB_CRASH_SEED", Environment.TickCount & 0xFFFF);
        var dir = Path.Combine(Path.GetTempPath(), "velesdb-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var rng = new Random(seed);
        var model = new Dictionary<ulong, long>();
        var modelEdges = new Dictionary<ulong, (ulong Source, ulong Target)>();
        long edgesSeen = 0, nextOp = 0, acknowledged = 0, lost = 0, unexpected = 0, corruptOpens = 0, replayed = 0, torn = 0, indexFaults = 0, quantizedOpens = 0;
        var failures = new List<string>();
        try
        {
            for (var trial = 0; trial < trials; trial++)
            {
                var lastAck = RunAndKill(dir, seed, nextOp, rng, quantize);
                var acked = lastAck is null ? 0 : lastAck.Value - nextOp + 1;
                acknowledged += acked;

                var before = new Dictionary<ulong, long>(model);
                var edgesBefore = new Dictionary<ulong, (ulong Source, ulong Target)>(modelEdges);
                for (var op = nextOp; op < nextOp + acked; op++)
                {
                    CrashOp.Generate(seed, op, quantize).ApplyTo(before, edgesBefore);
                }

                var inFlight = nextOp + acked;
                var after = new Dictionary<ulong, long>(before);
                var edgesAfter = new Dictionary<ulong, (ulong Source, ulong Target)>(edgesBefore);
                CrashOp.Generate(seed, inFlight, quantize).ApplyTo(after, edgesAfter);

                Dictionary<ulong, long> observed;
                Dictionary<ulong, (ulong Source, ulong Target)> observedEdges;
                try
                {
                    (observed, var report) = ReadState(dir, out var bad, out var indexProblems, out var quantized, out observedEdges);
                    edgesSeen += observedEdges.Count;
                    replayed += report.WalRecordsReplayed;
                    torn += report.TornTailBytes > 0 ? 1 : 0;
                    quantizedOpens += quantized ? 1 : 0;
                    unexpected += bad;
                    if (bad > 0)
                    {
                        failures.Add($"trial {trial}: {bad} points with data no op wrote");
                    }

                    if (indexProblems.Count > 0)
                    {
                        indexFaults++;
                        failures.Add($"trial {trial}: index disagrees with storage: {string.Join("; ", indexProblems.Take(5))}");
                    }
                }
                catch (VelesDbException ex)
                {
                    corruptOpens++;
                    failures.Add($"trial {trial}: open failed: {ex}");
                    break;
                }

                if (SameState(observed, before) && SameEdges(observedEdges, edgesBefore))
                {
                    model = before;
                    modelEdges = edgesBefore;
                    nextOp = inFlight;
                }
                else if (SameState(observed, after) && SameEdges(observedEdges, edgesAfter))
                {
                    model = after;
                    modelEdges = edgesAfter;
                    nextOp = inFlight + 1;
                }
                else
                {
                    var (l, u) = Classify(observed, before, after);
                    lost += l;
                    unexpected += u;
                    failures.Add($"trial {trial}: state after {acked} acks (ops {nextOp}..{inFlight - 1}, in flight {inFlight}) matches neither candidate: {l} lost, {u} unexpected or torn");
                    break;
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Leave it for inspection if it cannot be removed.
            }
        }

        var summary = $"{(quantize ? "quantizing" : "float32")} workload: {trials} trials, {acknowledged} acknowledged ops: {lost} lost, {unexpected} unexpected, {corruptOpens} corrupt opens, {indexFaults} index faults (seed {seed}, {replayed} WAL records replayed, {torn} torn tails cut, {quantizedOpens} opens with a quantized index, {edgesSeen} edges checked)";
        output.WriteLine(summary);
        WriteSummary(summary);
        Assert.True(failures.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, failures));
        Assert.True(acknowledged > 0, "The worker never acknowledged an op: the test measured nothing. " + summary);
    }

    /// <summary>Starts the worker, kills it at a random moment, returns the last op it acknowledged.</summary>
    private static long? RunAndKill(string dir, int seed, long firstOp, Random rng, bool quantize)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "VelesDb.CrashWorker.dll");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(worker);
        psi.ArgumentList.Add(dir);
        psi.ArgumentList.Add(seed.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(firstOp.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("1000000");
        psi.ArgumentList.Add(quantize ? "quantize" : "float32");

        using var process = Process.Start(psi)!;
        long? lastAck = null;
        var ready = new ManualResetEventSlim();
        var stderr = process.StandardError.ReadToEndAsync();
        var reader = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                if (line == "READY")
                {
                    ready.Set();
                }
                else if (line.StartsWith("ACK ", StringComparison.Ordinal))
                {
                    lastAck = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
                }
            }
        });

        // Most kills land during the workload; some during start-up and recovery.
        if (rng.Next(5) != 0)
        {
            ready.Wait(TimeSpan.FromSeconds(60));
            Thread.Sleep(rng.Next(1, 400));
        }
        else
        {
            Thread.Sleep(rng.Next(1, 300));
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false); // SIGKILL on Unix
        }

        process.WaitForExit();
        reader.Wait();
        if (process.ExitCode is not (137 or -1 or 0) && !stderr.Result.Contains("Killed", StringComparison.Ordinal) && stderr.Result.Length > 0)
        {
            throw new InvalidOperationException("Worker failed on its own: " + stderr.Result);
        }

        return lastAck;
    }

    /// <summary>
    /// Reads every point; counts those whose vector or payload no op could have written. Checks
    /// the recovered index too: sound graph, every live point indexed with its current vector,
    /// and searches that return only live points with their exact scores.
    /// </summary>
    private static (Dictionary<ulong, long> State, RecoveryReport Report) ReadState(string dir, out int bad, out List<string> indexProblems, out bool quantized, out Dictionary<ulong, (ulong Source, ulong Target)> edges)
    {
        bad = 0;
        indexProblems = [];
        quantized = false;
        edges = [];
        var state = new Dictionary<ulong, long>();
        using var db = VelesDatabase.Open(dir);
        if (!db.TryGetCollection(CrashOp.CollectionName, out var c))
        {
            return (state, new RecoveryReport());
        }

        foreach (var edge in c.GetEdges())
        {
            edges[edge.Id] = (edge.Source, edge.Target);
            if (edge.Label != (edge.Id % 2 == 0 ? "even" : "odd") || edge.Properties?.GetProperty("op").GetInt64() != (long)(edge.Id / 8))
            {
                bad++;
            }
        }

        foreach (var id in c.AllIds())
        {
            var p = c.Get(id)!;
            var op = p.Payload?.GetProperty("op").GetInt64() ?? -1;
            var sparse = op >= 0 ? CrashOp.SparseFor(op, id) : null;
            var ok = op >= 0
                && p.Vector.Span.SequenceEqual(CrashOp.VectorFor(op, id))
                && JsonSerializer.Serialize(p.Payload!.Value) == CrashOp.PayloadFor(op, id)
                && (sparse is null
                    ? p.Sparse is null
                    : p.Sparse is { Count: 1 } s && s[""].Indices.SequenceEqual(sparse.Indices) && s[""].Values.SequenceEqual(sparse.Values));
            if (!ok)
            {
                bad++;
            }

            state[id] = op;
        }

        quantized = c.IsQuantized;
        indexProblems.AddRange(c.CheckIndexIntegrity());
        foreach (var (id, op) in state.Take(8))
        {
            var query = CrashOp.VectorFor(op, id);
            foreach (var hit in c.Search(query, 5))
            {
                if (!state.TryGetValue(hit.Id, out var hitOp))
                {
                    indexProblems.Add($"search returned id {hit.Id}, which is not live");
                }
                else
                {
                    var exact = EuclideanDistance.Score(CrashOp.VectorFor(hitOp, hit.Id), query);
                    if (Math.Abs(hit.Score - exact) > 1e-4f * Math.Max(1f, exact))
                    {
                        indexProblems.Add($"search scored id {hit.Id} {hit.Score}, its exact score is {exact}");
                    }
                }
            }
        }

        return (state, c.Recovery);
    }

    private static bool SameEdges(Dictionary<ulong, (ulong Source, ulong Target)> a, Dictionary<ulong, (ulong Source, ulong Target)> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static bool SameState(Dictionary<ulong, long> a, Dictionary<ulong, long> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>Per id: lost when an acknowledged value is missing or older, unexpected otherwise.</summary>
    private static (long Lost, long Unexpected) Classify(Dictionary<ulong, long> observed, Dictionary<ulong, long> before, Dictionary<ulong, long> after)
    {
        long lost = 0, unexpected = 0;
        foreach (var id in observed.Keys.Union(before.Keys).Union(after.Keys))
        {
            var has = observed.TryGetValue(id, out var o);
            var hasBefore = before.TryGetValue(id, out var b);
            var hasAfter = after.TryGetValue(id, out var a);
            if ((has == hasBefore && (!has || o == b)) || (has == hasAfter && (!has || o == a)))
            {
                continue;
            }

            if (!has || (hasBefore && o < b))
            {
                lost++;
            }
            else
            {
                unexpected++;
            }
        }

        // Every id individually plausible but the whole matching neither state: a torn batch.
        return lost + unexpected == 0 ? (0, 1) : (lost, unexpected);
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    private static void WriteSummary(string summary)
    {
        var path = Environment.GetEnvironmentVariable("VELESDB_CRASH_SUMMARY");
        if (!string.IsNullOrEmpty(path))
        {
            File.AppendAllText(path, summary + Environment.NewLine);
        }
    }
}
