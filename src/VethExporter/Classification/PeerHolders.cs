namespace VethExporter.Classification;

/// <summary>The other end of a veth and who holds its namespace.</summary>
/// <param name="Index">IFLA_LINK: the peer's ifindex in the peer's own namespace.</param>
/// <param name="NetnsId">The peer namespace's id in the scanned namespace; null when the peer is in the scanned namespace itself.</param>
/// <param name="NetnsInode">The peer namespace's inode, when something visible holds it.</param>
public sealed record PeerHolders(
    int? Index,
    int? NetnsId,
    ulong? NetnsInode,
    IReadOnlyList<int> Processes,
    IReadOnlyList<string> Mounts,
    IReadOnlyList<int> Fds)
{
    public static PeerHolders Unheld(int? index, int? netnsId, ulong? inode) => new(index, netnsId, inode, [], [], []);
}
