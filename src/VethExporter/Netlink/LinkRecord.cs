namespace VethExporter.Netlink;

/// <summary>
/// What RTM_NEWLINK says about one link, in the namespace the socket lives in.
/// <see cref="PeerIndex"/> (IFLA_LINK) is an ifindex in the peer's namespace, which is the one named by
/// <see cref="LinkNetnsId"/> when that is present: never resolve it in ours unless it is absent.
/// </summary>
public sealed record LinkRecord(
    int Index,
    string Name,
    string? Kind,
    int? MasterIndex,
    int? PeerIndex,
    int? LinkNetnsId,
    OperState OperState,
    bool AdminUp,
    string Mac,
    bool XdpAttached)
{
    public bool IsVeth => Kind == "veth";
}

/// <summary>RFC 2863 operational state (IF_OPER_* in linux/if.h).</summary>
public enum OperState : byte
{
    Unknown = 0,
    NotPresent = 1,
    Down = 2,
    LowerLayerDown = 3,
    Testing = 4,
    Dormant = 5,
    Up = 6,
}
