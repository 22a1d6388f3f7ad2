using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VelesDb.AnnBench.Datasets;

/// <summary>
/// TEXMEX <c>.fvecs</c> / <c>.ivecs</c> files (the format of SIFT1M, GIST1M and the ann-benchmarks
/// exports): per row, a little-endian int32 dimension <c>d</c> followed by <c>d</c> little-endian
/// 4-byte values (float32 for fvecs, int32 for ivecs). No header, no checksum. Every row must
/// carry the same dimension.
/// </summary>
/// <remarks>
/// Readers validate before allocating: the file size must be an exact multiple of the row size
/// implied by the first dimension, the element count must fit in an array, and every row's
/// dimension is checked while reading. Writers go through a temporary file and an atomic rename
/// so an interrupted cache write never leaves a half file behind.
/// </remarks>
internal static class VecsFile
{
    /// <summary>Largest dimension accepted (the engine's own limit).</summary>
    public const int MaxDimension = 65_536;

    /// <summary>Reads an .fvecs file into one row-major array.</summary>
    public static (float[] Data, int Rows, int Dimension) ReadFvecs(string path) => Read<float>(path);

    /// <summary>Reads an .ivecs file into one row-major array.</summary>
    public static (int[] Data, int Rows, int Dimension) ReadIvecs(string path) => Read<int>(path);

    /// <summary>Writes <paramref name="rows"/> × <paramref name="dimension"/> floats as .fvecs.</summary>
    public static void WriteFvecs(string path, ReadOnlySpan<float> data, int rows, int dimension) =>
        Write(path, data, rows, dimension);

    /// <summary>Writes <paramref name="rows"/> × <paramref name="dimension"/> ints as .ivecs.</summary>
    public static void WriteIvecs(string path, ReadOnlySpan<int> data, int rows, int dimension) =>
        Write(path, data, rows, dimension);

    private static (T[] Data, int Rows, int Dimension) Read<T>(string path)
        where T : unmanaged
    {
        EnsureLittleEndian();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var length = stream.Length;
        if (length < 4)
        {
            throw new InvalidDataException($"{path}: {length} bytes is too short for a vecs file.");
        }

        Span<byte> word = stackalloc byte[4];
        stream.ReadExactly(word);
        var dimension = BinaryPrimitives.ReadInt32LittleEndian(word);
        if (dimension is <= 0 or > MaxDimension)
        {
            throw new InvalidDataException($"{path}: first row declares dimension {dimension}, expected 1..{MaxDimension}.");
        }

        var rowBytes = 4L + (4L * dimension);
        if (length % rowBytes != 0)
        {
            throw new InvalidDataException($"{path}: size {length} is not a multiple of the row size {rowBytes} (dimension {dimension}).");
        }

        var rows = length / rowBytes;
        if (rows * dimension > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: {rows} rows of dimension {dimension} do not fit in one array.");
        }

        var data = new T[rows * dimension];
        var bytes = MemoryMarshal.AsBytes(data.AsSpan());
        stream.Position = 0;
        for (var r = 0L; r < rows; r++)
        {
            stream.ReadExactly(word);
            var d = BinaryPrimitives.ReadInt32LittleEndian(word);
            if (d != dimension)
            {
                throw new InvalidDataException($"{path}: row {r} declares dimension {d}, the first row {dimension}.");
            }

            stream.ReadExactly(bytes.Slice((int)(r * dimension * 4), dimension * 4));
        }

        return (data, (int)rows, dimension);
    }

    private static void Write<T>(string path, ReadOnlySpan<T> data, int rows, int dimension)
        where T : unmanaged
    {
        EnsureLittleEndian();
        if (dimension is <= 0 or > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"Dimension must be 1..{MaxDimension}.");
        }

        if ((long)rows * dimension != data.Length)
        {
            throw new ArgumentException($"{data.Length} values are not {rows} rows of dimension {dimension}.", nameof(data));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> word = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(word, dimension);
            var bytes = MemoryMarshal.AsBytes(data);
            for (var r = 0; r < rows; r++)
            {
                stream.Write(word);
                stream.Write(bytes.Slice(r * dimension * 4, dimension * 4));
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("vecs files are little-endian and this reader maps them directly.");
        }
    }
}
