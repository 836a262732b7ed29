using VethExporter.Netlink;

namespace VethExporter.HostInventory;

/// <summary>Asks the kernel through <paramref name="queries"/> and <paramref name="facts"/> and keeps every answer in <see cref="Answers"/>.</summary>
internal sealed class RecordingKernel(IRouteQueries queries, IKernelFacts facts) : IRouteQueries, IKernelFacts
{
    private readonly Lock _gate = new();

    public KernelAnswers Answers { get; } = new();

    public List<LinkRecord> DumpLinks() => queries.DumpLinks();

    public List<AddressRecord> DumpAddresses() => queries.DumpAddresses();

    public List<QdiscRecord> DumpQdiscs() => queries.DumpQdiscs();

    public NsidAnswer NsidOfTask(int tid)
    {
        var answer = queries.NsidOfTask(tid);
        lock (_gate) Answers.NsidOfTask.TryAdd(tid, answer);
        return answer;
    }

    public NsidAnswer? NsidOfFile(string path, ulong nsfsDevice, ulong expectedInode, bool throughFdLink, out int openErrno)
    {
        var answer = queries.NsidOfFile(path, nsfsDevice, expectedInode, throughFdLink, out openErrno);
        lock (_gate) Answers.NsidOfFile.TryAdd((path, throughFdLink), (openErrno, answer));
        return answer;
    }

    public (ulong Device, ulong Inode) ScannedNetns()
    {
        var scanned = facts.ScannedNetns();
        lock (_gate) Answers.ScannedNetns = scanned;
        return scanned;
    }

    public ulong OwnMountNs()
    {
        ulong inode = facts.OwnMountNs();
        lock (_gate) Answers.OwnMountNs = inode;
        return inode;
    }

    public int StatFdLink(string path, out ulong device, out ulong inode)
    {
        int errno = facts.StatFdLink(path, out device, out inode);
        lock (_gate) Answers.FdLinkStats.TryAdd(path, (errno, device, inode));
        return errno;
    }

    public bool? SharesFileTable(int pid, int tid)
    {
        bool? shared = facts.SharesFileTable(pid, tid);
        lock (_gate) Answers.FileTables.TryAdd((pid, tid), shared);
        return shared;
    }

    public bool HasCapability(int capability)
    {
        bool has = facts.HasCapability(capability);
        lock (_gate) Answers.Capabilities.TryAdd(capability, has);
        return has;
    }
}
