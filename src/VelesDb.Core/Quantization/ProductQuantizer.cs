using System.Buffers.Binary;
using VelesDb.Core.Errors;
using VelesDb.Core.Storage;

namespace VelesDb.Core.Quantization;

/// <summary>
/// Product quantization (Jégou et al. 2011), optionally with a learned rotation (non-parametric
/// OPQ, Ge et al. 2013). A vector of <see cref="Quantizer.Dimension"/> floats is optionally rotated, cut into
/// <see cref="Subspaces"/> contiguous pieces, and each piece is replaced by the index of its nearest
/// centroid in that subspace's codebook of <see cref="Centroids"/> entries: a code of one byte per
/// subspace. Immutable once trained, so every member is safe to call from many threads.
/// </summary>
/// <remarks>
/// <para>
/// Subspace j covers a contiguous range of coordinates; when the dimension is not a multiple of
/// the subspace count, the first <c>dimension % subspaces</c> ranges are one coordinate longer.
/// The rotation is the orthogonal matrix P applied as <c>rotated = P · x</c>; distances are the
/// same before and after it, so every distance a table gives is a distance in the original space.
/// </para>
/// <para>Serialized layout (<see cref="WriteTo"/>, <see cref="TryRead"/>), little-endian:</para>
/// <code>
///   0  u32 magic 0x51505156 ("VQPQ")
///   4  u16 format version (1)
///   6  u16 flags: bit 0 = a rotation is present; every other bit 0
///   8  u32 dimension d (1..65,536)
///   12 u32 subspaces m (1..d)
///   16 u32 centroids per subspace k (2..256)
///   20 codebooks, subspace by subspace: for j in 0..m, k centroids of len_j float32 each
///      (len_j = d / m, plus 1 for j &lt; d % m): k × d floats in all
///      rotation, only when flag bit 0 is set: P as d × d float32, row-major (rotated = P · x)
///   end u32 CRC-32C of every preceding byte
/// </code>
/// </remarks>
internal sealed class ProductQuantizer : Quantizer
{
    /// <summary>"VQPQ" read as a little-endian u32.</summary>
    public const uint Magic = 0x51505156;

    /// <summary>The serialized format version this build writes and reads.</summary>
    public const ushort Version = 1;

    /// <summary>The most centroids a subspace can have: a code byte indexes them.</summary>
    public const int MaxCentroids = 256;

    /// <summary>The largest dimension a quantizer accepts (as for collections).</summary>
    public const int MaxDimension = 65_536;

    /// <summary>Lloyd iterations per subspace when training codebooks from scratch.</summary>
    public const int TrainingIterations = 25;

    /// <summary>OPQ learns its rotation from at most this many samples, to bound its O(n·d²) steps.</summary>
    public const int OpqMaxSamples = 20_000;

    /// <summary>Alternations of (codebooks, rotation) in OPQ training.</summary>
    public const int OpqOuterIterations = 6;

    /// <summary>Lloyd iterations per alternation, warm-started from the previous codebooks.</summary>
    public const int OpqInnerIterations = 4;

    private const int HeaderSize = 20;
    private const ushort RotationFlag = 1;

    /// <summary>Working vectors up to this many floats live on the stack.</summary>
    private const int MaxStackFloats = 1024;

    /// <summary>Subspace boundaries: subspace j covers coordinates [_offsets[j], _offsets[j + 1]).</summary>
    private readonly int[] _offsets;

    /// <summary>Subspace j's k × len_j centroids, row-major, from k · _offsets[j]: the serialized order.</summary>
    private readonly float[] _codebooks;

    /// <summary>
    /// The same centroids coordinate-major (len_j × k per subspace, same offsets), the layout the
    /// one-to-many kernels read so that a code or table row costs one pass over the codebook.
    /// </summary>
    private readonly float[] _transposed;

    /// <summary>P (d × d, row-major, rotated = P · x), or null without OPQ.</summary>
    private readonly float[]? _rotation;

