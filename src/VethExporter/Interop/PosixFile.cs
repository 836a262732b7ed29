using System.Text;
using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>
/// The few file system calls the inventory needs, over UTF-8 paths, returning errno instead of throwing:
/// on /proc a vanished task is a normal outcome, not an exception.
/// </summary>
internal static unsafe class PosixFile
{
    private const int PathMax = 4096;

    /// <summary>Reads a symbolic link (e.g. /proc/PID/ns/net) into <paramref name="target"/>.</summary>
    /// <returns>The number of bytes written, or minus errno.</returns>
    public static int ReadLink(string path, Span<byte> target)
    {
        Span<byte> native = stackalloc byte[PathMax];
        if (!TryEncode(path, native)) return -Errno.EINVAL;
        fixed (byte* p = native)
        fixed (byte* t = target)
        {
            long n = LibC.readlink(p, t, (size_t)target.Length);
            return n < 0 ? -Errno.Last : (int)n;
        }
    }

    /// <summary>stat(2), following links: on an nsfs link this yields the namespace's device and inode.</summary>
    public static int Stat(string path, out ulong device, out ulong inode)
    {
        Span<byte> native = stackalloc byte[PathMax];
        device = inode = 0;
        if (!TryEncode(path, native)) return Errno.EINVAL;
        stat st;
        fixed (byte* p = native)
        {
            if (LibC.stat(p, &st) != 0) return Errno.Last;
        }
        device = st.st_dev;
        inode = st.st_ino;
        return 0;
    }

    /// <summary>Opens a file read-only with O_CLOEXEC.</summary>
    public static FileDescriptorHandle? TryOpen(string path, int extraFlags, out int errno)
    {
        Span<byte> native = stackalloc byte[PathMax];
        errno = 0;
        if (!TryEncode(path, native))
        {
            errno = Errno.EINVAL;
            return null;
        }
        fixed (byte* p = native)
        {
            while (true)
            {
                int fd = LibC.open(p, LibC.O_RDONLY | LibC.O_CLOEXEC | extraFlags, 0);
                if (fd >= 0) return new FileDescriptorHandle(fd);
                errno = Errno.Last;
                if (errno != Errno.EINTR) return null;
            }
        }
    }

    /// <summary>
    /// Reads a whole (small, procfs) file. procfs reports size 0, so this reads until EOF instead of
    /// trusting the length.
    /// </summary>
    public static byte[]? TryReadAll(string path, out int errno)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            var buffer = new MemoryStream();
            stream.CopyTo(buffer, 16 * 1024);
            errno = 0;
            return buffer.ToArray();
        }
        catch (FileNotFoundException)
        {
            errno = Errno.ENOENT;
        }
        catch (DirectoryNotFoundException)
        {
            errno = Errno.ENOENT;
        }
        catch (UnauthorizedAccessException)
        {
            errno = Errno.EACCES;
        }
        catch (IOException e)
        {
            // ESRCH shows up as a plain IOException when the task exits mid-read.
            errno = e.HResult is > 0 and < 4096 ? e.HResult : Errno.ESRCH;
        }
        return null;
    }

    private static bool TryEncode(string path, Span<byte> native)
    {
        if (Encoding.UTF8.GetMaxByteCount(path.Length) >= native.Length
            && Encoding.UTF8.GetByteCount(path) >= native.Length) return false;
        int n = Encoding.UTF8.GetBytes(path, native);
        native[n] = 0;
        return true;
    }
}
