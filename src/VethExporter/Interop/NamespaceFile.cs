using Tmds.Linux;

namespace VethExporter.Interop;

/// <summary>
/// The scanned network namespace, opened once. Everything that must happen in that namespace (netlink
/// sockets, firewall listings, /proc/net reads) goes through this open file, never through the path
/// again: a pin can be unmounted or have another namespace bound over it between two uses.
/// </summary>
internal sealed unsafe class NamespaceFile : IDisposable
{
    private readonly FileDescriptorHandle _handle;

    private NamespaceFile(FileDescriptorHandle handle, string path, ulong device, ulong inode)
    {
        _handle = handle;
        Path = path;
        Device = device;
        Inode = inode;
    }

    /// <summary>The path it was opened from, for messages only.</summary>
    public string Path { get; }

    /// <summary>The nsfs device and the namespace's inode, as they were when opened (they cannot change).</summary>
    public ulong Device { get; }

    public ulong Inode { get; }

    public int Fd => _handle.Fd;

    /// <summary>
    /// A path another process can open to reach this very namespace: /proc/OURPID/fd/N is a magic link to
    /// the open file, not a name to look up again. Our own /proc, not <c>--path.procfs</c>: the pid is ours.
    /// </summary>
    public string ProcPath => $"/proc/{Environment.ProcessId}/fd/{Fd}";

    public static NamespaceFile Open(string path)
    {
        // O_NONBLOCK: a FIFO given as --netns must fail at setns, not hang the open.
        var handle = PosixFile.TryOpen(path, LibC.O_NONBLOCK, out int errno) ?? throw new SystemCallException($"open({path})", errno);
        try
        {
            stat st;
            if (LibC.fstat(handle.Fd, &st) != 0) throw new SystemCallException($"fstat({path})", Errno.Last);
            return new NamespaceFile(handle, path, st.st_dev, st.st_ino);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Opens a namespace file only if it is the namespace expected (see <see cref="PosixFile.TryOpenNamespace"/>).</summary>
    /// <param name="follow">The path is a magic link (/proc/PID/ns/net): follow it, and trust only the fstat.</param>
    public static NamespaceFile? TryOpenVerified(string path, ulong nsfsDevice, ulong inode, bool follow = false)
    {
        var handle = PosixFile.TryOpenNamespace(path, nsfsDevice, inode, out _, throughFdLink: follow);
        return handle is null ? null : new NamespaceFile(handle, path, nsfsDevice, inode);
    }

    public void Dispose() => _handle.Dispose();
}