    private ProductQuantizer(int dimension, int subspaces, int centroids, float[] codebooks, float[]? rotation)
        : base(dimension)
    {
        Subspaces = subspaces;
        Centroids = centroids;
        _offsets = Offsets(dimension, subspaces);
        _codebooks = codebooks;
        _rotation = rotation;
        _transposed = new float[codebooks.Length];
        for (var j = 0; j < subspaces; j++)
        {
            var length = _offsets[j + 1] - _offsets[j];
            var start = centroids * _offsets[j];
            CodebookKernels.Transpose(
                codebooks.AsSpan(start, centroids * length), centroids, length, _transposed.AsSpan(start, centroids * length));
        }
    }

    /// <inheritdoc />
    public override Collections.StorageMode Mode => Collections.StorageMode.ProductQuantization;

    /// <inheritdoc />
    public override int CodeBytes => Subspaces;

    /// <inheritdoc />
    public override long MemoryBytes => ((long)(_transposed.Length + _codebooks.Length + (_rotation?.Length ?? 0)) * sizeof(float));

    /// <inheritdoc />
    protected override byte[] Serialize()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    /// <summary>Subspaces m: bytes per code.</summary>
    public int Subspaces { get; }

    /// <summary>Centroids k per subspace (2..256).</summary>
    public int Centroids { get; }

    /// <summary>Whether vectors are rotated (OPQ) before quantization.</summary>
    public bool HasRotation => _rotation is not null;

    /// <summary>The rotation P (d × d, row-major, rotated = P · x), or empty without one.</summary>
    public ReadOnlySpan<float> Rotation => _rotation;

    /// <summary>The first coordinate (of the rotated vector) that subspace <paramref name="j"/> covers.</summary>
    public int SubspaceStart(int j) => _offsets[j];

    /// <summary>The number of coordinates subspace <paramref name="j"/> covers.</summary>
    public int SubspaceLength(int j) => _offsets[j + 1] - _offsets[j];

    /// <summary>Subspace <paramref name="j"/>'s codebook: k centroids of <see cref="SubspaceLength"/> floats, row-major.</summary>
    public ReadOnlySpan<float> SubspaceCentroids(int j) =>
        _codebooks.AsSpan(Centroids * _offsets[j], Centroids * SubspaceLength(j));

