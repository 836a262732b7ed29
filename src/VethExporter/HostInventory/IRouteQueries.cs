using VethExporter.Netlink;

namespace VethExporter.HostInventory;

/// <summary>
/// What a scan asks rtnetlink through one socket in the scanned namespace: the three dumps and the ids
/// of namespaces. With <see cref="IKernelFacts"/> it is the seam between the inventory and the kernel:
/// <see cref="RouteQueries"/> asks the kernel, a replay of a capture answers in the end-to-end test.
/// Everything else the inventory reads is a file under <see cref="KernelPaths.Procfs"/>.
/// </summary>
internal interface IRouteQueries
{
    List<LinkRecord> DumpLinks();

    List<AddressRecord> DumpAddresses();

    List<QdiscRecord> DumpQdiscs();

    /// <summary>RTM_GETNSID by pid: the id of task <paramref name="tid"/>'s network namespace.</summary>
    NsidAnswer NsidOfTask(int tid);

    /// <summary>
    /// RTM_GETNSID by fd of the namespace file at <paramref name="path"/>, opened as
    /// <see cref="Interop.PosixFile.TryOpenNamespace"/> opens it and kept only if it is the nsfs file
    /// named by <paramref name="nsfsDevice"/> and <paramref name="expectedInode"/>.
    /// </summary>
    /// <returns>The answer, or null when the file could not be opened and verified (<paramref name="openErrno"/> says why).</returns>
    NsidAnswer? NsidOfFile(string path, ulong nsfsDevice, ulong expectedInode, bool throughFdLink, out int openErrno);
}
