namespace VethExporter.HostInventory;

/// <summary>
/// The facts of a scan that are not files under <see cref="KernelPaths.Procfs"/>: the namespaces we
/// scan from, the stat of fd links (nsfs files, which a fixture tree cannot hold), fd table sharing
/// (kcmp) and our own capabilities. <see cref="LiveKernelFacts"/> asks the kernel; see <see cref="IRouteQueries"/>.
/// </summary>
internal interface IKernelFacts
{
    /// <summary>The nsfs device and inode of the scanned network namespace.</summary>
    (ulong Device, ulong Inode) ScannedNetns();

    /// <summary>The inode of our own mount namespace.</summary>
    ulong OwnMountNs();

    /// <summary>stat(2) of an fd link, never waiting on a remote file system; 0 or the errno.</summary>
    int StatFdLink(string path, out ulong device, out ulong inode);

    /// <summary>Whether thread <paramref name="tid"/> shares process <paramref name="pid"/>'s fd table; null when unknown.</summary>
    bool? SharesFileTable(int pid, int tid);

    bool HasCapability(int capability);
}