    /// <summary>
    /// Trains a quantizer on <paramref name="count"/> samples (row-major, <paramref name="dimension"/>
    /// floats each): k-means (k-means++ seeding, <see cref="TrainingIterations"/> Lloyd iterations) in
    /// every subspace, after learning a rotation first when <paramref name="opq"/> is set.
    /// </summary>
    /// <param name="samples">At least count × dimension floats; the first count × dimension are used.</param>
    /// <param name="count">Number of samples; at least <paramref name="centroids"/>.</param>
    /// <param name="dimension">Floats per vector.</param>
    /// <param name="subspaces">Subspaces m, 1..dimension.</param>
    /// <param name="centroids">Centroids k per subspace, 2..256.</param>
    /// <param name="opq">Learn an orthogonal rotation that lowers the quantization error (OPQ).</param>
    /// <param name="seed">Seed of every random choice: equal inputs and seed give an equal quantizer.</param>
    /// <param name="maxThreads">Upper bound on threads used by k-means and the OPQ steps.</param>
    /// <exception cref="VelesDbException">
    /// VELES-028 for an invalid configuration; VELES-029 for too few samples or a NaN or infinite value.
    /// </exception>
    public static ProductQuantizer Train(
        ReadOnlySpan<float> samples, int count, int dimension, int subspaces, int centroids, bool opq, int seed, int maxThreads)
    {
        ValidateConfig(dimension, subspaces, centroids, maxThreads);
        var floats = (long)count * dimension;
        if (count < centroids)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.TrainingFailed,
                $"PQ training with {centroids} centroids per subspace needs at least {centroids} samples; got {count}. Provide more samples or lower the centroid count.");
        }

        if (floats > samples.Length || floats > Array.MaxLength)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.TrainingFailed,
                $"PQ training was given {samples.Length} floats for {count} samples of dimension {dimension} ({floats} needed). Pass count × dimension floats.");
        }

        var data = samples[..(int)floats];
        for (var i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                ThrowHelper.Throw(
                    VelesDbErrorCode.TrainingFailed,
                    $"PQ training sample {i / dimension} has a NaN or infinite value at coordinate {i % dimension}. Remove or fix it before training.");
            }
        }

        var offsets = Offsets(dimension, subspaces);
        if (!opq)
        {
            var codebooks = TrainCodebooks(data, count, dimension, offsets, centroids, TrainingIterations, null, seed, maxThreads);
            return new ProductQuantizer(dimension, subspaces, centroids, codebooks, null);
        }

        return TrainOpq(data, count, dimension, subspaces, offsets, centroids, seed, maxThreads);
    }

    /// <summary>
    /// Writes P · <paramref name="vector"/> into <paramref name="rotated"/>, or copies it when there
    /// is no rotation.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-004 when a length differs from <see cref="Quantizer.Dimension"/>.</exception>
    public void Rotate(ReadOnlySpan<float> vector, Span<float> rotated)
    {
        CheckDimension(vector.Length);
        CheckDimension(rotated.Length);
        if (_rotation is null)
        {
            vector.CopyTo(rotated);
            return;
        }

        for (var i = 0; i < Dimension; i++)
        {
            rotated[i] = CodebookKernels.Dot(_rotation.AsSpan(i * Dimension, Dimension), vector);
        }
    }

    /// <summary>Writes the code of <paramref name="vector"/> (rotated first when there is a rotation).</summary>
    /// <exception cref="VelesDbException">
    /// VELES-004 when the vector's length differs from <see cref="Quantizer.Dimension"/> or the code's from
    /// <see cref="Subspaces"/>.
    /// </exception>
    public void Encode(ReadOnlySpan<float> vector, Span<byte> code)
    {
        CheckDimension(vector.Length);
        CheckCode(code.Length);
        if (_rotation is null)
        {
            EncodeRotated(vector, code);
            return;
        }

        Span<float> rotated = Dimension <= MaxStackFloats ? stackalloc float[Dimension] : new float[Dimension];
        Rotate(vector, rotated);
        EncodeRotated(rotated, code);
    }

    /// <summary>
    /// Writes the vector that <paramref name="code"/> stands for, in the original space (the
    /// centroids, rotated back by Pᵀ).
    /// </summary>
    /// <exception cref="VelesDbException">
    /// VELES-004 for wrong lengths; VELES-008 when a code byte is not below <see cref="Centroids"/>.
    /// </exception>
    public void Decode(ReadOnlySpan<byte> code, Span<float> vector)
    {
        CheckCode(code.Length);
        CheckDimension(vector.Length);
        if (_rotation is null)
        {
            DecodeRotated(code, vector);
            return;
        }

        Span<float> rotated = Dimension <= MaxStackFloats ? stackalloc float[Dimension] : new float[Dimension];
        DecodeRotated(code, rotated);
        vector.Clear();
        for (var i = 0; i < Dimension; i++)
        {
            CodebookKernels.MultiplyAdd(rotated[i], _rotation.AsSpan(i * Dimension, Dimension), vector);
        }
    }

    /// <summary>
    /// Fills the asymmetric-distance table for squared euclidean distance:
    /// <c>table[j * k + c] = ‖rot(query)ⱼ − Cⱼ,c‖²</c>, so that
    /// <see cref="AdcDistance(ReadOnlySpan{float}, ReadOnlySpan{byte}, int)"/> gives ‖query − decode(code)‖².
    /// </summary>
    /// <exception cref="VelesDbException">VELES-004 for a query or table (m × k floats) of the wrong length.</exception>
    public void BuildL2Table(ReadOnlySpan<float> query, Span<float> table) => BuildTable(query, table, dot: false);

    /// <summary>
    /// Fills the asymmetric-distance table for inner product, negated so that lower is better:
    /// <c>table[j * k + c] = −⟨rot(query)ⱼ, Cⱼ,c⟩</c>; the ADC sum is −⟨query, decode(code)⟩.
    /// </summary>
    /// <exception cref="VelesDbException">VELES-004 for a query or table (m × k floats) of the wrong length.</exception>
    public void BuildDotTable(ReadOnlySpan<float> query, Span<float> table) => BuildTable(query, table, dot: true);

    /// <summary>
    /// The asymmetric distance of a code: Σⱼ table[j * k + code[j]], with one code byte per subspace.
    /// </summary>
    /// <remarks>Code bytes must be below <paramref name="centroids"/> (codes from <see cref="Encode"/> are).</remarks>
    /// <exception cref="VelesDbException">VELES-004 when the table is shorter than code.Length × centroids.</exception>
    public static float AdcDistance(ReadOnlySpan<float> table, ReadOnlySpan<byte> code, int centroids)
    {
        var m = code.Length;
        if (table.Length < (long)m * centroids)
        {
            ThrowHelper.DimensionMismatch(m * centroids, table.Length);
        }

        // Four independent sums, in the same order as the pointer overload, so both agree exactly.
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var j = 0;
        var row = 0;
        for (; j + 4 <= m; j += 4, row += 4 * centroids)
        {
            s0 += table[row + code[j]];
            s1 += table[row + centroids + code[j + 1]];
            s2 += table[row + (2 * centroids) + code[j + 2]];
            s3 += table[row + (3 * centroids) + code[j + 3]];
        }

        for (; j < m; j++, row += centroids)
        {
            s0 += table[row + code[j]];
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>
    /// The symmetric-distance table for comparing two codes: m × k × k floats,
    /// <c>sdc[(j * k + a) * k + b]</c> = ‖Cⱼ,a − Cⱼ,b‖², or −⟨Cⱼ,a, Cⱼ,b⟩ when <paramref name="dot"/>.
    /// </summary>
    public float[] BuildSymmetricTable(bool dot)
    {
        var k = Centroids;
        var sdc = new float[Subspaces * k * k];
        for (var j = 0; j < Subspaces; j++)
        {
            var length = SubspaceLength(j);
            var book = SubspaceCentroids(j);
            var block = sdc.AsSpan(j * k * k, k * k);
            for (var a = 0; a < k; a++)
            {
                var ca = book.Slice(a * length, length);
                for (var b = a; b < k; b++)
                {
                    var cb = book.Slice(b * length, length);
                    var value = dot ? -CodebookKernels.Dot(ca, cb) : CodebookKernels.SquaredL2(ca, cb);
                    block[(a * k) + b] = value;
                    block[(b * k) + a] = value;
                }
            }
        }

        return sdc;
    }

    /// <summary>
    /// The distance between two codes through a table from <see cref="BuildSymmetricTable"/>:
    /// Σⱼ sdc[(j * k + a[j]) * k + b[j]].
    /// </summary>
    /// <exception cref="VelesDbException">VELES-004 when the codes differ in length or the table is too short.</exception>
    public static float SymmetricDistance(ReadOnlySpan<float> sdc, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int centroids)
    {
        var m = a.Length;
        var square = centroids * centroids;
        if (b.Length != m)
        {
            ThrowHelper.DimensionMismatch(m, b.Length);
        }

        if (sdc.Length < (long)m * square)
        {
            ThrowHelper.DimensionMismatch(m * square, sdc.Length);
        }

        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var j = 0;
        var block = 0;
        for (; j + 4 <= m; j += 4, block += 4 * square)
        {
            s0 += sdc[block + (a[j] * centroids) + b[j]];
            s1 += sdc[block + square + (a[j + 1] * centroids) + b[j + 1]];
            s2 += sdc[block + (2 * square) + (a[j + 2] * centroids) + b[j + 2]];
            s3 += sdc[block + (3 * square) + (a[j + 3] * centroids) + b[j + 3]];
        }

        for (; j < m; j++, block += square)
        {
            s0 += sdc[block + (a[j] * centroids) + b[j]];
        }

        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>Writes the layout documented on the class, checksum last.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var crc = 0u;
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], _rotation is null ? (ushort)0 : RotationFlag);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)Dimension);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)Subspaces);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)Centroids);
        stream.Write(header);
        crc = Crc32C.Append(crc, header);
        crc = WriteFloats(stream, _codebooks, crc);
        if (_rotation is not null)
        {
            crc = WriteFloats(stream, _rotation, crc);
        }

        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(tail, crc);
        stream.Write(tail);
    }

    /// <summary>
    /// Reads a quantizer written by <see cref="WriteTo"/>; returns null and a one-line reason when
    /// the bytes are short, foreign, damaged or hold impossible values. Every count is checked
    /// against the byte length before anything is allocated for it.
    /// </summary>
    public static ProductQuantizer? TryRead(ReadOnlySpan<byte> bytes, out string? problem)
    {
        problem = null;
        if (bytes.Length < HeaderSize + 4)
        {
            problem = $"{bytes.Length} bytes is shorter than a PQ header and checksum ({HeaderSize + 4})";
            return null;
        }

        var magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        var flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]);
        var dimension = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        var subspaces = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        var centroids = BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..]);
        if (magic != Magic)
        {
            problem = $"magic 0x{magic:X8} is not a PQ codebook (0x{Magic:X8})";
            return null;
        }

        if (version != Version)
        {
            problem = $"PQ format version {version} is not supported (this build reads {Version})";
            return null;
        }

        if ((flags & ~RotationFlag) != 0)
        {
            problem = $"unknown PQ flags 0x{flags:X4}";
            return null;
        }

        if (dimension is < 1 or > MaxDimension || subspaces < 1 || subspaces > dimension || centroids is < 2 or > MaxCentroids)
        {
            problem = $"impossible PQ shape: dimension {dimension}, subspaces {subspaces}, centroids {centroids}";
            return null;
        }

        var hasRotation = (flags & RotationFlag) != 0;
        var codebookFloats = (long)centroids * dimension;
        var rotationFloats = hasRotation ? (long)dimension * dimension : 0;
        var expected = HeaderSize + (4 * (codebookFloats + rotationFloats)) + 4;
        if (expected != bytes.Length)
        {
            problem = $"a PQ codebook of dimension {dimension}, {centroids} centroids{(hasRotation ? " and a rotation" : "")} takes {expected} bytes, got {bytes.Length}";
            return null;
        }

        var body = bytes[..^4];
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]))
        {
            problem = "PQ codebook checksum mismatch";
            return null;
        }

        var codebooks = ReadFloats(body.Slice(HeaderSize, (int)(4 * codebookFloats)));
        var rotation = hasRotation ? ReadFloats(body.Slice(HeaderSize + (int)(4 * codebookFloats), (int)(4 * rotationFloats))) : null;
        if (codebooks is null || (hasRotation && rotation is null))
        {
            problem = "PQ codebook holds a NaN or infinite value";
            return null;
        }

        if (rotation is not null)
        {
            // A full orthogonality check is O(d³); unit rows catch a damaged or foreign matrix cheaply.
            var d = (int)dimension;
            for (var i = 0; i < d; i++)
            {
                var row = rotation.AsSpan(i * d, d);
                if (Math.Abs(CodebookKernels.Dot(row, row) - 1) > 1e-3)
                {
                    problem = $"PQ rotation row {i} is not a unit vector";
                    return null;
                }
            }
        }

        return new ProductQuantizer((int)dimension, (int)subspaces, (int)centroids, codebooks, rotation);
    }

    /// <summary>Subspace boundaries: m + 1 offsets, the first d % m ranges one longer.</summary>
    private static int[] Offsets(int dimension, int subspaces)
    {
        var offsets = new int[subspaces + 1];
        var baseLength = dimension / subspaces;
        var longer = dimension % subspaces;
        for (var j = 0; j < subspaces; j++)
        {
            offsets[j + 1] = offsets[j] + baseLength + (j < longer ? 1 : 0);
        }

        return offsets;
    }

    private static void ValidateConfig(int dimension, int subspaces, int centroids, int maxThreads)
    {
        if (dimension is < 1 or > MaxDimension)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.InvalidQuantizerConfig,
                $"PQ dimension must be between 1 and {MaxDimension}; got {dimension}.");
        }

        if (subspaces < 1 || subspaces > dimension)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.InvalidQuantizerConfig,
                $"PQ subspaces must be between 1 and the dimension ({dimension}); got {subspaces}. Choose a subspace count in that range (for example dimension / 8).");
        }

        if (centroids is < 2 or > MaxCentroids)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.InvalidQuantizerConfig,
                $"PQ centroids per subspace must be between 2 and {MaxCentroids} (a code byte indexes them); got {centroids}. Use 256 unless memory for codebooks is tight.");
        }

        if (maxThreads < 1)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.InvalidQuantizerConfig,
                $"PQ training needs maxThreads >= 1; got {maxThreads}.");
        }
    }

    /// <summary>
    /// k-means in every subspace of <paramref name="data"/> (count × dimension): from k-means++ seeds
    /// when <paramref name="warm"/> is null, else continuing from those codebooks.
    /// </summary>
    private static float[] TrainCodebooks(
        ReadOnlySpan<float> data, int count, int dimension, int[] offsets, int k, int iterations, float[]? warm, int seed, int maxThreads)
    {
        var subspaces = offsets.Length - 1;
        var codebooks = warm is null ? new float[k * dimension] : (float[])warm.Clone();
        for (var j = 0; j < subspaces; j++)
        {
            var start = offsets[j];
            var length = offsets[j + 1] - start;
            var points = new float[count * length];
            for (var i = 0; i < count; i++)
            {
                data.Slice((i * dimension) + start, length).CopyTo(points.AsSpan(i * length, length));
            }

            var subspaceSeed = unchecked(seed + j);
            if (warm is null)
            {
                KMeans.TrainOwned(points, count, length, k, iterations, subspaceSeed, maxThreads).CopyTo(codebooks, k * start);
            }
            else
            {
                var centroids = codebooks.AsSpan(k * start, k * length).ToArray();
                KMeans.Refine(points, count, length, k, centroids, iterations, subspaceSeed, maxThreads);
                centroids.CopyTo(codebooks, k * start);
            }
        }

        return codebooks;
    }

    /// <summary>
    /// Non-parametric OPQ: alternately fits codebooks to the rotated samples and the rotation R to
    /// the reconstructions (orthogonal Procrustes: R minimises ‖X·R − Y‖ for the samples X and their
    /// reconstructions Y). It starts from plain PQ on the OPQ samples, and each step can only lower
    /// the error of the one before (Lloyd from warm codebooks, Procrustes exactly), up to rounding
    /// and empty-cluster splits. A final check makes the guarantee exact: when the rotation did not
    /// lower the error on the OPQ samples, plain PQ is returned instead.
    /// </summary>
    private static ProductQuantizer TrainOpq(
        ReadOnlySpan<float> data, int count, int dimension, int subspaces, int[] offsets, int k, int seed, int maxThreads)
    {
        var n = Math.Min(count, OpqMaxSamples);
        var x = SelectSamples(data, count, dimension, n, seed);
        var plainCodebooks = TrainCodebooks(x, n, dimension, offsets, k, TrainingIterations, null, seed, maxThreads);
        var codebooks = plainCodebooks;
        var plainError = 0d;
        var rotated = x;
        float[]? rotation = null;
        double[]? right = null;
        for (var outer = 0; outer < OpqOuterIterations; outer++)
        {
            var current = new ProductQuantizer(dimension, subspaces, k, codebooks, null);
            var reconstructed = current.ReconstructAll(rotated, n, maxThreads);
            if (outer == 0)
            {
                plainError = SquaredError(x, reconstructed);
            }

            var cross = CrossProduct(x, reconstructed, n, dimension, maxThreads);

            // Successive cross products are close, so each SVD starts from the last one's V.
            var nextRight = new double[dimension * dimension];
            var r = Orthogonal.Procrustes(cross, dimension, right, nextRight);
            right = nextRight;

            // X·R as a left multiplication: rotated = P · x with P = Rᵀ.
            rotation = new float[dimension * dimension];
            for (var i = 0; i < dimension; i++)
            {
                for (var c = 0; c < dimension; c++)
                {
                    rotation[(i * dimension) + c] = (float)r[(c * dimension) + i];
                }
            }

            rotated = RotateAll(x, n, dimension, rotation, maxThreads);
            codebooks = TrainCodebooks(rotated, n, dimension, offsets, k, OpqInnerIterations, codebooks, seed, maxThreads);
        }

        // Finish the codebooks on every sample, from where OPQ left them.
        var all = n == count ? rotated : RotateAll(data.ToArray(), count, dimension, rotation!, maxThreads);
        codebooks = TrainCodebooks(all, count, dimension, offsets, k, TrainingIterations, codebooks, seed, maxThreads);
        var result = new ProductQuantizer(dimension, subspaces, k, codebooks, rotation);

        // Rotation keeps distances, so errors in the rotated space compare with plain PQ's.
        if (SquaredError(rotated, result.ReconstructAll(rotated, n, maxThreads)) <= plainError)
        {
            return result;
        }

        // The plain codebooks are exactly what plain training gives when every sample was used.
        var fallback = n == count
            ? plainCodebooks
            : TrainCodebooks(data, count, dimension, offsets, k, TrainingIterations, null, seed, maxThreads);
        return new ProductQuantizer(dimension, subspaces, k, fallback, null);
    }

    /// <summary>Σ (aᵢ − bᵢ)² in double, in index order.</summary>
    private static double SquaredError(float[] a, float[] b)
    {
        var sum = 0d;
        for (var i = 0; i < a.Length; i++)
        {
            var e = (double)a[i] - b[i];
            sum += e * e;
        }

        return sum;
    }

    /// <summary>All samples in order when n == count, else n of them chosen by a seeded shuffle, kept in order.</summary>
    private static float[] SelectSamples(ReadOnlySpan<float> data, int count, int dimension, int n, int seed)
    {
        if (n == count)
        {
            return data.ToArray();
        }

        var indices = new int[count];
        for (var i = 0; i < count; i++)
        {
            indices[i] = i;
        }

        var random = new Random(unchecked(seed ^ 0x4F5051));
        for (var i = 0; i < n; i++)
        {
            var j = random.Next(i, count);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        Array.Sort(indices, 0, n);
        var selected = new float[n * dimension];
        for (var i = 0; i < n; i++)
        {
            data.Slice(indices[i] * dimension, dimension).CopyTo(selected.AsSpan(i * dimension, dimension));
        }

        return selected;
    }

    /// <summary>decode(encode(v)) for every row of <paramref name="vectors"/>, in this quantizer's (rotated) space.</summary>
    private float[] ReconstructAll(float[] vectors, int n, int maxThreads)
    {
        var result = new float[n * Dimension];
        KMeans.ForChunks(n, maxThreads, 64, (_, start, end) =>
        {
            Span<byte> code = Subspaces <= MaxStackFloats ? stackalloc byte[Subspaces] : new byte[Subspaces];
            for (var i = start; i < end; i++)
            {
                EncodeRotated(vectors.AsSpan(i * Dimension, Dimension), code);
                DecodeRotated(code, result.AsSpan(i * Dimension, Dimension));
            }

            return 0;
        });
        return result;
    }

    /// <summary>P · v for every row v of <paramref name="vectors"/>.</summary>
    private static float[] RotateAll(float[] vectors, int n, int dimension, float[] rotation, int maxThreads)
    {
        const int Block = 8;
        var result = new float[n * dimension];
        KMeans.ForChunks(n, maxThreads, 16, (_, start, end) =>
        {
            // A block of rows shares each row of P while it is in cache.
            for (var first = start; first < end; first += Block)
            {
                var last = Math.Min(first + Block, end);
                for (var r = 0; r < dimension; r++)
                {
                    var row = rotation.AsSpan(r * dimension, dimension);
                    for (var i = first; i < last; i++)
                    {
                        result[(i * dimension) + r] = CodebookKernels.Dot(row, vectors.AsSpan(i * dimension, dimension));
                    }
                }
            }

            return 0;
        });
        return result;
    }

    /// <summary>Xᵀ · Y in double precision (d × d row-major) for row-major n × d matrices X and Y.</summary>
    private static double[] CrossProduct(float[] x, float[] y, int n, int dimension, int maxThreads)
    {
        // Row r of the result is Σᵢ X[i][r] · Y[i]. Each worker owns a range of rows; a float row
        // accumulates a block of samples (short enough that float rounding stays far below the
        // rotation's needs) and is then added into the double result.
        const int Block = 256;
        var result = new double[dimension * dimension];
        KMeans.ForChunks(dimension, maxThreads, 1, (_, start, end) =>
        {
            var partial = new float[dimension];
            for (var first = 0; first < n; first += Block)
            {
                var last = Math.Min(first + Block, n);
                for (var r = start; r < end; r++)
                {
                    Array.Clear(partial);
                    for (var i = first; i < last; i++)
                    {
                        var weight = x[(i * dimension) + r];
                        if (weight != 0)
                        {
                            CodebookKernels.MultiplyAdd(weight, y.AsSpan(i * dimension, dimension), partial);
                        }
                    }

                    var target = result.AsSpan(r * dimension, dimension);
                    for (var c = 0; c < dimension; c++)
                    {
                        target[c] += partial[c];
                    }
                }
            }

            return 0;
        });
        return result;
    }

    private static uint WriteFloats(Stream stream, float[] values, uint crc)
    {
        Span<byte> buffer = stackalloc byte[4096];
        for (var start = 0; start < values.Length; start += buffer.Length / 4)
        {
            var count = Math.Min(buffer.Length / 4, values.Length - start);
            var chunk = buffer[..(count * 4)];
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(chunk[(i * 4)..], values[start + i]);
            }

            stream.Write(chunk);
            crc = Crc32C.Append(crc, chunk);
        }

        return crc;
    }

    /// <summary>The little-endian floats of <paramref name="bytes"/>, or null if any is not finite.</summary>
    private static float[]? ReadFloats(ReadOnlySpan<byte> bytes)
    {
        var values = new float[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            var value = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
            if (!float.IsFinite(value))
            {
                return null;
            }

            values[i] = value;
        }

        return values;
    }

    private void BuildTable(ReadOnlySpan<float> query, Span<float> table, bool dot)
    {
        CheckDimension(query.Length);
        var k = Centroids;
        if (table.Length != Subspaces * k)
        {
            ThrowHelper.DimensionMismatch(Subspaces * k, table.Length);
        }

        if (_rotation is not null)
        {
            Span<float> rotated = Dimension <= MaxStackFloats ? stackalloc float[Dimension] : new float[Dimension];
            Rotate(query, rotated);
            FillTable(rotated, table, dot);
        }
        else
        {
            FillTable(query, table, dot);
        }
    }

    private void FillTable(ReadOnlySpan<float> query, Span<float> table, bool dot)
    {
        var k = Centroids;
        for (var j = 0; j < Subspaces; j++)
        {
            var start = _offsets[j];
            var length = _offsets[j + 1] - start;
            var books = _transposed.AsSpan(k * start, k * length);
            var part = query.Slice(start, length);
            var row = table.Slice(j * k, k);
            if (dot)
            {
                CodebookKernels.Dots(books, k, part, row);
                for (var c = 0; c < k; c++)
                {
                    row[c] = -row[c];
                }
            }
            else
            {
                CodebookKernels.SquaredDistances(books, k, part, row);
            }
        }
    }

    private void EncodeRotated(ReadOnlySpan<float> rotated, Span<byte> code)
    {
        var k = Centroids;
        Span<float> distances = stackalloc float[MaxCentroids];
        distances = distances[..k];
        for (var j = 0; j < Subspaces; j++)
        {
            var start = _offsets[j];
            var length = _offsets[j + 1] - start;
            CodebookKernels.SquaredDistances(_transposed.AsSpan(k * start, k * length), k, rotated.Slice(start, length), distances);
            code[j] = (byte)CodebookKernels.ArgMin(distances);
        }
    }

    /// <summary>The centroids a code stands for, in the rotated space (no check: the caller passes a valid code and a buffer of the dimension).</summary>
    public void DecodeRotated(ReadOnlySpan<byte> code, Span<float> rotated)
    {
        var k = Centroids;
        for (var j = 0; j < Subspaces; j++)
        {
            var c = code[j];
            if (c >= k)
            {
                ThrowHelper.Throw(
                    VelesDbErrorCode.IndexCorrupted,
                    $"PQ code byte {j} is {c}, but the quantizer has {k} centroids per subspace.");
            }

            var start = _offsets[j];
            var length = _offsets[j + 1] - start;
            _codebooks.AsSpan((k * start) + (c * length), length).CopyTo(rotated.Slice(start, length));
        }
    }

    private void CheckDimension(int length)
    {
        if (length != Dimension)
        {
            ThrowHelper.DimensionMismatch(Dimension, length);
        }
    }

    private void CheckCode(int length)
    {
        if (length != Subspaces)
        {
            ThrowHelper.Throw(
                VelesDbErrorCode.DimensionMismatch,
                $"PQ code length mismatch: expected {Subspaces} bytes (one per subspace), got {length}.");
        }
    }
}
