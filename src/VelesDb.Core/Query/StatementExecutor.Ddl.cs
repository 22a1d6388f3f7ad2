using System.Text.Json.Nodes;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.Core.Index.Hnsw;
using VelesDb.Core.Quantization;
using VelesDb.VelesQL.Ast;
using AstCollectionKind = VelesDb.VelesQL.Ast.CollectionKind;

namespace VelesDb.Core.Query;

internal static partial class StatementExecutor
{
    private static readonly string[] VectorCreateOptions = ["dimension", "metric", "storage", "m", "ef_construction"];
    private static readonly string[] GraphCreateOptions = ["dimension", "metric"];
    private static readonly string[] TrainOptions = ["type", "m", "k", "oversampling", "sample", "force", "seed"];
    private static readonly string[] AlterOptions = ["auto_reindex"];

    /// <summary>
    /// <c>CREATE [GRAPH|METADATA] COLLECTION name [(…)] [SCHEMALESS | WITH SCHEMA (…) | WITH (…)]</c>.
    /// Vector collections take dimension (required), metric, storage, m and ef_construction (in the
    /// parentheses or in WITH); graph collections an optional embedding dimension and metric plus
    /// their schema; metadata collections nothing.
    /// </summary>
    private static QueryResult CreateCollection(CreateCollectionStatement s, ExecContext ctx)
    {
        var options = new Dictionary<string, OptionEntry>(StringComparer.Ordinal);
        foreach (var o in s.Options.Concat(s.With))
        {
            var key = o.Key.ToLowerInvariant();
            if (!options.TryAdd(key, o))
            {
                QueryErrors.Execution($"CREATE COLLECTION: option '{key}' is given twice.", $"Keep one '{key} = …'.");
            }
        }

        if (s.Kind != AstCollectionKind.Graph && (s.Schemaless || s.NodeTypes.Count > 0 || s.EdgeTypes.Count > 0))
        {
            QueryErrors.Execution("SCHEMALESS and WITH SCHEMA apply to graph collections only.", "Write CREATE GRAPH COLLECTION to declare a graph schema.");
        }

        Collection created;
        string type;
        switch (s.Kind)
        {
            case AstCollectionKind.Metadata:
                if (options.Count > 0)
                {
                    QueryErrors.Execution(
                        $"A metadata collection takes no options, got '{options.Keys.First()}'.",
                        "Write CREATE METADATA COLLECTION name, or create a vector collection with (dimension = …).");
                }

                created = ctx.Database.CreateMetadataCollection(s.Name);
                type = "metadata";
                break;
            case AstCollectionKind.Graph:
                CheckAllowed(options, GraphCreateOptions, "CREATE GRAPH COLLECTION");
                var embedding = options.TryGetValue("dimension", out var gd) ? Int32(gd.Value, "dimension", ctx) : 0;
                var graphMetric = options.TryGetValue("metric", out var gm) ? Metric(gm.Value, ctx) : DistanceMetric.Cosine;
                created = ctx.Database.CreateGraphCollection(s.Name, Schema(s), embedding, graphMetric);
                type = "graph";
                break;
            default:
                CheckAllowed(options, VectorCreateOptions, "CREATE COLLECTION");
                if (!options.TryGetValue("dimension", out var dim))
                {
                    QueryErrors.Execution(
                        $"CREATE COLLECTION {s.Name} needs a dimension.",
                        $"Write CREATE COLLECTION {s.Name} (dimension = 384), or CREATE METADATA COLLECTION {s.Name} for payloads only.");
                }

                var dimension = Int32(dim!.Value, "dimension", ctx);
                var metric = options.TryGetValue("metric", out var m) ? Metric(m.Value, ctx) : DistanceMetric.Cosine;
                var storage = options.TryGetValue("storage", out var st) ? Storage(st.Value, ctx) : StorageMode.Full;
                HnswParameters? hnsw = null;
                if (options.ContainsKey("m") || options.ContainsKey("ef_construction"))
                {
                    var auto = HnswParameters.Auto(Math.Max(1, dimension));
                    hnsw = new HnswParameters(
                        options.TryGetValue("m", out var hm) ? Int32(hm.Value, "m", ctx) : auto.M,
                        options.TryGetValue("ef_construction", out var he) ? Int32(he.Value, "ef_construction", ctx) : auto.EfConstruction);
                }

                created = ctx.Database.CreateCollection(s.Name, dimension, metric, storage, hnsw);
                type = "vector";
                break;
        }

        return StatusResult("CREATE COLLECTION", 0, new JsonObject { ["status"] = "created", ["name"] = created.Name, ["type"] = type });
    }

