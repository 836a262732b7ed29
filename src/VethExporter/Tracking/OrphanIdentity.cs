using VethExporter.Classification;

namespace VethExporter.Tracking;

/// <summary>
/// What makes an orphan the same orphan from one scan to the next. The kernel reuses ifindexes and
/// CNI plugins reuse names, so neither alone is enough: a link whose ifindex, name, MAC or peer
/// namespace inode changed is a different interface, with its own first-seen time and its own
/// detection (ARCHITECTURE §3, unstable_identity).
/// </summary>
/// <param name="PeerNetnsInode">The peer namespace's inode; null when nothing visible holds it.</param>
public readonly record struct OrphanIdentity(int Ifindex, string Name, string Mac, ulong? PeerNetnsInode)
{
    public static OrphanIdentity Of(VethVerdict verdict) =>
        new(verdict.Link.Index, verdict.Link.Name, verdict.Link.Mac, verdict.Peer.NetnsInode);

    public override string ToString() =>
        $"{Name} (ifindex {Ifindex}, mac {Mac}, peer netns {(PeerNetnsInode is ulong inode ? inode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")})";
}
