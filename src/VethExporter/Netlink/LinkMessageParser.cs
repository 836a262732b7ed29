using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using static VethExporter.Netlink.NetlinkConstants;

namespace VethExporter.Netlink;

/// <summary>Parses the payload of an RTM_NEWLINK message (struct ifinfomsg + IFLA_* attributes).</summary>
internal static class LinkMessageParser
{
    private const uint IffUp = 0x1;

    public static bool TryParse(ReadOnlySpan<byte> payload, [NotNullWhen(true)] out LinkRecord? link, out string? error)
    {
        link = null;
        if (payload.Length < IfInfoMsgLength)
        {
            error = $"RTM_NEWLINK payload of {payload.Length} bytes is shorter than ifinfomsg";
            return false;
        }

        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        string? name = null, kind = null;
        int? master = null, peer = null, netnsId = null;
        var operState = OperState.Unknown;
        string mac = "";
        bool xdp = false;

        var attributes = new AttributeReader(payload[IfInfoMsgLength..]);
        while (attributes.TryRead(out ushort type, out var value))
        {
            switch (type)
            {
                case IflaIfname:
                    name = AttributeValue.String(value);
                    break;
                case IflaAddress:
                    mac = AttributeValue.HardwareAddress(value);
                    break;
                case IflaMaster when AttributeValue.TryU32(value, out uint m):
                    master = (int)m;
                    break;
                case IflaLink when AttributeValue.TryU32(value, out uint l):
                    peer = (int)l;
                    break;
                case IflaLinkNetnsid when AttributeValue.TryS32(value, out int id):
                    netnsId = id;
                    break;
                case IflaOperstate when AttributeValue.TryU8(value, out byte state):
                    operState = (OperState)state;
                    break;
                case IflaLinkinfo:
                    if (!TryReadKind(value, out kind, out error)) return false;
                    break;
                case IflaXdp:
                    if (!TryReadXdp(value, out xdp, out error)) return false;
                    break;
            }
        }

        if (attributes.Error is not null)
        {
            error = $"link {index}: {attributes.Error}";
            return false;
        }
        if (name is null)
        {
            error = $"link {index} has no IFLA_IFNAME";
            return false;
        }

        link = new LinkRecord(index, name, kind, master, peer, netnsId, operState, (flags & IffUp) != 0, mac, xdp);
        error = null;
        return true;
    }

    private static bool TryReadKind(ReadOnlySpan<byte> linkInfo, out string? kind, out string? error)
    {
        kind = null;
        var nested = new AttributeReader(linkInfo);
        while (nested.TryRead(out ushort type, out var value))
        {
            if (type == IflaInfoKind) kind = AttributeValue.String(value);
        }
        error = nested.Error is null ? null : $"IFLA_LINKINFO: {nested.Error}";
        return error is null;
    }

    private static bool TryReadXdp(ReadOnlySpan<byte> xdpInfo, out bool attached, out string? error)
    {
        attached = false;
        var nested = new AttributeReader(xdpInfo);
        while (nested.TryRead(out ushort type, out var value))
        {
            if (type == IflaXdpAttached && AttributeValue.TryU8(value, out byte mode)) attached |= mode != 0;
            if (type == IflaXdpProgId && AttributeValue.TryU32(value, out uint id)) attached |= id != 0;
        }
        error = nested.Error is null ? null : $"IFLA_XDP: {nested.Error}";
        return error is null;
    }
}
