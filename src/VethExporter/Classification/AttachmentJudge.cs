using VethExporter.Cni;
using VethExporter.Firewall;
using VethExporter.HostInventory;
using VethExporter.Netlink;

namespace VethExporter.Classification;

/// <summary>
/// Joins the CNI facts to the kernel's (ARCHITECTURE §6) and judges every attachment: pure, like the
/// classifier. The kernel decides; the cache only names what belongs together. Anything that does not
/// add up is <see cref="AttachmentStates.Unknown"/>, never leaked.
/// </summary>
public static class AttachmentJudge
{
    /// <summary>Blockers of a host veth that stay blockers for cni_del: the bridge port, qdiscs and addresses are the plugins' own.</summary>
    private static readonly HashSet<string> KeptVethBlockers =
        [Blockers.HostViewIncomplete, Blockers.Xdp, Blockers.Firewall, Blockers.Protected];

    /// <param name="verdicts">The interface verdicts of the same scan, with their static blockers.</param>
    /// <param name="firewall">What CNI plugins made in the scanned namespace's firewall, from the scan's listings.</param>
    /// <param name="firewallComplete">Every listing could be read: otherwise a container's chains may be missing.</param>
    public static List<AttachmentVerdict> Judge(CniInventory cni, CniListingFacts firewall, bool firewallComplete,
        HostFacts inventory, IReadOnlyList<VethVerdict> verdicts)
    {
        var linksByName = new Dictionary<string, LinkRecord>(StringComparer.Ordinal);
        foreach (var link in inventory.Links) linksByName.TryAdd(link.Name, link);
        var linksByIndex = inventory.Links.ToDictionary(l => l.Index);
        var verdictsByIndex = verdicts.ToDictionary(v => v.Link.Index);
        var namespacesByInode = inventory.Namespaces.Where(n => n.Inode is not null).ToDictionary(n => n.Inode!.Value);
        var leasesBy = cni.Leases.ToLookup(l => (l.Network, l.ContainerId));
        // A listing without comments (nft's view of iptables-nft) names the owner only by the chain's hashed name.
        var chainsBy = firewall.Chains.Where(c => c.Network is not null && c.ContainerId is not null).ToLookup(c => (c.Network!, c.ContainerId!));
        var chainsByName = firewall.Chains.Where(c => c.Network is null).ToLookup(c => c.Chain, StringComparer.Ordinal);
        var ipRulesBy = firewall.IpRules.ToLookup(r => r.Address);
        var usedLeases = new HashSet<HostLocalLease>(ReferenceEqualityComparer.Instance);
        var usedChains = new HashSet<CniFirewallChain>(ReferenceEqualityComparer.Instance);

        var judged = new List<AttachmentVerdict>();
        foreach (var entry in cni.Entries)
        {
            var cachedIps = entry.Result.Ips.Select(ip => AddressOf(ip.Address)).OfType<System.Net.IPAddress>().ToHashSet();
            // An id-only lease (older host-local) names no interface: it is this one's only if it holds one of its IPs.
            var leases = leasesBy[(entry.NetworkName, entry.ContainerId)]
                .Where(l => l.IfName == entry.IfName || (l.IfName is null && cachedIps.Contains(l.Address))).ToList();
            var chains = chainsBy[(entry.NetworkName, entry.ContainerId)]
                .Concat(chainsByName[CniNames.MasqueradeChain(entry.NetworkName, entry.ContainerId)])
                .Concat(chainsByName[CniNames.PortmapDnatChain(entry.NetworkName, entry.ContainerId)])
                .ToList();
            // The firewall plugin's rules name only an IP: they are this attachment's only while its lease still holds that IP.
            var ipRules = leases.SelectMany(l => cachedIps.Contains(l.Address) ? ipRulesBy[l.Address] : []).ToList();
            usedLeases.UnionWith(leases);
            usedChains.UnionWith(chains);

            var hostVeth = HostVeth(entry.Result, linksByName);
            var interfaceVerdict = hostVeth is null ? null : verdictsByIndex.GetValueOrDefault(hostVeth.Index);
            var ifbs = IfbDevices(entry.Result, hostVeth, cni.Redirects, linksByName, linksByIndex);
            var fact = string.IsNullOrEmpty(entry.Netns) ? null : cni.NetnsPaths.GetValueOrDefault(entry.Netns);
            var (state, reason, inode) = Decide(entry, fact, interfaceVerdict, namespacesByInode, linksByName);

            var blockers = new List<string>();
            if (state == AttachmentStates.Leaked)
            {
                if (!inventory.HostViewComplete) blockers.Add(Blockers.HostViewIncomplete);
                if (interfaceVerdict is not null)
                    blockers.AddRange(interfaceVerdict.Blockers.Where(b => KeptVethBlockers.Contains(b) && !blockers.Contains(b)));
                // A listing that could not be read may hide this container's chains: cni_del could not verify them gone.
                if (!firewallComplete && !blockers.Contains(Blockers.Firewall)) blockers.Add(Blockers.Firewall);
            }
            judged.Add(new AttachmentVerdict(entry.Key, state, reason, entry, entry.Netns, inode, hostVeth, interfaceVerdict,
                entry.Result.Ips.Select(ip => ip.Address).ToList(), leases, chains, ipRules, ifbs, blockers));
        }

        // What no cache entry explains: grouped by container, never acted on.
        var strays = cni.Leases.Where(l => !usedLeases.Contains(l)).Select(l => (l.Network, l.ContainerId))
            .Concat(chainsBy.SelectMany(g => g).Where(c => !usedChains.Contains(c)).Select(c => (Network: c.Network!, ContainerId: c.ContainerId!)))
            .Distinct()
            .OrderBy(k => k.Network, StringComparer.Ordinal).ThenBy(k => k.ContainerId, StringComparer.Ordinal);
        foreach (var (network, containerId) in strays)
        {
            var leases = leasesBy[(network, containerId)].Where(l => !usedLeases.Contains(l)).ToList();
            var chains = chainsBy[(network, containerId)].Where(c => !usedChains.Contains(c)).ToList();
            string ifName = leases.Select(l => l.IfName).FirstOrDefault(n => n is not null) ?? "";
            judged.Add(new AttachmentVerdict(new CniAttachmentKey(network, containerId, ifName), AttachmentStates.Unknown,
                AttachmentReasons.NoCacheEntry, null, null, null, null, null,
                leases.Select(l => l.Address.ToString()).ToList(), leases, chains, [], [], []));
        }
        return judged;
    }

