using System.Buffers.Binary;
using VelesDb.Core.Errors;
using VelesDb.Core.Graph;
using VelesDb.Core.Storage;
using static VelesDb.Core.Tests.Graph.GraphTestData;

namespace VelesDb.Core.Tests.Graph;

public class EdgeStoreSnapshotTests
{
    private static byte[] Save(EdgeStore store)
    {
        using var ms = new MemoryStream();
        store.Save(ms);
        return ms.ToArray();
    }

    private static EdgeStore Load(byte[] bytes) => EdgeStore.Load(new MemoryStream(bytes));

    private static VelesDbErrorCode LoadError(byte[] bytes) =>
        Assert.Throws<VelesDbException>(() => Load(bytes)).Code;

    /// <summary>Rewrites the trailing checksum so a test reaches the structural checks.</summary>
    private static byte[] Reseal(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(copy.Length - 4), Crc32C.Compute(copy.AsSpan(0, copy.Length - 4)));
        return copy;
    }

    private static void AssertSameEdges(EdgeStore expected, EdgeStore actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var e in expected.GetEdges())
        {
            var a = actual.Get(e.Id)!;
            Assert.Equal((e.Source, e.Target, e.Label), (a.Source, a.Target, a.Label));
            Assert.Equal(e.Properties is null, a.Properties is null);
            if (e.Properties is { } p)
            {
                Assert.True(System.Text.Json.JsonElement.DeepEquals(p, a.Properties!.Value));
            }
        }

        Assert.Equal(expected.NodeIds(), actual.NodeIds());
        foreach (var node in expected.NodeIds())
        {
            Assert.Equal(expected.GetOutgoing(node).Select(e => e.Id), actual.GetOutgoing(node).Select(e => e.Id));
            Assert.Equal(expected.GetIncoming(node).Select(e => e.Id), actual.GetIncoming(node).Select(e => e.Id));
        }
    }

    [Fact]
    public void SaveLoad_RandomGraph_RoundTripsEdgesAndAdjacencyOrder()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var (store, _) = RandomGraph(seed);
            store.Add(new GraphEdge(1, 1, 2, "with props", Json("{'since':2020,'tags':['x','y'],'name':'caf\\u00e9'}")));
            var loaded = Load(Save(store));
            AssertSameEdges(store, loaded);
            Assert.Equal("café", loaded.Get(1)!.Properties!.Value.GetProperty("name").GetString());
            var cfg = new TraversalConfig { MaxDepth = 4, Limit = 10_000, Direction = TraversalDirection.Both };
            Assert.Equal(
                GraphTraversal.Bfs(store, 4, cfg).Results.Select(r => string.Join(',', r.Path)),
                GraphTraversal.Bfs(loaded, 4, cfg).Results.Select(r => string.Join(',', r.Path)));
        }
    }

    [Fact]
    public void SaveLoad_Empty_RoundTrips()
    {
        var bytes = Save(new EdgeStore());
        Assert.Equal(28, bytes.Length);
        var loaded = Load(bytes);
        Assert.Equal(0, loaded.Count);
        Assert.Empty(loaded.NodeIds());
    }

    [Fact]
    public void Save_Layout_IsFrozen()
    {
        var store = new EdgeStore();
        store.Add(new GraphEdge(0x0102030405060708, 5, 6, "R", Json("{'a':1}")));
        store.Add(new GraphEdge(2, 6, 5, "UNUSED"));
        store.Remove(2);
        store.Add(new GraphEdge(3, 6, 5, "R"));
        var bytes = Save(store);
        byte[] expected =
        [
            0x56, 0x4C, 0x47, 0x45, 1, 0, 0, 0, // magic "VLGE", version 1, reserved
            1, 0, 0, 0, 0, 0, 0, 0,             // 1 label (UNUSED has no edge left), reserved
            2, 0, 0, 0, 0, 0, 0, 0,             // 2 edges
            1, 0, 0, 0, (byte)'R',              // label 0 = "R"
            8, 7, 6, 5, 4, 3, 2, 1, 5, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0,
            (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'1', (byte)'}',
            3, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
        ];
        Assert.Equal(expected, bytes[..^4]);
        Assert.Equal(Crc32C.Compute(expected), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)));
        Assert.Equal(0x45474C56u, EdgeStore.SnapshotMagic);
        Assert.Equal(1, EdgeStore.SnapshotVersion);
    }

    [Fact]
    public void Load_AnyFlippedByte_ThrowsIndexCorrupted()
    {
        var (store, _) = RandomGraph(7, nodes: 10, edges: 12);
        store.Add(new GraphEdge(1, 1, 2, "P", Json("{'k':'v'}")));
        var bytes = Save(store);
        for (var i = 0; i < bytes.Length; i++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x20;
            Assert.Equal(VelesDbErrorCode.IndexCorrupted, LoadError(damaged));
        }
    }

    [Fact]
    public void Load_Truncated_ThrowsIndexCorrupted()
    {
        var (store, _) = RandomGraph(8, nodes: 10, edges: 12);
        var bytes = Save(store);
        foreach (var length in new[] { 0, 3, 27, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.Equal(VelesDbErrorCode.IndexCorrupted, LoadError(bytes[..length]));
        }
    }

    [Fact]
    public void Load_StructuralDamageWithValidChecksum_ThrowsIndexCorrupted()
    {
        var store = new EdgeStore();
        store.AddBatch([new(1, 1, 2, "R", Json("{'a':1}")), new(2, 2, 3, "S")]);
        var good = Save(store);
        var labelsEnd = 24 + 5 + 5;
        var edge2 = labelsEnd + 32 + 7;

        void Expect(Action<byte[]> damage)
        {
            var bytes = (byte[])good.Clone();
            damage(bytes);
            Assert.Equal(VelesDbErrorCode.IndexCorrupted, LoadError(Reseal(bytes)));
        }

        Expect(b => b[4] = 2);                                                            // version
        Expect(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), ulong.MaxValue)); // edge count far beyond the length
        Expect(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), 3));           // one edge too many
        Expect(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), 1));           // trailing bytes
        Expect(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), uint.MaxValue)); // label count
        Expect(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24), 0));           // empty label
        Expect(b => b[28] = (byte)'S');                                                   // repeated label
        Expect(b => b[28] = (byte)' ');                                                   // untrimmed label
        Expect(b => b[28] = 0xFF);                                                        // invalid UTF-8
        Expect(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(labelsEnd + 24), 2)); // label index out of range
        Expect(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(labelsEnd + 28), -2)); // negative properties length
        Expect(b => BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(labelsEnd + 28), int.MaxValue)); // properties past the end
        Expect(b => b[labelsEnd + 32] = (byte)'[');                                       // properties not valid JSON
        Expect(b => b[edge2] = 1);                                                        // duplicate edge id
        Expect(b => "[1,2,3]"u8.CopyTo(b.AsSpan(labelsEnd + 32)));                        // properties not an object
    }

    [Fact]
    public void Load_NonSeekableStream_Works()
    {
        var (store, _) = RandomGraph(9);
        var loaded = EdgeStore.Load(new NonSeekable(Save(store)));
        AssertSameEdges(store, loaded);
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
