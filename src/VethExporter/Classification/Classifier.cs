using VethExporter.HostInventory;
using VethExporter.Netlink;

namespace VethExporter.Classification;

/// <summary>
/// Decides, for every veth-kind link of the scanned namespace, whether it is in use, an orphan or in
/// transition, from who holds its peer's namespace (ARCHITECTURE §2). Pure: the same inventory always
/// gives the same verdicts. Names, prefixes and operstate play no part.
/// </summary>
public static class Classifier
{
    /// <param name="peerDyingFor">How long each link (by ifindex) has had a peer namespace in teardown, from history.</param>
    public static List<VethVerdict> Classify(
        HostFacts inventory,
        ClassificationPolicy policy,
        IReadOnlyDictionary<int, TimeSpan>? peerDyingFor = null)
    {
        var linksByIndex = inventory.Links.ToDictionary(l => l.Index);
        var namespacesByNsid = ByNsid(inventory.Namespaces);
        var addressed = AddressedLinks(inventory.Addresses);

        var verdicts = new List<VethVerdict>();
        foreach (var link in inventory.Links)
        {
            if (!link.IsVeth) continue;
            string? bridge = link.MasterIndex is int m && linksByIndex.TryGetValue(m, out var master) ? master.Name : null;
            var (state, reason, peer) = link.LinkNetnsId switch
            {
                null => ClassifyHostPair(link, linksByIndex, addressed, inventory.ScannedNetnsInode),
                < 0 => ClassifyDyingPeer(link, policy, peerDyingFor),
                int nsid => ClassifyByHolders(link, nsid, namespacesByNsid.GetValueOrDefault(nsid)),
            };
            verdicts.Add(new VethVerdict(link, bridge, state, reason, peer, []));
        }
        return verdicts;
    }

    /// <summary>
    /// Indexes the namespaces by id. Two namespaces claiming one id means one view is wrong: their holders
    /// are pooled (any process or fd among them keeps the veth in use) and the identity is dropped, so no
    /// pin of either can be released on the strength of it. The collector reports it as a blind spot.
    /// </summary>
    internal static Dictionary<int, NamespaceHolders> ByNsid(IEnumerable<NamespaceHolders> namespaces) => namespaces
        .Where(n => n.Nsid is not null)
        .GroupBy(n => n.Nsid!.Value)
        .ToDictionary(g => g.Key, g => g.Skip(1).Any()
            ? new NamespaceHolders(null, g.Key, [.. g.SelectMany(n => n.Processes)], [.. g.SelectMany(n => n.Pins)], [.. g.SelectMany(n => n.Fds)])
            : g.First());

    /// <summary>Links carrying an address that someone configured (IPv6 link-local ones are automatic).</summary>
    public static HashSet<int> AddressedLinks(IEnumerable<AddressRecord> addresses) =>
        addresses.Where(a => !a.IsAutomaticLinkLocal).Select(a => a.Index).ToHashSet();

    private static (string, string, PeerHolders) ClassifyByHolders(LinkRecord link, int nsid, NamespaceHolders? holders)
    {
        if (holders is null)
            return (VethStates.Orphan, Reasons.NoVisibleHolder, PeerHolders.Unheld(link.PeerIndex, nsid, null));

        var peer = new PeerHolders(
            link.PeerIndex,
            nsid,
            holders.Inode,
            holders.Processes.Select(p => p.Pid).ToList(),
            holders.Pins.Select(p => p.MountPoint).Distinct().ToList(),
            holders.Fds.Select(f => f.Pid).Distinct().ToList());

        if (peer.Processes.Count > 0) return (VethStates.InUse, Reasons.Process, peer);
        if (peer.Fds.Count > 0) return (VethStates.InUse, Reasons.Fd, peer);
        if (peer.Mounts.Count > 0) return (VethStates.Orphan, Reasons.PinnedNoProcess, peer);
        return (VethStates.Orphan, Reasons.NoVisibleHolder, peer);
    }

    /// <summary>
    /// IFLA_LINK_NETNSID is -1 when the peer's namespace has no id any more: it is being torn down, and
    /// the kernel will delete both ends shortly. Only if that lasts is something stuck.
    /// </summary>
    private static (string, string, PeerHolders) ClassifyDyingPeer(
        LinkRecord link, ClassificationPolicy policy, IReadOnlyDictionary<int, TimeSpan>? peerDyingFor)
    {
        var peer = PeerHolders.Unheld(link.PeerIndex, link.LinkNetnsId, null);
        bool stuck = peerDyingFor is not null && peerDyingFor.TryGetValue(link.Index, out var dying) && dying >= policy.PeerDyingGrace;
        return stuck
            ? (VethStates.Orphan, Reasons.PeerNetnsStuck, peer)
            : (VethStates.Transient, Reasons.PeerNetnsDying, peer);
    }

    /// <summary>
    /// Both ends are in the scanned namespace. A pair someone wired up on purpose carries an address on
    /// either end or has both ends enslaved; otherwise a CNI ADD died before moving the peer away. A peer
    /// that does not point back is doubt, and doubt is never an orphan.
    /// </summary>
    private static (string, string, PeerHolders) ClassifyHostPair(
        LinkRecord link, Dictionary<int, LinkRecord> linksByIndex, HashSet<int> addressed, ulong hostInode)
    {
        var peer = PeerHolders.Unheld(link.PeerIndex, null, hostInode);
        if (link.PeerIndex is not int peerIndex || !linksByIndex.TryGetValue(peerIndex, out var other) || other.PeerIndex != link.Index)
            return (VethStates.InUse, Reasons.HostPlumbing, peer);

        bool deliberate = addressed.Contains(link.Index) || addressed.Contains(other.Index)
            || (link.MasterIndex is not null && other.MasterIndex is not null);
        return deliberate
            ? (VethStates.InUse, Reasons.HostPlumbing, peer)
            : (VethStates.Orphan, Reasons.HalfCreated, peer);
    }
}
