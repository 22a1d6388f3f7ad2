using System.Buffers.Binary;
using VelesDb.Core.Errors;
using VelesDb.Core.Quantization;
using VelesDb.Core.Storage;
using Xunit.Abstractions;

namespace VelesDb.Core.Tests.Quantization;

public class ProductQuantizerTests(ITestOutputHelper output)
{
    private const int Dim = 16;
    private const int M = 4;
    private const int K = 32;
    private const int Count = 1000;
    private const double Sigma = 0.05;

    // Trained once per class: training dominates the run time of these tests.
    private static readonly float[] ClusteredData = QuantizationTestData.Clustered(Count, Dim, clusters: 24, seed: 1, sigma: Sigma);
    private static readonly float[] CorrelatedData = QuantizationTestData.Correlated(Count, Dim, seed: 2);
    private static readonly Lazy<ProductQuantizer> Plain = new(() => ProductQuantizer.Train(ClusteredData, Count, Dim, M, K, opq: false, seed: 7, maxThreads: 2));
    private static readonly Lazy<ProductQuantizer> Rotated = new(() => ProductQuantizer.Train(CorrelatedData, Count, Dim, M, K, opq: true, seed: 7, maxThreads: 2));

    private static ProductQuantizer Quantizer(bool opq) => opq ? Rotated.Value : Plain.Value;

    private static float[] Data(bool opq) => opq ? CorrelatedData : ClusteredData;

