using VethExporter.Cni;
using VethExporter.Firewall;
using VethExporter.Netlink;
using VethExporter.Runtime;

namespace VethExporter.Classification;

/// <summary>
/// The judgement of one CNI attachment: a libcni cache entry (or leases and chains no entry explains)
/// joined to the kernel facts.
/// </summary>
/// <param name="Cache">The cache entry; null for leases and chains that no entry names.</param>
/// <param name="NetnsInode">The namespace it is attached to, when one is alive and known.</param>
/// <param name="HostInterface">The host-side veth of the cached result, found by name and MAC.</param>
/// <param name="InterfaceVerdict">That veth's own verdict.</param>
/// <param name="IpRules">The firewall plugin's rules for its addresses (in its shared chain, naming only the IP).</param>
/// <param name="IfbDevices">The bandwidth plugin's ifb devices of this attachment that exist now.</param>
/// <param name="Blockers">For leaked attachments only: every reason cni_del may not run; empty otherwise.</param>
public sealed record AttachmentVerdict(
    CniAttachmentKey Key,
    string State,
    string Reason,
    CniCacheEntry? Cache,
    string? Netns,
    ulong? NetnsInode,
    LinkRecord? HostInterface,
    VethVerdict? InterfaceVerdict,
    IReadOnlyList<string> Ips,
    IReadOnlyList<HostLocalLease> Leases,
    IReadOnlyList<CniFirewallChain> Chains,
    IReadOnlyList<CniFirewallIpRule> IpRules,
    IReadOnlyList<LinkRecord> IfbDevices,
    IReadOnlyList<string> Blockers)
{
    public bool IsLeaked => State == AttachmentStates.Leaked;

    public bool Deletable => IsLeaked && Blockers.Count == 0;

    /// <summary>The runtime sandbox that claims it (by namespace or container id), if any (ARCHITECTURE §7).</summary>
    public RuntimeSandbox? Runtime { get; init; }

    /// <summary>More than one sandbox claims its namespace: no one of them may clean it.</summary>
    public bool RuntimeShared { get; init; }

    /// <summary>Leaked, and <see cref="Runtime"/> still owns it (its blockers name runtime_owned): the runtime's to clean.</summary>
    public bool RuntimeOwned { get; init; }

    /// <summary>The namespace is alive and held by its pin only: the pin is part of the leak.</summary>
    public bool PinLeaked => IsLeaked && Reason == AttachmentReasons.PinnedNoProcess;
}
