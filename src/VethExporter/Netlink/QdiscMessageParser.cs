using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using static VethExporter.Netlink.NetlinkConstants;

namespace VethExporter.Netlink;

/// <summary>Parses the payload of an RTM_NEWQDISC message (struct tcmsg + TCA_* attributes).</summary>
internal static class QdiscMessageParser
{
    public static bool TryParse(ReadOnlySpan<byte> payload, [NotNullWhen(true)] out QdiscRecord? qdisc, out string? error)
    {
        qdisc = null;
        if (payload.Length < TcMsgLength)
        {
            error = $"RTM_NEWQDISC payload of {payload.Length} bytes is shorter than tcmsg";
            return false;
        }

        int index = BinaryPrimitives.ReadInt32LittleEndian(payload[4..]);
        uint handle = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        uint parent = BinaryPrimitives.ReadUInt32LittleEndian(payload[12..]);
        string kind = "";

        var attributes = new AttributeReader(payload[TcMsgLength..]);
        while (attributes.TryRead(out ushort type, out var value))
        {
            if (type == TcaKind) kind = AttributeValue.String(value);
        }
        if (attributes.Error is not null)
        {
            error = $"qdisc on link {index}: {attributes.Error}";
            return false;
        }

        qdisc = new QdiscRecord(index, handle, parent, kind);
        error = null;
        return true;
    }
}

/// <summary>One qdisc (RTM_NEWQDISC) on a link.</summary>
public sealed record QdiscRecord(int Index, uint Handle, uint Parent, string Kind)
{
    /// <summary>
    /// Qdiscs the kernel attaches by itself (noqueue, pfifo_fast, mq and its children) carry handle 0;
    /// anything a person or a CNI plugin added (tbf, htb, ingress, clsact, …) has a non-zero handle, and
    /// tc filters can only hang off such qdiscs.
    /// </summary>
    public bool IsConfigured => Handle != 0;
}
