using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>
/// fsync(2) on a directory. A rename is durable only once the directory entry is on disk; .NET has no
/// API for that, so the atomic state-file write ends here.
/// </summary>
internal static class DirectorySync
{
    /// <returns>0, or the errno of the open or the fsync.</returns>
    public static int Fsync(string directory)
    {
        using var handle = PosixFile.TryOpen(directory, LibC.O_DIRECTORY, out int errno);
        if (handle is null) return errno;
        while (LibC.fsync(handle.Fd) != 0)
        {
            errno = Errno.Last;
            if (errno != Errno.EINTR) return errno;
        }
        return 0;
    }
}
