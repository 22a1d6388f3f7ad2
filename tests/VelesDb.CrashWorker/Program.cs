using System.Globalization;
using VelesDb.Core.Collections;
using VelesDb.CrashWorker;

// Usage: VelesDb.CrashWorker <directory> <seed> <first-op> <op-count> [quantize|float32]
// Opens the database (recovering it), prints READY, then performs the seeded ops from first-op on,
// printing "ACK <n>" after op n has returned. The parent kills it with SIGKILL at a random moment.
if (args.Length is not (4 or 5))
{
    Console.Error.WriteLine("usage: VelesDb.CrashWorker <directory> <seed> <first-op> <op-count> [quantize|float32]");
    return 2;
}

var directory = args[0];
var seed = int.Parse(args[1], CultureInfo.InvariantCulture);
var first = long.Parse(args[2], CultureInfo.InvariantCulture);
var count = long.Parse(args[3], CultureInfo.InvariantCulture);
var quantize = args.Length == 5 && args[4] == "quantize";

using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };

// Small checkpoint threshold: kills land inside checkpoints, WAL resets and compactions too.
using var db = VelesDatabase.Open(directory, new VelesDatabaseOptions { CheckpointWalBytes = 48 * 1024 });
var collection = db.TryGetCollection(CrashOp.CollectionName, out var existing)
    ? existing
    : db.CreateCollection(CrashOp.CollectionName, CrashOp.Dimension, VelesDb.Core.Distance.DistanceMetric.Euclidean);
stdout.WriteLine("READY");
for (var n = first; n < first + count; n++)
{
    CrashOp.Generate(seed, n, quantize).ExecuteOn(collection);
    stdout.WriteLine("ACK " + n.ToString(CultureInfo.InvariantCulture));
}

stdout.WriteLine("DONE");
return 0;
