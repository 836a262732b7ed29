using VethExporter.Interop;
using VethExporter.Netlink;

namespace VethExporter.HostInventory;

/// <summary>The kernel's answers to <see cref="IRouteQueries"/>, through one rtnetlink socket.</summary>
internal sealed class RouteQueries(RouteNetlinkClient client) : IRouteQueries
{
    public List<LinkRecord> DumpLinks() => client.DumpLinks();

    public List<AddressRecord> DumpAddresses() => client.DumpAddresses();

    public List<QdiscRecord> DumpQdiscs() => client.DumpQdiscs();

    public NsidAnswer NsidOfTask(int tid) => client.GetNsidByPid(tid);

    public NsidAnswer? NsidOfFile(string path, ulong nsfsDevice, ulong expectedInode, bool throughFdLink, out int openErrno)
    {
        using var handle = PosixFile.TryOpenNamespace(path, nsfsDevice, expectedInode, out openErrno, throughFdLink);
        return handle is null ? null : client.GetNsidByFd(handle.Fd);
    }
}
