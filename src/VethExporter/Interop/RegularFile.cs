using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>What <see cref="RegularFile.TryRead"/> found at a path.</summary>
internal enum RegularFileStatus
{
    Read,

    /// <summary>open(2) failed: see the errno.</summary>
    OpenFailed,

    /// <summary>Not a regular file (a FIFO, a device, a directory): never read, nothing can hang on it.</summary>
    NotRegular,

    /// <summary>Larger than the cap: abandoned as soon as that was known.</summary>
    TooLarge,

    /// <summary>read(2) failed: see the errno.</summary>
    ReadFailed,
}

/// <param name="Modified">st_mtime of what was opened, in Unix seconds (fractional).</param>
internal readonly record struct RegularFileRead(RegularFileStatus Status, byte[]? Bytes, int Errno, double Modified);

/// <summary>Reads small files from directories other programs write (libcni's cache, host-local's leases).</summary>
internal static unsafe class RegularFile
{
    /// <summary>
    /// Reads a whole regular file of at most <paramref name="cap"/> bytes. O_NOFOLLOW (a symbolic link is
    /// refused, ELOOP) and O_NONBLOCK (a FIFO put there cannot hang the open); fstat on the open file
    /// decides whether it is regular and how large, and the read stops at the cap whatever the size said.
    /// </summary>
    public static RegularFileRead TryRead(string path, int cap)
    {
        using var handle = PosixFile.TryOpen(path, LibC.O_NOFOLLOW | LibC.O_NONBLOCK, out int errno);
        if (handle is null) return new RegularFileRead(RegularFileStatus.OpenFailed, null, errno, 0);
        stat st;
        if (LibC.fstat(handle.Fd, &st) != 0) return new RegularFileRead(RegularFileStatus.ReadFailed, null, Interop.Errno.Last, 0);
        double modified = st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
        if ((st.st_mode & LibC.S_IFMT) != LibC.S_IFREG) return new RegularFileRead(RegularFileStatus.NotRegular, null, 0, modified);
        if (st.st_size > cap) return new RegularFileRead(RegularFileStatus.TooLarge, null, 0, modified);

        var buffer = new byte[Math.Min(cap, Math.Max((int)st.st_size, 0)) + 1];
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > cap) return new RegularFileRead(RegularFileStatus.TooLarge, null, 0, modified);
                Array.Resize(ref buffer, Math.Min(cap + 1, buffer.Length * 2));
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
                if (length > cap) return new RegularFileRead(RegularFileStatus.TooLarge, null, 0, modified);
                continue;
            }
            int e = Interop.Errno.Last;
            if (e != Interop.Errno.EINTR) return new RegularFileRead(RegularFileStatus.ReadFailed, null, e, modified);
        }
        return new RegularFileRead(RegularFileStatus.Read, buffer.AsSpan(0, length).ToArray(), 0, modified);
    }
}
