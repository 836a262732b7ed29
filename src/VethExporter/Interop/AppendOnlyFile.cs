using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>Opens a log file for appending without following a symlink at its path, owner-only (0600).</summary>
internal static unsafe class AppendOnlyFile
{
    private const int OwnerReadWrite = 0x180; // 0600

    /// <exception cref="IOException">The file cannot be opened (a symlink there, no such directory, denied).</exception>
    public static FileStream Open(string path)
    {
        var native = Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* p = native)
        {
            do
            {
                fd = LibC.open(p, LibC.O_WRONLY | LibC.O_APPEND | LibC.O_CREAT | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, OwnerReadWrite);
            }
            while (fd < 0 && Errno.Last == Errno.EINTR);
        }
        if (fd < 0)
        {
            int errno = Errno.Last;
            string why = errno == Errno.ELOOP ? "it is a symbolic link" : Errno.Describe(errno);
            throw new IOException($"cannot open {path} for appending: {why}");
        }
        // An older file may have been created 0644: what it records is nobody else's business.
        if (LibC.fchmod(fd, OwnerReadWrite) != 0)
        {
            int errno = Errno.Last;
            _ = LibC.close(fd);
            throw new IOException($"cannot make {path} 0600: {Errno.Describe(errno)}");
        }
        return new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, bufferSize: 0);
    }
}
