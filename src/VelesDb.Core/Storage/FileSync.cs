using System.Runtime.InteropServices;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Storage;

/// <summary>
/// Durability primitives the BCL lacks: fsync of a directory (so a rename or a new file survives a
/// power loss) and the atomic replace sequence built on it.
/// </summary>
internal static partial class FileSync
{
    private const int ReadOnlyFlag = 0; // O_RDONLY
    private const int DirectoryFlag = 0x10000; // O_DIRECTORY on Linux x64/arm64

    /// <summary>Makes the directory entry changes (create, rename, delete) in <paramref name="directory"/> durable.</summary>
    public static void FsyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            // NTFS journals metadata; there is no directory handle to flush.
            return;
        }

        var fd = Open(directory, ReadOnlyFlag | (OperatingSystem.IsLinux() ? DirectoryFlag : 0));
        if (fd < 0)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Io, $"Cannot open directory '{directory}' for fsync (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                ThrowHelper.Throw(VelesDbErrorCode.Storage, $"fsync of directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/> so that after a crash the
    /// file holds either the old or the new bytes, never a mix: write a temp file, fsync it, rename
    /// it over the target, fsync the directory.
    /// </summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> content)
    {
        var tmp = path + ".tmp";
        using (var handle = File.OpenHandle(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, content, 0);
            RandomAccess.FlushToDisk(handle);
        }

        File.Move(tmp, path, overwrite: true);
        FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// The atomic replace of <see cref="WriteAtomic(string, ReadOnlySpan{byte})"/> for content too
    /// large to hold in one buffer: <paramref name="write"/> streams it into the temp file.
    /// </summary>
    public static void WriteAtomic(string path, Action<Stream> write)
    {
        var tmp = path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
        FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>fsync of an open file.</summary>
    public static void Fsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        try
        {
            RandomAccess.FlushToDisk(handle);
        }
        catch (IOException ex)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Storage, "fsync failed: " + ex.Message, ex);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