    private static byte[] Serialize(ProductQuantizer pq)
    {
        using var stream = new MemoryStream();
        pq.WriteTo(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Train_ClusteredData_RoundTripErrorIsSmall()
    {
        var pq = Plain.Value;
        var meanSquaredNorm = 0d;
        for (var i = 0; i < Count; i++)
        {
            var x = ClusteredData.AsSpan(i * Dim, Dim);
            meanSquaredNorm += QuantizationTestData.Dot(x, x) / Count;
        }

        var error = QuantizationTestData.MeanReconstructionError(pq, ClusteredData);

        output.WriteLine($"mean squared norm {meanSquaredNorm:F4}, mean reconstruction error {error:F6}");
        Assert.Equal(Dim, pq.Dimension);
        Assert.Equal(M, pq.Subspaces);
        Assert.Equal(K, pq.Centroids);
        Assert.False(pq.HasRotation);
        Assert.True(pq.Rotation.IsEmpty);
        // 24 blobs, 32 centroids per subspace: every blob gets a centroid and what is left is
        // (at most) the blobs' own noise, Dim × σ² per vector.
        Assert.True(error < Dim * Sigma * Sigma, $"error {error}, noise {Dim * Sigma * Sigma}, mean squared norm {meanSquaredNorm}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AdcTables_MatchDistancesToDecodedVectors(bool opq)
    {
        var pq = Quantizer(opq);
        var data = Data(opq);
        var queries = QuantizationTestData.Uniform(10, Dim, seed: 40);
        var l2Table = new float[M * K];
        var dotTable = new float[M * K];
        var code = new byte[M];
        var decoded = new float[Dim];
        for (var q = 0; q < 10; q++)
        {
            var query = queries.AsSpan(q * Dim, Dim);
            pq.BuildL2Table(query, l2Table);
            pq.BuildDotTable(query, dotTable);
            for (var i = 0; i < 50; i++)
            {
                pq.Encode(data.AsSpan(i * 17 * Dim, Dim), code);
                pq.Decode(code, decoded);
                var l2 = ProductQuantizer.AdcDistance(l2Table, code, K);
                var dot = ProductQuantizer.AdcDistance(dotTable, code, K);
                var expectedL2 = QuantizationTestData.SquaredDistance(query, decoded);
                var expectedDot = -QuantizationTestData.Dot(query, decoded);

                Assert.Equal(expectedL2, l2, 1e-3 * Math.Max(1, Math.Abs(expectedL2)));
                Assert.Equal(expectedDot, dot, 1e-3 * Math.Max(1, Math.Abs(expectedDot)));
                Assert.Equal(l2, PointerAdc(l2Table, code));
                Assert.Equal(dot, PointerAdc(dotTable, code));
            }
        }
    }

    private static unsafe float PointerAdc(float[] table, byte[] code)
    {
        fixed (float* t = table)
        fixed (byte* c = code)
        {
            return Core.Distance.PqKernels.AdcDistance(t, c, code.Length, K);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(9)]
    public void AdcDistance_AnyCodeLength_SumsOneEntryPerSubspace(int m)
    {
        var table = QuantizationTestData.Uniform(m, 3, seed: m);
        var code = new byte[m];
        var expected = 0f;
        for (var j = 0; j < m; j++)
        {
            code[j] = (byte)((j * 2) % 3);
            expected += table[(j * 3) + code[j]];
        }

        Assert.Equal(expected, ProductQuantizer.AdcDistance(table, code, 3), 1e-5);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void SymmetricTable_MatchesDistancesBetweenDecodedVectors(bool opq, bool dot)
    {
        var pq = Quantizer(opq);
        var data = Data(opq);
        var sdc = pq.BuildSymmetricTable(dot);
        Assert.Equal(M * K * K, sdc.Length);
        var a = new byte[M];
        var b = new byte[M];
        var da = new float[Dim];
        var db = new float[Dim];
        for (var i = 0; i < 40; i++)
        {
            pq.Encode(data.AsSpan(i * Dim, Dim), a);
            pq.Encode(data.AsSpan((Count - 1 - (i * 3)) * Dim, Dim), b);
            pq.Decode(a, da);
            pq.Decode(b, db);
            var expected = dot ? -QuantizationTestData.Dot(da, db) : QuantizationTestData.SquaredDistance(da, db);

            var actual = ProductQuantizer.SymmetricDistance(sdc, a, b, K);

            Assert.Equal(expected, actual, 1e-3 * Math.Max(1, Math.Abs(expected)));
            Assert.Equal(actual, ProductQuantizer.SymmetricDistance(sdc, b, a, K));
        }
    }

    [Fact]
    public void Train_DimensionNotDivisibleBySubspaces_SplitsRangesDifferingByOne()
    {
        const int Dim10 = 10;
        var data = QuantizationTestData.Clustered(300, Dim10, clusters: 8, seed: 6);

        var pq = ProductQuantizer.Train(data, 300, Dim10, 4, 16, opq: false, seed: 1, maxThreads: 1);

        Assert.Equal([0, 3, 6, 8], Enumerable.Range(0, 4).Select(pq.SubspaceStart));
        Assert.Equal([3, 3, 2, 2], Enumerable.Range(0, 4).Select(pq.SubspaceLength));
        Assert.Equal(16 * 3, pq.SubspaceCentroids(0).Length);
        Assert.Equal(16 * 2, pq.SubspaceCentroids(3).Length);
        var code = new byte[4];
        var decoded = new float[Dim10];
        var table = new float[4 * 16];
        var x = data.AsSpan(5 * Dim10, Dim10);
        pq.Encode(x, code);
        pq.Decode(code, decoded);
        pq.BuildL2Table(x, table);
        Assert.True(QuantizationTestData.SquaredDistance(x, decoded) < 0.05);
        Assert.Equal(QuantizationTestData.SquaredDistance(x, decoded), ProductQuantizer.AdcDistance(table, code, 16), 1e-4);
    }

    [Fact]
    public void Train_Opq_RotationIsOrthogonalAndErrorNoWorseThanPlain()
    {
        var plain = ProductQuantizer.Train(CorrelatedData, Count, Dim, M, K, opq: false, seed: 7, maxThreads: 2);
        var rotated = Rotated.Value;

        var plainError = QuantizationTestData.MeanReconstructionError(plain, CorrelatedData);
        var opqError = QuantizationTestData.MeanReconstructionError(rotated, CorrelatedData);
        var held = QuantizationTestData.Correlated(500, Dim, seed: 3);
        var plainHeld = QuantizationTestData.MeanReconstructionError(plain, held);
        var opqHeld = QuantizationTestData.MeanReconstructionError(rotated, held);

        output.WriteLine($"training set: PQ {plainError:F6}, OPQ {opqError:F6}; held out: PQ {plainHeld:F6}, OPQ {opqHeld:F6}");
        Assert.True(rotated.HasRotation);
        Assert.Equal(Dim * Dim, rotated.Rotation.Length);
        Assert.True(Orthogonal.OrthogonalityError(rotated.Rotation, Dim) < 1e-3);
        Assert.True(opqError <= plainError, $"OPQ {opqError} > PQ {plainError}");
        Assert.True(opqHeld <= plainHeld * 1.05, $"held out: OPQ {opqHeld} vs PQ {plainHeld}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Train_OpqOnIsotropicData_IsNeverWorseThanPlain(int seed)
    {
        // No correlation to undo: whatever the rotation does, the result must not lose to plain PQ
        // on the training samples (OPQ falls back to plain PQ when it would).
        var data = QuantizationTestData.Uniform(600, 8, seed);

        var plain = ProductQuantizer.Train(data, 600, 8, 2, 16, opq: false, seed, maxThreads: 1);
        var rotated = ProductQuantizer.Train(data, 600, 8, 2, 16, opq: true, seed, maxThreads: 1);

        var plainError = QuantizationTestData.MeanReconstructionError(plain, data);
        var opqError = QuantizationTestData.MeanReconstructionError(rotated, data);
        output.WriteLine($"isotropic seed {seed}: PQ {plainError:F6}, OPQ {opqError:F6}, rotation kept: {rotated.HasRotation}");
        Assert.True(opqError <= plainError * (1 + 1e-5), $"OPQ {opqError} > PQ {plainError}");
    }

    [Fact]
    public void Train_OpqWithMoreSamplesThanItsSubset_FinishesOnEverySample()
    {
        // Above OpqMaxSamples the rotation is learnt on a subset and the codebooks on everything.
        const int Many = ProductQuantizer.OpqMaxSamples + 500;
        var data = QuantizationTestData.Correlated(Many, 4, seed: 12);

        var plain = ProductQuantizer.Train(data, Many, 4, 2, 8, opq: false, seed: 1, maxThreads: 2);
        var rotated = ProductQuantizer.Train(data, Many, 4, 2, 8, opq: true, seed: 1, maxThreads: 2);

        var plainError = QuantizationTestData.MeanReconstructionError(plain, data);
        var opqError = QuantizationTestData.MeanReconstructionError(rotated, data);
        output.WriteLine($"{Many} samples: PQ {plainError:F6}, OPQ {opqError:F6}");
        Assert.True(Orthogonal.OrthogonalityError(rotated.Rotation, 4) < 1e-3);
        Assert.True(opqError <= plainError * 1.02, $"OPQ {opqError} vs PQ {plainError}");
    }

    [Fact]
    public void Decode_WithRotation_ReturnsToOriginalSpace()
    {
        var pq = Rotated.Value;
        var x = CorrelatedData.AsSpan(0, Dim);
        var rotated = new float[Dim];
        var back = new float[Dim];
        var code = new byte[M];
        pq.Rotate(x, rotated);
        pq.Encode(x, code);
        pq.Decode(code, back);

        // Rotation keeps norms; the decoded vector is near x itself, not near P·x.
        Assert.Equal(QuantizationTestData.Dot(x, x), QuantizationTestData.Dot(rotated, rotated), 1e-4);
        Assert.True(QuantizationTestData.SquaredDistance(x, back) < QuantizationTestData.SquaredDistance(rotated, back));
    }

    [Fact]
    public void Train_SameSeed_GivesIdenticalBytesForAnyThreadCount()
    {
        // Enough samples that k-means and the OPQ steps split their work into parallel chunks.
        var data = QuantizationTestData.Correlated(1200, 8, seed: 9);

        var first = Serialize(ProductQuantizer.Train(data, 1200, 8, 2, 16, opq: true, seed: 3, maxThreads: 1));
        var second = Serialize(ProductQuantizer.Train(data, 1200, 8, 2, 16, opq: true, seed: 3, maxThreads: 3));
        var otherSeed = Serialize(ProductQuantizer.Train(data, 1200, 8, 2, 16, opq: true, seed: 4, maxThreads: 3));

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteTo_TryRead_RoundTripsBitExactly(bool opq)
    {
        var pq = Quantizer(opq);
        var bytes = Serialize(pq);

        var loaded = ProductQuantizer.TryRead(bytes, out var problem);

        Assert.Null(problem);
        Assert.NotNull(loaded);
        Assert.Equal(pq.Dimension, loaded.Dimension);
        Assert.Equal(pq.Subspaces, loaded.Subspaces);
        Assert.Equal(pq.Centroids, loaded.Centroids);
        Assert.Equal(pq.HasRotation, loaded.HasRotation);
        Assert.Equal(pq.Rotation.ToArray(), loaded.Rotation.ToArray());
        Assert.Equal(bytes, Serialize(loaded));
        var data = Data(opq);
        var a = new byte[M];
        var b = new byte[M];
        var da = new float[Dim];
        var db = new float[Dim];
        for (var i = 0; i < Count; i += 7)
        {
            pq.Encode(data.AsSpan(i * Dim, Dim), a);
            loaded.Encode(data.AsSpan(i * Dim, Dim), b);
            Assert.Equal(a, b);
            pq.Decode(a, da);
            loaded.Decode(b, db);
            Assert.Equal(da, db);
        }
    }

    [Fact]
    public void WriteTo_Layout_MatchesDocumentedHeaderAndSize()
    {
        var plain = Serialize(Plain.Value);
        var rotated = Serialize(Rotated.Value);

        Assert.Equal("VQPQ"u8.ToArray(), plain[..4]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(plain.AsSpan(4)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(plain.AsSpan(6)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(rotated.AsSpan(6)));
        Assert.Equal((uint)Dim, BinaryPrimitives.ReadUInt32LittleEndian(plain.AsSpan(8)));
        Assert.Equal((uint)M, BinaryPrimitives.ReadUInt32LittleEndian(plain.AsSpan(12)));
        Assert.Equal((uint)K, BinaryPrimitives.ReadUInt32LittleEndian(plain.AsSpan(16)));
        Assert.Equal(20 + (4 * K * Dim) + 4, plain.Length);
        Assert.Equal(20 + (4 * K * Dim) + (4 * Dim * Dim) + 4, rotated.Length);
        Assert.Equal(Crc32C.Compute(plain.AsSpan(0, plain.Length - 4)), BinaryPrimitives.ReadUInt32LittleEndian(plain.AsSpan(plain.Length - 4)));

        // The first centroid of subspace 1 follows subspace 0's k × len₀ floats.
        var first = BinaryPrimitives.ReadSingleLittleEndian(plain.AsSpan(20 + (4 * K * Plain.Value.SubspaceLength(0))));
        Assert.Equal(Plain.Value.SubspaceCentroids(1)[0], first);
    }

    [Fact]
    public void TryRead_TruncatedBytes_ReturnsProblem()
    {
        var bytes = Serialize(Rotated.Value);

        foreach (var length in new[] { 0, 3, 19, 23, 24, bytes.Length / 2, bytes.Length - 4, bytes.Length - 1 })
        {
            Assert.Null(ProductQuantizer.TryRead(bytes.AsSpan(0, length), out var problem));
            Assert.False(string.IsNullOrEmpty(problem));
            Assert.DoesNotContain('\n', problem);
        }
    }

    [Fact]
    public void TryRead_AnyFlippedByte_ReturnsProblem()
    {
        var bytes = Serialize(Rotated.Value);

        for (var i = 0; i < bytes.Length; i += 37)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[i] ^= 0x10;
            Assert.Null(ProductQuantizer.TryRead(damaged, out var problem));
            Assert.NotNull(problem);
        }

        var body = (byte[])bytes.Clone();
        body[100] ^= 1;
        ProductQuantizer.TryRead(body, out var checksumProblem);
        Assert.Contains("checksum", checksumProblem);
    }

    [Fact]
    public void TryRead_WrongMagicOrVersionOrFlags_ReturnsProblem()
    {
        foreach (var (offset, value, expected) in new[] { (0, 0x51505157u, "magic"), (4, 2u, "version"), (6, 2u, "flags") })
        {
            var bytes = Serialize(Plain.Value);
            if (offset == 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), (ushort)value);
            }

            Reseal(bytes);
            Assert.Null(ProductQuantizer.TryRead(bytes, out var problem));
            Assert.Contains(expected, problem);
        }
    }

    [Theory]
    [InlineData(65_536u, 16u, 256u, 1)]
    [InlineData(65_537u, 16u, 256u, 0)]
    [InlineData(uint.MaxValue, uint.MaxValue, uint.MaxValue, 1)]
    [InlineData(16u, 17u, 32u, 0)]
    [InlineData(16u, 0u, 32u, 0)]
    [InlineData(16u, 4u, 257u, 0)]
    [InlineData(16u, 4u, 1u, 0)]
    public void TryRead_AbsurdCounts_ReturnsProblemWithoutAllocating(uint dimension, uint subspaces, uint centroids, int flags)
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, ProductQuantizer.Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), ProductQuantizer.Version);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)flags);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), dimension);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), subspaces);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(16), centroids);
        Reseal(bytes);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = ProductQuantizer.TryRead(bytes, out var problem);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(result);
        Assert.NotNull(problem);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void TryRead_NonFiniteValueUnderValidChecksum_ReturnsProblem()
    {
        var bytes = Serialize(Plain.Value);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(20 + 8), float.NaN);
        Reseal(bytes);

        Assert.Null(ProductQuantizer.TryRead(bytes, out var problem));
        Assert.Contains("NaN", problem);
    }

    [Fact]
    public void TryRead_NonUnitRotationRow_ReturnsProblem()
    {
        var bytes = Serialize(Rotated.Value);
        var rotationStart = 20 + (4 * K * Dim);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(rotationStart), 3f);
        Reseal(bytes);

        Assert.Null(ProductQuantizer.TryRead(bytes, out var problem));
        Assert.Contains("rotation", problem);
    }

    private static void Reseal(byte[] bytes) =>
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));

    [Theory]
    [InlineData(0, 32)]
    [InlineData(17, 32)]
    [InlineData(4, 1)]
    [InlineData(4, 257)]
    public void Train_InvalidConfig_ThrowsInvalidQuantizerConfig(int subspaces, int centroids)
    {
        var ex = Assert.Throws<VelesDbException>(() =>
            ProductQuantizer.Train(ClusteredData, Count, Dim, subspaces, centroids, opq: false, seed: 1, maxThreads: 1));

        Assert.Equal(VelesDbErrorCode.InvalidQuantizerConfig, ex.Code);
        Assert.Equal("VELES-028", ex.CodeString);
        Assert.Contains(subspaces is < 1 or > Dim ? "subspaces" : "centroids", ex.Message);
    }

    [Fact]
    public void Train_TooFewSamples_ThrowsTrainingFailed()
    {
        var ex = Assert.Throws<VelesDbException>(() =>
            ProductQuantizer.Train(ClusteredData, 31, Dim, M, 32, opq: false, seed: 1, maxThreads: 1));

        Assert.Equal(VelesDbErrorCode.TrainingFailed, ex.Code);
        Assert.Equal("VELES-029", ex.CodeString);
        Assert.Contains("at least 32 samples", ex.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Train_NonFiniteSample_ThrowsTrainingFailed(float bad)
    {
        var data = (float[])ClusteredData.Clone();
        data[(40 * Dim) + 3] = bad;

        var ex = Assert.Throws<VelesDbException>(() =>
            ProductQuantizer.Train(data, Count, Dim, M, K, opq: true, seed: 1, maxThreads: 1));

        Assert.Equal(VelesDbErrorCode.TrainingFailed, ex.Code);
        Assert.Contains("sample 40", ex.Message);
        Assert.Contains("coordinate 3", ex.Message);
    }

    [Fact]
    public void Train_TooFewFloats_ThrowsTrainingFailed()
    {
        var ex = Assert.Throws<VelesDbException>(() =>
            ProductQuantizer.Train(ClusteredData.AsSpan(0, 100), Count, Dim, M, K, opq: false, seed: 1, maxThreads: 1));

        Assert.Equal(VelesDbErrorCode.TrainingFailed, ex.Code);
    }

    [Fact]
    public void EncodeDecode_WrongLengthsOrCodeByte_Throw()
    {
        var pq = Plain.Value;

        Assert.Equal(VelesDbErrorCode.DimensionMismatch, Assert.Throws<VelesDbException>(() => pq.Encode(new float[Dim - 1], new byte[M])).Code);
        Assert.Equal(VelesDbErrorCode.DimensionMismatch, Assert.Throws<VelesDbException>(() => pq.Encode(new float[Dim], new byte[M + 1])).Code);
        Assert.Equal(VelesDbErrorCode.DimensionMismatch, Assert.Throws<VelesDbException>(() => pq.Decode(new byte[M], new float[Dim + 1])).Code);
        Assert.Equal(VelesDbErrorCode.DimensionMismatch, Assert.Throws<VelesDbException>(() => pq.BuildL2Table(new float[Dim], new float[(M * K) - 1])).Code);
        Assert.Equal(VelesDbErrorCode.IndexCorrupted, Assert.Throws<VelesDbException>(() => pq.Decode([0, 0, K, 0], new float[Dim])).Code);
    }
}
