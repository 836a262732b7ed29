using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>What fstat says of the file a path opened to: identity and type, not what the path looks like.</summary>
internal readonly record struct OpenedFileIdentity(ulong Device, ulong Inode, bool IsRegular, bool IsDirectory);

internal static unsafe class OpenedFile
{
    /// <summary>
    /// Opens <paramref name="path"/> read-only (O_NONBLOCK; O_NOFOLLOW unless <paramref name="follow"/>, which
    /// /proc/PID/ns/net needs: it is a magic link) and fstats the open file.
    /// </summary>
    /// <returns>0, or the errno of open or fstat.</returns>
    public static int TryIdentify(string path, bool follow, out OpenedFileIdentity identity)
    {
        identity = default;
        using var handle = PosixFile.TryOpen(path, LibC.O_NONBLOCK | (follow ? 0 : LibC.O_NOFOLLOW), out int errno);
        if (handle is null) return errno;
        stat st;
        if (LibC.fstat(handle.Fd, &st) != 0) return Errno.Last;
        uint type = (uint)(st.st_mode & LibC.S_IFMT);
        identity = new OpenedFileIdentity(st.st_dev, st.st_ino, type == (uint)LibC.S_IFREG, type == (uint)LibC.S_IFDIR);
        return 0;
    }
}
