using VethExporter.Netlink;
using VethExporter.Runtime;

namespace VethExporter.Classification;

/// <summary>The classification of one host-side veth.</summary>
/// <param name="Bridge">Name of its master device (any kind), or null when it has none.</param>
/// <param name="Blockers">For orphans only: every reason it may not be deleted; empty otherwise.</param>
public sealed record VethVerdict(
    LinkRecord Link,
    string? Bridge,
    string State,
    string Reason,
    PeerHolders Peer,
    IReadOnlyList<string> Blockers)
{
    public bool IsOrphan => State == VethStates.Orphan;

    public bool Deletable => IsOrphan && Blockers.Count == 0;

    /// <summary>The runtime sandbox that claims the peer's namespace, if any (ARCHITECTURE §7).</summary>
    public RuntimeSandbox? Runtime { get; init; }

    /// <summary>More than one sandbox claims the peer's namespace (a podman pod's containers): no one of them may clean it.</summary>
    public bool RuntimeShared { get; init; }
}