    private static void CheckAllowed(Dictionary<string, OptionEntry> options, string[] allowed, string clause)
    {
        foreach (var key in options.Keys)
        {
            if (Array.IndexOf(allowed, key) < 0)
            {
                ExecContext.UnknownOption(clause, key, allowed);
            }
        }
    }

    private static int Int32(Expr e, string what, ExecContext ctx)
    {
        var v = ctx.Integer(e, what);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : QueryErrors.Execution<int>($"{what} is out of range: {v}.", $"Give {what} a value below {int.MaxValue}.");
    }

    private static DistanceMetric Metric(Expr e, ExecContext ctx)
    {
        var name = ctx.String(e, "metric");
        return DistanceMetrics.TryParse(name, out var metric)
            ? metric
            : QueryErrors.Execution<DistanceMetric>($"Unknown metric '{name}'.", "Use one of: cosine, euclidean (l2), dot (ip), hamming, jaccard.");
    }

    private static StorageMode Storage(Expr e, ExecContext ctx)
    {
        var name = ctx.String(e, "storage");
        return StorageModes.TryParse(name, out var mode)
            ? mode
            : QueryErrors.Execution<StorageMode>(
                $"Unknown storage mode '{name}'.",
                "Use one of: full (f32), sq8 (int8), binary (bit), pq (product_quantization); rabitq is not supported by VelesDB for .NET.");
    }

    /// <summary>The graph schema of a CREATE GRAPH COLLECTION (schemaless without WITH SCHEMA).</summary>
    private static GraphSchema Schema(CreateCollectionStatement s)
    {
        if (s.NodeTypes.Count == 0 && s.EdgeTypes.Count == 0)
        {
            return GraphSchema.Schemaless;
        }

        var nodes = new List<GraphNodeType>();
        foreach (var n in s.NodeTypes)
        {
            var properties = new Dictionary<string, GraphPropertyType>(StringComparer.Ordinal);
            foreach (var (name, typeName) in n.Properties)
            {
                if (!properties.TryAdd(name, PropertyType(typeName, n.Label, name)))
                {
                    QueryErrors.Execution($"WITH SCHEMA: node type {n.Label} declares '{name}' twice.", "Declare each property once.");
                }
            }

            nodes.Add(new GraphNodeType(n.Label, properties));
        }

        var edges = s.EdgeTypes.Select(e => new GraphEdgeType(e.Label, e.From, e.To, new Dictionary<string, GraphPropertyType>(StringComparer.Ordinal))).ToList();
        return new GraphSchema { NodeTypes = nodes, EdgeTypes = edges };
    }

    private static GraphPropertyType PropertyType(string name, string label, string property) => name.ToUpperInvariant() switch
    {
        "STRING" or "TEXT" => GraphPropertyType.String,
        "INTEGER" or "INT" or "BIGINT" => GraphPropertyType.Integer,
        "FLOAT" or "DOUBLE" or "NUMBER" => GraphPropertyType.Float,
        "BOOLEAN" or "BOOL" => GraphPropertyType.Boolean,
        "VECTOR" => GraphPropertyType.Vector,
        _ => QueryErrors.Execution<GraphPropertyType>(
            $"WITH SCHEMA: property {label}.{property} has unknown type '{name}'.",
            "Use STRING, INTEGER, FLOAT, BOOLEAN or VECTOR."),
    };

    /// <summary><c>DROP COLLECTION [IF EXISTS] name</c>.</summary>
    private static QueryResult DropCollection(DropCollectionStatement s, ExecContext ctx)
    {
        var existed = true;
        try
        {
            ctx.Database.DeleteCollection(s.Name);
        }
        catch (VelesDbException e) when (s.IfExists && e.Code == VelesDbErrorCode.CollectionNotFound)
        {
            existed = false;
        }

        return StatusResult("DROP COLLECTION", 0, new JsonObject { ["status"] = "dropped", ["name"] = s.Name, ["existed"] = existed });
    }

