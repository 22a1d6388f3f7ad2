using System.Globalization;
using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.Core.Index.Sparse;
using VelesDb.Core.Quantization;

namespace VelesDb.CrashWorker;

/// <summary>The kinds of operation the crash workload performs.</summary>
public enum CrashOpKind
{
    /// <summary>Upsert of one point.</summary>
    Upsert,

    /// <summary>Upsert of several points in one call (must be all-or-nothing).</summary>
    BatchUpsert,

    /// <summary>Delete of a few ids.</summary>
    Delete,

    /// <summary>A checkpoint; changes no data.</summary>
    Checkpoint,

    /// <summary>Adds up to four edges (those whose endpoints exist when the op runs), in one call.</summary>
    AddEdges,

    /// <summary>Removes edges by id (ids of earlier ops; absent ones are ignored).</summary>
    RemoveEdges,

    /// <summary>
    /// (Re)trains a quantizer (SQ8, binary or PQ by the op's number) and rebuilds the index on its
    /// codes; changes no data. Kills then land inside training, the config switch and the rebuild.
    /// </summary>
    Train,
}

/// <summary>
/// One operation of the seeded workload. Op <c>n</c> of seed <c>s</c> is the same in the worker
/// and in the test, so the test knows what every acknowledgement means without trusting the worker.
/// </summary>
public sealed record CrashOp(long Index, CrashOpKind Kind, ulong[] Ids)
{
    /// <summary>The edges an AddEdges op proposes: id (op index × 8 + j), source, target.</summary>
    public (ulong Id, ulong Source, ulong Target)[] Edges { get; init; } = [];

    public const int Dimension = 8;
    public const int IdSpace = 400;
    public const string CollectionName = "crash";

    /// <summary>Op <paramref name="index"/> of the workload; train ops become checkpoints unless <paramref name="quantize"/>.</summary>
    public static CrashOp Generate(int seed, long index, bool quantize)
    {
        var rng = new Random(unchecked((seed * 1_000_003) + (int)index));
        var roll = rng.Next(100);
        var kind = roll switch
        {
            < 48 => CrashOpKind.Upsert,
            < 70 => CrashOpKind.BatchUpsert,
            < 80 => CrashOpKind.AddEdges,
            < 84 => CrashOpKind.RemoveEdges,
            < 96 => CrashOpKind.Delete,
            < 98 => CrashOpKind.Checkpoint,
            _ => quantize ? CrashOpKind.Train : CrashOpKind.Checkpoint,
        };
        var count = kind switch
        {
            CrashOpKind.Upsert => 1,
            CrashOpKind.BatchUpsert => rng.Next(2, 25),
            CrashOpKind.Delete => rng.Next(1, 6),
            _ => 0,
        };
        var ids = new HashSet<ulong>();
        while (ids.Count < count)
        {
            ids.Add((ulong)rng.Next(IdSpace));
        }

        switch (kind)
        {
            case CrashOpKind.AddEdges:
                return new CrashOp(index, kind, [])
                {
                    Edges = [.. Enumerable.Range(0, rng.Next(1, 5)).Select(j => (((ulong)index * 8) + (ulong)j, (ulong)rng.Next(IdSpace), (ulong)rng.Next(IdSpace)))],
                };
            case CrashOpKind.RemoveEdges:
                var edgeIds = new HashSet<ulong>();
                for (var j = rng.Next(1, 6); j > 0; j--)
                {
                    edgeIds.Add(((ulong)rng.NextInt64(Math.Max(0, index - 300), Math.Max(1, index)) * 8) + (ulong)rng.Next(4));
                }

                return new CrashOp(index, kind, [.. edgeIds]);
            default:
                return new CrashOp(index, kind, [.. ids]);
        }
    }

    /// <summary>The vector op <paramref name="op"/> writes for <paramref name="id"/>.</summary>
    public static float[] VectorFor(long op, ulong id)
    {
        var v = new float[Dimension];
        for (var j = 0; j < Dimension; j++)
        {
            v[j] = (float)((op % 100_000) + (id * 0.5) + j);
        }

        return v;
    }

