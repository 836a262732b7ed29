using VethExporter.HostInventory;
using VethExporter.Netlink;

namespace VethExporter.Tests.Support;

/// <summary>Builds host inventories in memory for classifier tests: links, addresses, qdiscs and holders.</summary>
public sealed class InventoryBuilder
{
    public const ulong HostInode = 4026531840;

    private readonly List<LinkRecord> _links = [];
    private readonly List<AddressRecord> _addresses = [];
    private readonly List<QdiscRecord> _qdiscs = [];
    private readonly List<NamespaceHolders> _namespaces = [];
    private bool _complete = true;
    private int _nextIndex = 10;

    public InventoryBuilder Bridge(string name, string mac = "02:00:00:00:00:01")
    {
        _links.Add(new LinkRecord(_nextIndex++, name, "bridge", null, null, null, OperState.Up, true, mac, false));
        return this;
    }

    public InventoryBuilder Veth(string name, int? netnsId, string? master = null, int peerIndex = 2, bool up = true,
        string? mac = null, bool xdp = false, string kind = "veth")
    {
        int? masterIndex = master is null ? null : _links.Single(l => l.Name == master).Index;
        _links.Add(new LinkRecord(_nextIndex, name, kind, masterIndex, peerIndex, netnsId,
            up ? OperState.Up : OperState.Down, up, mac ?? $"02:00:00:00:01:{_nextIndex:x2}", xdp));
        _nextIndex++;
        return this;
    }

    /// <summary>Both ends in the host namespace, pointing at each other.</summary>
    public InventoryBuilder HostPair(string a, string b, string? masterA = null, string? masterB = null)
    {
        int ia = _nextIndex++, ib = _nextIndex++;
        int? Master(string? m) => m is null ? null : _links.Single(l => l.Name == m).Index;
        _links.Add(new LinkRecord(ia, a, "veth", Master(masterA), ib, null, OperState.Down, false, "02:00:00:00:02:01", false));
        _links.Add(new LinkRecord(ib, b, "veth", Master(masterB), ia, null, OperState.Down, false, "02:00:00:00:02:02", false));
        return this;
    }

    public InventoryBuilder Address(string link, byte[] address, byte family = NetlinkConstants.AfInet)
    {
        _addresses.Add(new AddressRecord(Index(link), family, 24, 0, address));
        return this;
    }

    public InventoryBuilder Qdisc(string link, uint handle, string kind)
    {
        _qdiscs.Add(new QdiscRecord(Index(link), handle, 0xffffffff, kind));
        return this;
    }

    public InventoryBuilder Namespace(int nsid, int[]? pids = null, string[]? pins = null, int[]? fdPids = null, ulong? inode = null)
    {
        ulong id = inode ?? 4026532000UL + (ulong)nsid;
        _namespaces.Add(new NamespaceHolders(
            id,
            nsid,
            (pids ?? []).Select(p => new ProcessHolder(p, p, 'S')).ToList(),
            (pins ?? []).Select(p => new NetnsPin(id, p, 1, p, true)).ToList(),
            (fdPids ?? []).Select(p => new FdHolder(id, p, 3, $"/proc/{p}/fd/3")).ToList()));
        return this;
    }

    public InventoryBuilder Incomplete()
    {
        _complete = false;
        return this;
    }

    public int Index(string link) => _links.Single(l => l.Name == link).Index;

    public HostFacts Build() =>
        new(_links, _addresses, _qdiscs, HostInode, _namespaces, _complete, _complete ? [] : ["test: incomplete"]);
}