    /// <summary><c>CREATE INDEX ON c (field)</c> / <c>DROP INDEX ON c (field)</c>; both idempotent.</summary>
    private static QueryResult Index(IndexStatement s, ExecContext ctx)
    {
        var collection = ctx.Collection(s.Collection);
        var changed = s.Drop ? collection.DropIndex(s.Field) : collection.CreateIndex(s.Field);
        return StatusResult(s.Drop ? "DROP INDEX" : "CREATE INDEX", 0, new JsonObject
        {
            ["status"] = s.Drop ? "dropped" : "created",
            ["collection"] = s.Collection,
            ["field"] = s.Field,
            ["changed"] = changed,
        });
    }

    /// <summary><c>ALTER COLLECTION c SET (auto_reindex = bool)</c>.</summary>
    private static QueryResult Alter(AlterCollectionStatement s, ExecContext ctx)
    {
        var collection = ctx.Collection(s.Collection);
        if (s.Options.Count == 0)
        {
            QueryErrors.Execution("ALTER COLLECTION … SET () changes nothing.", "Write ALTER COLLECTION c SET (auto_reindex = true).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool? autoReindex = null;
        foreach (var o in s.Options)
        {
            CheckUnique(seen, o, "ALTER COLLECTION");
            switch (o.Key.ToLowerInvariant())
            {
                case "auto_reindex":
                    autoReindex = ctx.Boolean(o.Value, "auto_reindex");
                    break;
                default:
                    ExecContext.UnknownOption("ALTER COLLECTION", o.Key, AlterOptions);
                    break;
            }
        }

        if (autoReindex is { } flag)
        {
            collection.SetAutoReindex(flag);
        }

        return StatusResult("ALTER COLLECTION", 0, new JsonObject
        {
            ["status"] = "altered",
            ["name"] = collection.Name,
            ["auto_reindex"] = collection.AutoReindex,
        });
    }

    /// <summary><c>TRAIN QUANTIZER ON c WITH (type=, m=, k=, oversampling=, sample=, force=, seed=)</c>.</summary>
    private static QueryResult TrainQuantizer(TrainQuantizerStatement s, ExecContext ctx)
    {
        var collection = ctx.Collection(s.Collection);
        var options = new QuantizerOptions();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in s.Options)
        {
            CheckUnique(seen, o, "TRAIN QUANTIZER");
            switch (o.Key.ToLowerInvariant())
            {
                case "type":
                    options = options with { Type = QuantizerTypes.Parse(ctx.String(o.Value, "type")) };
                    break;
                case "m":
                    options = options with { Subspaces = Int32(o.Value, "m", ctx) };
                    break;
                case "k":
                    options = options with { Centroids = Int32(o.Value, "k", ctx) };
                    break;
                case "oversampling":
                    options = options with { Oversampling = Int32(o.Value, "oversampling", ctx) };
                    break;
                case "sample":
                    var sample = Int32(o.Value, "sample", ctx);
                    if (sample < 1)
                    {
                        QueryErrors.Execution($"sample must be at least 1, got {sample}.", "Give the number of vectors to train on, e.g. sample = 10000.");
                    }

                    options = options with { SampleSize = sample };
                    break;
                case "force":
                    options = options with { Force = ctx.Boolean(o.Value, "force") };
                    break;
                case "seed":
                    options = options with { Seed = Int32(o.Value, "seed", ctx) };
                    break;
                default:
                    ExecContext.UnknownOption("TRAIN QUANTIZER", o.Key, TrainOptions);
                    break;
            }
        }

        if (options.Type is QuantizerType.SQ8 or QuantizerType.Binary && (seen.Contains("m") || seen.Contains("k")))
        {
            QueryErrors.Execution(
                $"m and k configure product quantization; a {TypeName(options.Type)} quantizer has no subspaces or centroids.",
                "Drop m and k, or train type = pq / opq.");
        }

        var report = collection.TrainQuantizer(options);
        return StatusResult("TRAIN QUANTIZER", 0, new JsonObject
        {
            ["status"] = "trained",
            ["collection"] = collection.Name,
            ["type"] = TypeName(report.Type),
            ["m"] = report.Subspaces,
            ["k"] = report.Centroids,
            ["samples"] = report.Samples,
            ["oversampling"] = report.Oversampling,
            ["code_bytes"] = report.CodeBytes,
            ["seconds"] = report.Seconds,
        });
    }

    private static string TypeName(QuantizerType type) => type switch
    {
        QuantizerType.ProductQuantization => "pq",
        QuantizerType.OptimizedProductQuantization => "opq",
        QuantizerType.SQ8 => "sq8",
        _ => "binary",
    };
}