    /// <summary>The sparse vector op <paramref name="op"/> writes for <paramref name="id"/>: every third id has one.</summary>
    public static SparseVector? SparseFor(long op, ulong id) =>
        id % 3 == 0 ? SparseVector.Create([(uint)(id % 50), (uint)((id * 7 % 50) + 50)], [(op % 7) + 1f, 1f]) : null;

    /// <summary>The payload op <paramref name="op"/> writes for <paramref name="id"/>; its size varies.</summary>
    public static string PayloadFor(long op, ulong id) =>
        "{\"op\":" + op.ToString(CultureInfo.InvariantCulture) + ",\"id\":" + id.ToString(CultureInfo.InvariantCulture)
        + ",\"pad\":\"" + new string('x', (int)((op * 31 + (long)id) % 700)) + "\"}";

    /// <summary>Applies this op to an in-memory model: id → op that last wrote it, and edge id → (source, target).</summary>
    public void ApplyTo(Dictionary<ulong, long> model, Dictionary<ulong, (ulong Source, ulong Target)> edges)
    {
        switch (Kind)
        {
            case CrashOpKind.AddEdges:
                foreach (var (id, source, target) in Edges)
                {
                    if (model.ContainsKey(source) && model.ContainsKey(target))
                    {
                        edges[id] = (source, target);
                    }
                }

                break;
            case CrashOpKind.RemoveEdges:
                foreach (var id in Ids)
                {
                    edges.Remove(id);
                }

                break;
            case CrashOpKind.Upsert or CrashOpKind.BatchUpsert:
                foreach (var id in Ids)
                {
                    model[id] = Index;
                }

                break;
            case CrashOpKind.Delete:
                foreach (var id in Ids)
                {
                    model.Remove(id);
                }

                // Deleting a point removes its edges.
                foreach (var (edgeId, (source, target)) in edges.ToArray())
                {
                    if (Ids.Contains(source) || Ids.Contains(target))
                    {
                        edges.Remove(edgeId);
                    }
                }

                break;
        }
    }

    /// <summary>Performs the op against the collection.</summary>
    public void ExecuteOn(Collection collection)
    {
        switch (Kind)
        {
            case CrashOpKind.Upsert or CrashOpKind.BatchUpsert:
                var points = new Point[Ids.Length];
                for (var i = 0; i < Ids.Length; i++)
                {
                    points[i] = new Point(Ids[i], VectorFor(Index, Ids[i]), JsonElement.Parse(PayloadFor(Index, Ids[i])))
                    {
                        Sparse = SparseFor(Index, Ids[i]) is { } sparse ? new Dictionary<string, SparseVector> { [""] = sparse } : null,
                    };
                }

                collection.Upsert(points);
                break;
            case CrashOpKind.Delete:
                collection.Delete(Ids);
                break;
            case CrashOpKind.Checkpoint:
                collection.FlushFull();
                break;
            case CrashOpKind.Train:
                Train(collection);
                break;
            case CrashOpKind.AddEdges:
                GraphEdge[] add = [.. Edges.Where(e => collection.Get(e.Source) is not null && collection.Get(e.Target) is not null)
                    .Select(e => new GraphEdge(e.Id, e.Source, e.Target, e.Id % 2 == 0 ? "even" : "odd", JsonElement.Parse("{\"op\":" + Index.ToString(CultureInfo.InvariantCulture) + "}")))];
                collection.AddEdges(add);
                break;
            case CrashOpKind.RemoveEdges:
                collection.RemoveEdges(Ids);
                break;
        }
    }

    /// <summary>The quantizer a train op installs: SQ8, binary or PQ (4 subspaces × 16 centroids) in turn.</summary>
    public QuantizerType TrainType => (Index % 3) switch
    {
        0 => QuantizerType.SQ8,
        1 => QuantizerType.Binary,
        _ => QuantizerType.ProductQuantization,
    };

    private void Train(Collection collection)
    {
        try
        {
            collection.TrainQuantizer(new QuantizerOptions { Type = TrainType, Subspaces = 4, Centroids = 16, Force = true, Seed = (int)(Index % 1000) });
        }
        catch (VelesDbException ex) when (ex.Code == VelesDbErrorCode.TrainingFailed)
        {
            // Fewer points than PQ's 16 centroids: nothing changed, as for any rejected call.
        }
    }
}
