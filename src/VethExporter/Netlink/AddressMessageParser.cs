using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using static VethExporter.Netlink.NetlinkConstants;

namespace VethExporter.Netlink;

/// <summary>Parses the payload of an RTM_NEWADDR message (struct ifaddrmsg + IFA_* attributes).</summary>
internal static class AddressMessageParser
{
    public static bool TryParse(ReadOnlySpan<byte> payload, [NotNullWhen(true)] out AddressRecord? address, out string? error)
    {
        address = null;
        if (payload.Length < IfAddrMsgLength)
        {
            error = $"RTM_NEWADDR payload of {payload.Length} bytes is shorter than ifaddrmsg";
            return false;
        }

        byte family = payload[0];
        byte prefix = payload[1];
        byte scope = payload[3];
        int index = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
        byte[]? local = null, peer = null;

        var attributes = new AttributeReader(payload[IfAddrMsgLength..]);
        while (attributes.TryRead(out ushort type, out var value))
        {
            if (type == IfaLocal) local = value.ToArray();
            else if (type == IfaAddress) peer = value.ToArray();
        }
        if (attributes.Error is not null)
        {
            error = $"address on link {index}: {attributes.Error}";
            return false;
        }

        // IFA_LOCAL is the interface's own address on point-to-point links; otherwise IFA_ADDRESS is.
        address = new AddressRecord(index, family, prefix, scope, local ?? peer ?? []);
        error = null;
        return true;
    }
}

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
