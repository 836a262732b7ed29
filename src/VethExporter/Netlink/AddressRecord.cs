namespace VethExporter.Netlink;

/// <summary>One configured address (RTM_NEWADDR): the link it is on, its family, and its raw bytes.</summary>
public sealed record AddressRecord(int Index, byte Family, byte PrefixLength, byte Scope, byte[] Address)
{
    /// <summary>
    /// IPv6 link-local addresses (fe80::/10) appear on every veth that is up; they are the kernel's
    /// doing, not configuration, so they never count as "an address is configured".
    /// </summary>
    public bool IsAutomaticLinkLocal =>
        Family == NetlinkConstants.AfInet6 && Address.Length == 16 && Address[0] == 0xfe && (Address[1] & 0xc0) == 0x80;
}