    private static (string State, string Reason, ulong? Inode) Decide(CniCacheEntry entry, NetnsPathFact? fact,
        VethVerdict? veth, Dictionary<ulong, NamespaceHolders> namespacesByInode, Dictionary<string, LinkRecord> linksByName)
    {
        if (veth is not null)
        {
            // The veth's peer namespace is the attachment's: the path, if it still reaches one, must agree.
            ulong? peer = veth.Peer.NetnsInode;
            if (fact?.Inode is ulong pathInode && peer is ulong peerInode && pathInode != peerInode)
                return (AttachmentStates.Unknown, AttachmentReasons.NetnsMismatch, null);
            return veth.State switch
            {
                VethStates.InUse => (AttachmentStates.Live, veth.Reason, peer),
                VethStates.Orphan when veth.Reason == Reasons.PinnedNoProcess => (AttachmentStates.Leaked, AttachmentReasons.PinnedNoProcess, peer),
                _ => (AttachmentStates.Unknown, veth.Reason, peer),
            };
        }

        if (fact is null) return (AttachmentStates.Unknown, AttachmentReasons.NoNetns, null);
        if (fact.Doubt is not null) return (AttachmentStates.Unknown, AttachmentReasons.NetnsUnverified, null);
        if (fact.Inode is ulong inode)
        {
            if (!namespacesByInode.TryGetValue(inode, out var view)) return (AttachmentStates.Unknown, Reasons.NoVisibleHolder, inode);
            if (view.Processes.Count > 0) return (AttachmentStates.Live, AttachmentReasons.Process, inode);
            if (view.Fds.Count > 0) return (AttachmentStates.Live, AttachmentReasons.Fd, inode);
            return view.Pins.Count > 0
                ? (AttachmentStates.Leaked, AttachmentReasons.PinnedNoProcess, inode)
                : (AttachmentStates.Unknown, Reasons.NoVisibleHolder, inode);
        }

        // The path reaches no namespace. Only a host interface the result named, now gone, proves the namespace
        // died (a veth dies with its netns); without one a process could still hold it unpinned.
        // A bridge (or an ifb) still there with another MAC proves nothing: bridges change MAC as ports come and
        // go. Gone means no link of that name at all, or a veth of that name that is another one (name reused).
        bool hostEndGone = entry.Result.HostInterfaces.Any(i => !string.IsNullOrEmpty(i.Mac)
            && (!linksByName.TryGetValue(i.Name, out var link) || (link.IsVeth && !SameMac(link.Mac, i.Mac!))));
        return hostEndGone
            ? (AttachmentStates.Leaked, AttachmentReasons.NetnsGone, null)
            : (AttachmentStates.Unknown, AttachmentReasons.NetnsGoneUnconfirmed, null);
    }

    /// <summary>The cached result's host-side veth, if a veth of that name and MAC exists now (a name alone may be reused).</summary>
    private static LinkRecord? HostVeth(CniResult result, Dictionary<string, LinkRecord> linksByName)
    {
        foreach (var candidate in result.HostInterfaces)
        {
            if (string.IsNullOrEmpty(candidate.Mac)) continue;
            if (linksByName.TryGetValue(candidate.Name, out var link) && link.IsVeth && SameMac(link.Mac, candidate.Mac))
                return link;
        }
        return null;
    }

    /// <summary>ifb devices the result names (bandwidth lists its <c>bwp…</c> device) and those the host veth redirects to.</summary>
    private static List<LinkRecord> IfbDevices(CniResult result, LinkRecord? hostVeth, IReadOnlyList<IfbRedirect> redirects,
        Dictionary<string, LinkRecord> linksByName, Dictionary<int, LinkRecord> linksByIndex)
    {
        var found = new List<LinkRecord>();
        foreach (var candidate in result.HostInterfaces)
        {
            if (linksByName.TryGetValue(candidate.Name, out var link) && link.Kind == "ifb"
                && (string.IsNullOrEmpty(candidate.Mac) || SameMac(link.Mac, candidate.Mac)))
                found.Add(link);
        }
        if (hostVeth is not null)
        {
            foreach (var redirect in redirects.Where(r => r.FromIndex == hostVeth.Index))
            {
                if (linksByIndex.TryGetValue(redirect.ToIndex, out var target) && target.Kind == "ifb" && !found.Contains(target))
                    found.Add(target);
            }
        }
        return found;
    }

    /// <summary>The address of a result's CIDR (<c>10.22.0.5/24</c>), host bits and all.</summary>
    private static System.Net.IPAddress? AddressOf(string cidr)
    {
        int slash = cidr.IndexOf('/', StringComparison.Ordinal);
        return System.Net.IPAddress.TryParse(slash < 0 ? cidr : cidr[..slash], out var address) ? address : null;
    }

    private static bool SameMac(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
