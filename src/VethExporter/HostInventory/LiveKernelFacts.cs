using VethExporter.Interop;

namespace VethExporter.HostInventory;

/// <summary>The kernel's answers to <see cref="IKernelFacts"/>.</summary>
/// <param name="scannedNetns">The scanned namespace as opened when the sockets were (null: our own).</param>
internal sealed class LiveKernelFacts(NamespaceFile? scannedNetns = null) : IKernelFacts
{
    public (ulong Device, ulong Inode) ScannedNetns()
    {
        // The open namespace, not its path: whatever is bound at the path now, the sockets are in this one.
        if (scannedNetns is not null) return (scannedNetns.Device, scannedNetns.Inode);
        ulong inode = StatOrThrow(KernelPaths.OwnNetns, out ulong device);
        return (device, inode);
    }

    public ulong OwnMountNs() => StatOrThrow(KernelPaths.OwnMountNs, out _);

    public int StatFdLink(string path, out ulong device, out ulong inode) => PosixFile.StatWithoutSync(path, out device, out inode);

    public bool? SharesFileTable(int pid, int tid) => FileTables.Shared(pid, tid);

    public bool HasCapability(int capability) => OwnCapabilities.Has(capability);

    private static ulong StatOrThrow(string path, out ulong device)
    {
        int errno = PosixFile.Stat(path, out device, out ulong inode);
        if (errno != 0) throw new SystemCallException($"stat({path})", errno);
        return inode;
    }
}
