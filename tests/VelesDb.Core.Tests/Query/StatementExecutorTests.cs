using System.Text.Json;
using VelesDb.Core.Collections;
using VelesDb.Core.Distance;
using VelesDb.Core.Errors;
using VelesDb.Core.Index.Sparse;

namespace VelesDb.Core.Tests.Query;

public sealed class StatementExecutorTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly VelesDatabase _db;

    public StatementExecutorTests() => _db = VelesDatabase.Open(_dir.Path);

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }

    private static Dictionary<string, object?> P(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    private VelesDbException Fails(string query, IReadOnlyDictionary<string, object?>? parameters = null) =>
        Assert.Throws<VelesDbException>(() => _db.Execute(query, parameters));

    private static void AssertExec(VelesDbException e)
    {
        Assert.Equal(VelesDbErrorCode.Query, e.Code);
        Assert.Equal("EXEC", e.QueryCode);
        Assert.False(string.IsNullOrWhiteSpace(e.Hint));
    }

    private static JsonElement Payload(Collection c, ulong id) => c.Get(id)!.Payload!.Value;

    private Collection Docs()
    {
        var c = _db.CreateCollection("docs", 2);
        c.Upsert(
        [
            Point.WithJson(1, [1f, 0f], """{"lang":"en","stars":3,"meta":{"src":"a"}}"""),
            Point.WithJson(2, [0f, 1f], """{"lang":"fr","stars":4}"""),
            Point.WithJson(3, [1f, 1f], """{"lang":"en","stars":5}"""),
        ]);
        return c;
    }

    // ---------------------------------------------------------------- INSERT / UPSERT

    [Fact]
    public void Insert_VectorCollection_WritesVectorsAndPayloads()
    {
        var c = _db.CreateCollection("notes", 2);

        var r = _db.Execute("INSERT INTO notes (id, vector, title, stars) VALUES (7, [1, 0.5], 'todo', 3), (8, $v, 'done', 4.5)", P(("v", new[] { 0.25f, -1f })));

        Assert.Equal("INSERT", r.StatementType);
        Assert.Equal(2, r.AffectedRows);
        Assert.Equal(2, (int)r.Rows.Single()["inserted"]!);
        Assert.Equal(2, c.Count);
        Assert.Equal(new[] { 1f, 0.5f }, c.Get(7)!.Vector.ToArray());
        Assert.Equal(new[] { 0.25f, -1f }, c.Get(8)!.Vector.ToArray());
        Assert.Equal("todo", Payload(c, 7).GetProperty("title").GetString());
        Assert.Equal(3, Payload(c, 7).GetProperty("stars").GetInt64());
        Assert.Equal(4.5, Payload(c, 8).GetProperty("stars").GetDouble());
    }

    [Fact]
    public void Insert_ExistingId_FailsAndWritesNothing()
    {
        var c = Docs();

        var e = Fails("INSERT INTO docs (id, vector, lang) VALUES (4, [0, 0.5], 'de'), (1, [0, 1], 'xx')");

        AssertExec(e);
        Assert.Contains("UPSERT", e.Hint, StringComparison.Ordinal);
        Assert.Null(c.Get(4));
        Assert.Equal("en", Payload(c, 1).GetProperty("lang").GetString());
    }

    [Fact]
    public void Upsert_ExistingId_ReplacesThePoint()
    {
        var c = Docs();

        var r = _db.Execute("UPSERT INTO docs (id, vector, lang) VALUES (1, [0, 1], 'xx')");

        Assert.Equal("UPSERT", r.StatementType);
        Assert.Equal(1, (int)r.Rows[0]["upserted"]!);
        Assert.Equal(3, c.Count);
        Assert.Equal(new[] { 0f, 1f }, c.Get(1)!.Vector.ToArray());
        Assert.Equal("xx", Payload(c, 1).GetProperty("lang").GetString());
        Assert.False(Payload(c, 1).TryGetProperty("stars", out _));
    }

    [Fact]
    public void Insert_MissingOrNegativeId_Fails()
    {
        _db.CreateCollection("notes", 2);

        AssertExec(Fails("INSERT INTO notes (vector, title) VALUES ([1, 0], 'x')"));
        AssertExec(Fails("INSERT INTO notes (id, vector) VALUES (-1, [1, 0])"));
        AssertExec(Fails("INSERT INTO notes (id, vector) VALUES ('7', [1, 0])"));
    }

    [Fact]
    public void Insert_U64Id_IsAccepted()
    {
        var c = _db.CreateMetadataCollection("meta");

        _db.Execute("INSERT INTO meta (id, k) VALUES (18446744073709551615, 1)");

        Assert.NotNull(c.Get(ulong.MaxValue));
    }

    [Fact]
    public void Insert_WrongDimension_IsDimensionMismatch()
    {
        _db.CreateCollection("notes", 2);

        var e = Fails("INSERT INTO notes (id, vector) VALUES (1, [1, 0, 0])");

        Assert.Equal(VelesDbErrorCode.DimensionMismatch, e.Code);
    }

    [Fact]
    public void Insert_MetadataCollection_TakesNoVector()
    {
        var c = _db.CreateMetadataCollection("users");

        _db.Execute("INSERT INTO users (id, name, active) VALUES (1, 'ana', TRUE), (2, 'bo', NULL)");

        Assert.Equal(2, c.Count);
        Assert.True(Payload(c, 1).GetProperty("active").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Payload(c, 2).GetProperty("active").ValueKind);
        Assert.Equal(VelesDbErrorCode.VectorNotAllowed, Fails("INSERT INTO users (id, vector) VALUES (3, [1, 0])").Code);
    }

    [Fact]
    public void Insert_JsonParameter_IsStoredNested()
    {
        var c = _db.CreateMetadataCollection("users");
        var json = JsonDocument.Parse("""{"city":"Lyon","tags":["a","b"]}""").RootElement;

        _db.Execute("INSERT INTO users (id, address) VALUES (1, $a)", P(("a", json)));

        var address = Payload(c, 1).GetProperty("address");
        Assert.Equal("Lyon", address.GetProperty("city").GetString());
        Assert.Equal(2, address.GetProperty("tags").GetArrayLength());
    }

    [Fact]
    public void Insert_SparseVector_IsStoredUnderTheDefaultName()
    {
        var c = _db.CreateCollection("notes", 2);

        _db.Execute("INSERT INTO notes (id, vector, sparse_vector) VALUES (1, [1, 0], {3: 0.5, 9: 1.5})");

        var sparse = c.Get(1)!.Sparse![""];
        Assert.Equal(new uint[] { 3, 9 }, sparse.Indices.ToArray());
        Assert.Equal(new[] { 0.5f, 1.5f }, sparse.Values.ToArray());
    }

    [Fact]
    public void Insert_BareWordValue_Fails()
    {
        _db.CreateMetadataCollection("users");

        AssertExec(Fails("INSERT INTO users (id, name) VALUES (1, ana)"));
    }

    [Fact]
    public void Insert_MissingCollection_IsCollectionNotFound() =>
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("INSERT INTO nope (id) VALUES (1)").Code);

    // ---------------------------------------------------------------- UPDATE

    [Fact]
    public void Update_Where_SetsFieldsFromConstantsAndTheRow()
    {
        var c = Docs();

        var r = _db.Execute("UPDATE docs SET pinned = TRUE, stars = stars + 1, note = $n WHERE stars >= 4", P(("n", "hi")));

        Assert.Equal("UPDATE", r.StatementType);
        Assert.Equal(2, r.AffectedRows);
        Assert.Equal(2L, (long)r.Rows[0]["updated"]!);
        Assert.Equal(5, Payload(c, 2).GetProperty("stars").GetInt64());
        Assert.Equal(6, Payload(c, 3).GetProperty("stars").GetInt64());
        Assert.True(Payload(c, 3).GetProperty("pinned").GetBoolean());
        Assert.Equal("hi", Payload(c, 2).GetProperty("note").GetString());
        Assert.Equal("fr", Payload(c, 2).GetProperty("lang").GetString());
        Assert.Equal(new[] { 0f, 1f }, c.Get(2)!.Vector.ToArray());
        Assert.Equal(3, Payload(c, 1).GetProperty("stars").GetInt64());
        Assert.False(Payload(c, 1).TryGetProperty("pinned", out _));
    }

    [Fact]
    public void Update_WithoutWhere_UpdatesEveryRow()
    {
        var c = Docs();

        var r = _db.Execute("UPDATE docs SET lang = 'de'");

        Assert.Equal(3, r.AffectedRows);
        Assert.All(c.Get([1, 2, 3]), p => Assert.Equal("de", p!.Payload!.Value.GetProperty("lang").GetString()));
    }

    [Fact]
    public void Update_MoreRowsThanOneBatch_UpdatesThemAll()
    {
        var c = _db.CreateMetadataCollection("many");
        c.Upsert([.. Enumerable.Range(0, 10_050).Select(i => Point.Metadata((ulong)i, JsonDocument.Parse($$"""{"v":{{i}}}""").RootElement))]);

        var r = _db.Execute("UPDATE many SET v = v * 2 WHERE v >= 10");

        Assert.Equal(10_040, r.AffectedRows);
        Assert.Equal(9, Payload(c, 9).GetProperty("v").GetInt64());
        Assert.Equal(20, Payload(c, 10).GetProperty("v").GetInt64());
        Assert.Equal(20_098, Payload(c, 10_049).GetProperty("v").GetInt64());
    }

    [Fact]
    public void Update_DottedKey_SetsNestedFieldsAndKeepsSiblings()
    {
        var c = Docs();

        _db.Execute("UPDATE docs SET meta.author = 'ana', extra.deep.x = 1 WHERE id = 1");

        var meta = Payload(c, 1).GetProperty("meta");
        Assert.Equal("a", meta.GetProperty("src").GetString());
        Assert.Equal("ana", meta.GetProperty("author").GetString());
        Assert.Equal(1, Payload(c, 1).GetProperty("extra").GetProperty("deep").GetProperty("x").GetInt64());
    }

    [Fact]
    public void Update_DottedKeyThroughAScalar_Fails()
    {
        var c = Docs();

        AssertExec(Fails("UPDATE docs SET lang.code = 'x' WHERE id = 1"));
        Assert.Equal("en", Payload(c, 1).GetProperty("lang").GetString());
    }

    [Fact]
    public void Update_Vector_ReplacesTheVectorAndKeepsThePayload()
    {
        var c = Docs();

        _db.Execute("UPDATE docs SET vector = $v WHERE id = 2", P(("v", new[] { 0.5f, 0.5f })));

        Assert.Equal(new[] { 0.5f, 0.5f }, c.Get(2)!.Vector.ToArray());
        Assert.Equal("fr", Payload(c, 2).GetProperty("lang").GetString());
    }

    [Fact]
    public void Update_Id_Fails()
    {
        Docs();

        AssertExec(Fails("UPDATE docs SET id = 9 WHERE id = 1"));
    }

    [Fact]
    public void Update_KeepsSparseVectors()
    {
        var c = _db.CreateCollection("notes", 2);
        c.Upsert(new Point(1, new[] { 1f, 0f }, JsonDocument.Parse("{}").RootElement) { Sparse = new Dictionary<string, SparseVector> { [""] = SparseVector.Create([4], [2f]) } });

        _db.Execute("UPDATE notes SET a = 1");

        Assert.Equal(2f, c.Get(1)!.Sparse![""].Values[0]);
    }

    // ---------------------------------------------------------------- DELETE

    [Fact]
    public void Delete_Where_RemovesTheMatchingPoints()
    {
        var c = Docs();

        var r = _db.Execute("DELETE FROM docs WHERE lang = 'en'");

        Assert.Equal("DELETE", r.StatementType);
        Assert.Equal(2, r.AffectedRows);
        Assert.Equal(2, (int)r.Rows[0]["deleted"]!);
        Assert.Equal(1, c.Count);
        Assert.NotNull(c.Get(2));
    }

    [Fact]
    public void Delete_NoMatch_DeletesNothing()
    {
        var c = Docs();

        Assert.Equal(0, (int)_db.Execute("DELETE FROM docs WHERE id IN (8, 9)").Rows[0]["deleted"]!);
        Assert.Equal(3, c.Count);
    }

    [Fact]
    public void Delete_MissingCollection_IsCollectionNotFound() =>
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("DELETE FROM nope WHERE id = 1").Code);

    // ---------------------------------------------------------------- TRAIN QUANTIZER

    [Fact]
    public void TrainQuantizer_Sq8_QuantizesTheCollection()
    {
        var c = _db.CreateCollection("vecs", 4);
        c.Upsert([.. Enumerable.Range(0, 50).Select(i => new Point((ulong)i, new[] { i, 50f - i, i % 7, 1f }))]);

        var r = _db.Execute("TRAIN QUANTIZER ON vecs WITH (type = sq8, oversampling = 6)");

        var row = r.Rows.Single();
        Assert.Equal("TRAIN QUANTIZER", r.StatementType);
        Assert.Equal("sq8", (string)row["type"]!);
        Assert.Equal(50, (int)row["samples"]!);
        Assert.Equal(6, (int)row["oversampling"]!);
        Assert.Equal(4, (int)row["code_bytes"]!);
        Assert.True(c.IsQuantized);
        Assert.Equal(StorageMode.SQ8, c.StorageMode);
    }

    [Fact]
    public void TrainQuantizer_Pq_UsesMAndK()
    {
        var c = _db.CreateCollection("vecs", 4);
        c.Upsert([.. Enumerable.Range(0, 40).Select(i => new Point((ulong)i, new[] { i, 40f - i, i % 5, i % 3 }))]);

        var row = _db.Execute("TRAIN QUANTIZER ON vecs WITH (m = 2, k = 16)").Rows.Single();

        Assert.Equal("pq", (string)row["type"]!);
        Assert.Equal(2, (int)row["m"]!);
        Assert.Equal(16, (int)row["k"]!);
        Assert.Equal(StorageMode.ProductQuantization, c.StorageMode);
    }

    [Fact]
    public void TrainQuantizer_RabitqOrUnknownType_IsInvalidQuantizerConfig()
    {
        _db.CreateCollection("vecs", 4);

        var e = Fails("TRAIN QUANTIZER ON vecs WITH (type = rabitq)");

        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, e.Code);
        Assert.Contains("sq8", e.Message, StringComparison.Ordinal);
        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, Fails("TRAIN QUANTIZER ON vecs WITH (type = lvq)").Code);
    }

    [Fact]
    public void TrainQuantizer_UnknownKeyOrMOnSq8_Fails()
    {
        _db.CreateCollection("vecs", 4);

        var e = Fails("TRAIN QUANTIZER ON vecs WITH (m = 2, bits = 4)");
        AssertExec(e);
        Assert.Contains("oversampling", e.Hint, StringComparison.Ordinal);
        AssertExec(Fails("TRAIN QUANTIZER ON vecs WITH (type = sq8, m = 2)"));
    }

    // ---------------------------------------------------------------- CREATE / DROP COLLECTION

    [Fact]
    public void CreateCollection_Vector_AppliesEveryOption()
    {
        var r = _db.Execute("CREATE COLLECTION notes (dimension = 8, metric = 'dot') WITH (storage = 'sq8', m = 12, ef_construction = 100)");

        Assert.Equal("created", (string)r.Rows[0]["status"]!);
        Assert.Equal("vector", (string)r.Rows[0]["type"]!);
        var c = _db.GetCollection("notes");
        Assert.Equal(8, c.Dimension);
        Assert.Equal(DistanceMetric.DotProduct, c.Metric);
        Assert.Equal(StorageMode.SQ8, c.StorageMode);
        Assert.Equal(12, c.Hnsw.M);
        Assert.Equal(100, c.Hnsw.EfConstruction);
    }

    [Fact]
    public void CreateCollection_Defaults_AreCosineAndFull()
    {
        _db.Execute("CREATE COLLECTION notes (dimension = 3)");

        var c = _db.GetCollection("notes");
        Assert.Equal(DistanceMetric.Cosine, c.Metric);
        Assert.Equal(StorageMode.Full, c.StorageMode);
        Assert.Equal(CollectionKind.Vector, c.Kind);
    }

    [Fact]
    public void CreateCollection_BadOptions_Fail()
    {
        AssertExec(Fails("CREATE COLLECTION notes"));
        var unknown = Fails("CREATE COLLECTION notes (dimension = 3, dims = 4)");
        AssertExec(unknown);
        Assert.Contains("ef_construction", unknown.Hint, StringComparison.Ordinal);
        AssertExec(Fails("CREATE COLLECTION notes (dimension = 3, metric = 'manhattan')"));
        AssertExec(Fails("CREATE COLLECTION notes (dimension = 3) WITH (storage = 'rabitq')"));
        AssertExec(Fails("CREATE COLLECTION notes (dimension = 3) SCHEMALESS"));
        AssertExec(Fails("CREATE METADATA COLLECTION notes (dimension = 3)"));
        Assert.Equal(VelesDbErrorCode.InvalidDimension, Fails("CREATE COLLECTION notes (dimension = 0)").Code);
        Assert.False(_db.TryGetCollection("notes", out _));
    }

    [Fact]
    public void CreateCollection_Existing_IsCollectionExists()
    {
        _db.CreateMetadataCollection("notes");

        Assert.Equal(VelesDbErrorCode.CollectionExists, Fails("CREATE COLLECTION notes (dimension = 3)").Code);
    }

    [Fact]
    public void CreateGraphCollection_WithSchema_ValidatesNodes()
    {
        var r = _db.Execute("CREATE GRAPH COLLECTION kg WITH SCHEMA (NODE Person (name: STRING, age: INTEGER), NODE Paper (title: STRING), EDGE WROTE FROM Person TO Paper)");

        Assert.Equal("graph", (string)r.Rows[0]["type"]!);
        var c = _db.GetCollection("kg");
        Assert.Equal(CollectionKind.Graph, c.Kind);
        Assert.False(c.Schema!.IsSchemaless);
        Assert.Equal(["Person", "Paper"], c.Schema.NodeTypes.Select(t => t.Name));
        Assert.Equal("WROTE", c.Schema.EdgeTypes.Single().Name);
        _db.Execute("""INSERT NODE INTO kg (id = 1, payload = '{"_labels":["Person"],"name":"Ada","age":36}')""");
        Assert.Equal(VelesDbErrorCode.SchemaValidation, Fails("""INSERT NODE INTO kg (id = 2, payload = '{"_labels":["Person"],"age":"old"}')""").Code);
    }

    [Fact]
    public void CreateGraphCollection_SchemalessWithEmbeddings()
    {
        _db.Execute("CREATE GRAPH COLLECTION kg (dimension = 2, metric = 'euclidean') SCHEMALESS");

        var c = _db.GetCollection("kg");
        Assert.True(c.Schema!.IsSchemaless);
        Assert.Equal(2, c.Dimension);
        Assert.Equal(DistanceMetric.Euclidean, c.Metric);
        AssertExec(Fails("CREATE GRAPH COLLECTION kg2 (m = 8)"));
        AssertExec(Fails("CREATE GRAPH COLLECTION kg2 WITH SCHEMA (NODE A (x: DECIMAL))"));
    }

    [Fact]
    public void CreateMetadataCollection_HasNoVectors()
    {
        var r = _db.Execute("CREATE METADATA COLLECTION users");

        Assert.Equal("metadata", (string)r.Rows[0]["type"]!);
        Assert.Equal(CollectionKind.Metadata, _db.GetCollection("users").Kind);
    }

    [Fact]
    public void DropCollection_RemovesIt_AndIfExistsToleratesAbsence()
    {
        Docs();

        var r = _db.Execute("DROP COLLECTION docs");

        Assert.Equal("dropped", (string)r.Rows[0]["status"]!);
        Assert.True((bool)r.Rows[0]["existed"]!);
        Assert.False(_db.TryGetCollection("docs", out _));
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("DROP COLLECTION docs").Code);
        Assert.False((bool)_db.Execute("DROP COLLECTION IF EXISTS docs").Rows[0]["existed"]!);
    }

    // ---------------------------------------------------------------- CREATE / DROP INDEX

    [Fact]
    public void CreateAndDropIndex_AreIdempotent()
    {
        var c = Docs();

        Assert.True((bool)_db.Execute("CREATE INDEX ON docs (lang)").Rows[0]["changed"]!);
        Assert.False((bool)_db.Execute("CREATE INDEX ON docs (lang)").Rows[0]["changed"]!);
        _db.Execute("CREATE INDEX ON docs (meta.src)");
        Assert.Equal(["lang", "meta.src"], c.ListIndexes().Select(i => i.Field));

        Assert.True((bool)_db.Execute("DROP INDEX ON docs (lang)").Rows[0]["changed"]!);
        Assert.False((bool)_db.Execute("DROP INDEX ON docs (lang)").Rows[0]["changed"]!);
        Assert.Equal(["meta.src"], c.ListIndexes().Select(i => i.Field));
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("CREATE INDEX ON nope (lang)").Code);
    }

    // ---------------------------------------------------------------- ALTER

    [Fact]
    public void Alter_AutoReindex_IsPersistedAndRebuildsAfterHeavyDeletes()
    {
        var c = _db.CreateCollection("vecs", 2);
        c.Upsert([.. Enumerable.Range(0, 20).Select(i => new Point((ulong)i, new[] { i, 1f }))]);

        var r = _db.Execute("ALTER COLLECTION vecs SET (auto_reindex = true)");

        Assert.True((bool)r.Rows[0]["auto_reindex"]!);
        Assert.True(c.AutoReindex);
        _db.Execute("DELETE FROM vecs WHERE id < 4");
        Assert.Equal(4.0 / 20, c.TombstoneRatio, 6);
        _db.Execute("DELETE FROM vecs WHERE id < 8");
        Assert.Equal(0, c.TombstoneRatio);
        Assert.Equal(12, c.Count);
        Assert.Equal(12, c.Search([5f, 1f], 20).Count);

        _db.Dispose();
        using var reopened = VelesDatabase.Open(_dir.Path);
        Assert.True(reopened.GetCollection("vecs").AutoReindex);
    }

    [Fact]
    public void Alter_AutoReindexOff_LeavesTombstones()
    {
        var c = _db.CreateCollection("vecs", 2);
        c.Upsert([.. Enumerable.Range(0, 10).Select(i => new Point((ulong)i, new[] { i, 1f }))]);

        _db.Execute("ALTER COLLECTION vecs SET (auto_reindex = false)");
        _db.Execute("DELETE FROM vecs WHERE id < 5");

        Assert.False(c.AutoReindex);
        Assert.Equal(0.5, c.TombstoneRatio, 6);
    }

    [Fact]
    public void Alter_UnknownOptionOrBadValue_Fails()
    {
        Docs();

        var e = Fails("ALTER COLLECTION docs SET (ttl = 5)");
        AssertExec(e);
        Assert.Contains("auto_reindex", e.Hint, StringComparison.Ordinal);
        Assert.Equal(VelesDbErrorCode.Query, Fails("ALTER COLLECTION docs SET (auto_reindex = 3)").Code);
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("ALTER COLLECTION nope SET (auto_reindex = true)").Code);
    }

    // ---------------------------------------------------------------- FLUSH

    [Fact]
    public void Flush_OneOrAllCollections()
    {
        Docs();

        var all = _db.Execute("FLUSH");
        var one = _db.Execute("FLUSH FULL docs");

        Assert.Equal("flushed", (string)all.Rows[0]["status"]!);
        Assert.False((bool)all.Rows[0]["full"]!);
        Assert.True((bool)one.Rows[0]["full"]!);
        Assert.Equal("docs", (string)one.Rows[0]["collection"]!);
        Assert.Equal(VelesDbErrorCode.CollectionNotFound, Fails("FLUSH nope").Code);
    }

    [Fact]
    public void FlushFull_MakesWritesSurviveReopen()
    {
        Docs();
        _db.Execute("UPDATE docs SET lang = 'it' WHERE id = 2");

        _db.Execute("FLUSH FULL");
        _db.Dispose();

        using var reopened = VelesDatabase.Open(_dir.Path);
        Assert.Equal("it", reopened.GetCollection("docs").Get(2)!.Payload!.Value.GetProperty("lang").GetString());
    }
}
