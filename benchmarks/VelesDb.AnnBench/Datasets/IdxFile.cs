using System.Buffers.Binary;
using System.IO.Compression;

namespace VelesDb.AnnBench.Datasets;

/// <summary>
/// Reader for the (gzip-compressed) IDX image files of MNIST / Fashion-MNIST:
/// big-endian int32 magic <c>0x00000803</c> (unsigned bytes, 3 dimensions), then big-endian int32
/// item count, rows and columns, then count × rows × columns pixel bytes.
/// </summary>
/// <remarks>
/// Lengths are validated before allocating: the gzip trailer's ISIZE (uncompressed size modulo
/// 2^32) must equal the size the header implies, and after the pixels the stream must be at its
/// end.
/// </remarks>
internal static class IdxFile
{
    private const int ImageMagic = 0x00000803;
    private const int HeaderBytes = 16;

    /// <summary>Reads the images as floats 0..255 (the ann-benchmarks convention), one row per image.</summary>
    public static (float[] Data, int Rows, int Dimension) ReadImages(string gzipPath)
    {
        var declaredSize = ReadGzipIsize(gzipPath);
        using var file = new FileStream(gzipPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var stream = new BufferedStream(gzip, 1 << 20);
        Span<byte> header = stackalloc byte[HeaderBytes];
        stream.ReadExactly(header);
        var magic = BinaryPrimitives.ReadInt32BigEndian(header);
        var count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        var rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        var columns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (magic != ImageMagic)
        {
            throw new InvalidDataException($"{gzipPath}: magic 0x{magic:x8} is not an IDX ubyte image file (0x{ImageMagic:x8}).");
        }

        if (count <= 0 || rows <= 0 || columns <= 0 || rows > 4096 || columns > 4096)
        {
            throw new InvalidDataException($"{gzipPath}: implausible shape {count} × {rows} × {columns}.");
        }

        var dimension = rows * columns;
        var pixels = (long)count * dimension;
        if (pixels > Array.MaxLength || ((HeaderBytes + pixels) & 0xFFFF_FFFF) != declaredSize)
        {
            throw new InvalidDataException($"{gzipPath}: header implies {HeaderBytes + pixels} bytes but the gzip trailer says {declaredSize} (mod 2^32).");
        }

        var data = new float[pixels];
        var row = new byte[dimension];
        for (var i = 0; i < count; i++)
        {
            stream.ReadExactly(row);
            var target = data.AsSpan(i * dimension, dimension);
            for (var j = 0; j < dimension; j++)
            {
                target[j] = row[j];
            }
        }

        if (stream.ReadByte() != -1)
        {
            throw new InvalidDataException($"{gzipPath}: trailing bytes after {count} images.");
        }

        return (data, count, dimension);
    }

    private static uint ReadGzipIsize(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (file.Length < 18)
        {
            throw new InvalidDataException($"{path}: {file.Length} bytes is too short for a gzip file.");
        }

        Span<byte> trailer = stackalloc byte[4];
        file.Position = file.Length - 4;
        file.ReadExactly(trailer);
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }
}
