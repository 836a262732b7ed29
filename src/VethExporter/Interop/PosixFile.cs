using System.Buffers;
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
        int errno = StatPath(path, follow: true, out stat st);
        device = errno == 0 ? st.st_dev : 0;
        inode = errno == 0 ? st.st_ino : 0;
        return errno;
    }

    /// <summary>stat(2), following links: whether <paramref name="path"/> is a unix socket (a runtime's socket path may be a symlink).</summary>
    /// <returns>0, or the errno.</returns>
    public static int StatIsSocket(string path, out bool isSocket)
    {
        int errno = StatPath(path, follow: true, out stat st);
        isSocket = errno == 0 && (uint)(st.st_mode & LibC.S_IFMT) == (uint)LibC.S_IFSOCK;
        return errno;
    }

    /// <summary>lstat(2): the path itself, never what a symlink points to.</summary>
    public static int Lstat(string path, out FileOwnership ownership)
    {
        int errno = StatPath(path, follow: false, out stat st);
        uint type = (uint)(st.st_mode & LibC.S_IFMT);
        ownership = errno != 0 ? default
            : new FileOwnership(type == (uint)LibC.S_IFREG, type == (uint)LibC.S_IFDIR, type == (uint)LibC.S_IFLNK, st.st_uid, (uint)st.st_mode & 0xFFF);
        return errno;
    }

    /// <summary>stat(2) or lstat(2) of a path; 0 or the errno.</summary>
    private static int StatPath(string path, bool follow, out stat st)
    {
        Span<byte> native = stackalloc byte[PathMax];
        st = default;
        if (!TryEncode(path, native)) return Errno.EINVAL;
        fixed (byte* p = native)
        fixed (stat* s = &st)
        {
            return (follow ? LibC.stat(p, s) : LibC.lstat(p, s)) == 0 ? 0 : Errno.Last;
        }
    }

    /// <summary>AT_STATX_DONT_SYNC: answer from what the kernel has, never ask a network filesystem's server.</summary>
    private const int AtStatxDontSync = 0x4000;

    /// <summary>
    /// stat(2) of whatever an fd link (/proc/PID/fd/N) leads to, without waiting on it: a file on a hard
    /// NFS mount whose server is gone must not hang the fd walk. No automount is triggered either.
    /// </summary>
    public static int StatWithoutSync(string path, out ulong device, out ulong inode)
    {
        Span<byte> native = stackalloc byte[PathMax];
        device = inode = 0;
        if (!TryEncode(path, native)) return Errno.EINVAL;
        statx st;
        fixed (byte* p = native)
        {
            if (LibC.statx(LibC.AT_FDCWD, p, AtStatxDontSync | LibC.AT_NO_AUTOMOUNT, LibC.STATX_INO, &st) != 0) return Errno.Last;
        }
        device = MakeDevice(st.stx_dev_major, st.stx_dev_minor);
        inode = st.stx_ino;
        return 0;
    }

    /// <summary>glibc's makedev: the dev_t that stat(2) reports for a major and minor number.</summary>
    private static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);

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
    /// Opens a namespace file we were told about (a pin, another process's fd) without trusting what sits
    /// at the path now: O_NONBLOCK so a FIFO put there cannot hang us, O_NOFOLLOW so a symlink is refused,
    /// and then fstat must show the nsfs device and the inode we expected, else the fd is closed again.
    /// </summary>
    /// <param name="throughFdLink">The path is /proc/PID/fd/N, a link by nature: follow it, and trust only the fstat.</param>
    /// <returns>The open namespace, or null with <paramref name="errno"/> set; ESTALE means "something else is there now".</returns>
    public static FileDescriptorHandle? TryOpenNamespace(string path, ulong nsfsDevice, ulong expectedInode, out int errno, bool throughFdLink = false)
    {
        var handle = TryOpen(path, LibC.O_NONBLOCK | (throughFdLink ? 0 : LibC.O_NOFOLLOW), out errno);
        if (handle is null) return null;
        stat st;
        if (LibC.fstat(handle.Fd, &st) != 0)
        {
            errno = Errno.Last;
            handle.Dispose();
            return null;
        }
        if (st.st_dev != nsfsDevice || st.st_ino != expectedInode)
        {
            errno = Errno.ESTALE;
            handle.Dispose();
            return null;
        }
        return handle;
    }

    /// <summary>
    /// Reads a whole (small, procfs) file. procfs reports size 0, so this reads until EOF instead of
    /// trusting the length. Plain read(2) into a stack buffer first: the scan reads a thousand tiny stat
    /// files, and a FileStream per file cost more than the kernel did.
    /// </summary>
    /// <returns>The file's bytes, or null with <paramref name="errno"/> set (ENOENT, ESRCH: the task is gone).</returns>
    public static byte[]? TryReadAll(string path, out int errno)
    {
        using var handle = TryOpen(path, 0, out errno);
        if (handle is null) return null;
        Span<byte> buffer = stackalloc byte[4096];
        byte[]? rented = null;
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer[..length].CopyTo(larger);
                    if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
                    buffer = rented = larger;
                }
                long n;
                fixed (byte* p = buffer)
                {
                    n = LibC.read(handle.Fd, p + length, (size_t)(buffer.Length - length));
                }
                if (n == 0) break;
                if (n > 0)
                {
                    length += (int)n;
                    continue;
                }
                errno = Errno.Last;
                if (errno != Errno.EINTR) return null;
            }
            errno = 0;
            return buffer[..length].ToArray();
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
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

/// <summary>What lstat says of a path itself: type, owner and permission bits.</summary>
internal readonly record struct FileOwnership(bool IsRegular, bool IsDirectory, bool IsSymlink, uint Uid, uint Mode)
{
    /// <summary>Writable by group or others: anyone but its owner could change it.</summary>
    public bool WritableByOthers => (Mode & 0b000_010_010) != 0;

    public bool Executable => (Mode & 0b001_001_001) != 0;
}
