using System.Buffers.Binary;
using static VethExporter.Netlink.NetlinkConstants;

namespace VethExporter.Netlink;

/// <summary>Builds the few rtnetlink requests we send, as complete datagrams.</summary>
internal static class RequestBuilder
{
    public static byte[] DumpLinks(uint sequence)
    {
        var message = Start(RtmGetLink, NlmFRequest | NlmFDump, sequence, IfInfoMsgLength, attributeBytes: 8);
        WriteU32Attribute(message, HeaderLength + IfInfoMsgLength, IflaExtMask, RtextFilterSkipStats);
        return message;
    }

    public static byte[] DumpAddresses(uint sequence) =>
        Start(RtmGetAddr, NlmFRequest | NlmFDump, sequence, IfAddrMsgLength, attributeBytes: 0);

    public static byte[] DumpQdiscs(uint sequence) =>
        Start(RtmGetQdisc, NlmFRequest | NlmFDump, sequence, TcMsgLength, attributeBytes: 0);

    /// <summary>RTM_GETTFILTER dump of one link's filters under <paramref name="parent"/> (the kernel dumps filters per link).</summary>
    public static byte[] DumpFilters(uint sequence, int index, uint parent)
    {
        var message = Start(RtmGetTFilter, NlmFRequest | NlmFDump, sequence, TcMsgLength, attributeBytes: 0);
        var tcmsg = message.AsSpan(HeaderLength);
        BinaryPrimitives.WriteInt32LittleEndian(tcmsg[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(tcmsg[12..], parent);
        return message;
    }

    public static byte[] GetNsidByPid(uint sequence, int pid) => GetNsid(sequence, NetnsaPid, (uint)pid);

    public static byte[] GetNsidByFd(uint sequence, int fd) => GetNsid(sequence, NetnsaFd, (uint)fd);

    /// <summary>RTM_DELLINK by ifindex only: the name is checked before, never used to select.</summary>
    public static byte[] DeleteLink(uint sequence, int index)
    {
        var message = Start(RtmDelLink, NlmFRequest | NlmFAck, sequence, IfInfoMsgLength, attributeBytes: 0);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(HeaderLength + 4), index);
        return message;
    }

    /// <summary>RTM_GETLINK for one ifindex: the fresh view remediation checks identity against.</summary>
    public static byte[] GetLink(uint sequence, int index)
    {
        var message = Start(RtmGetLink, NlmFRequest, sequence, IfInfoMsgLength, attributeBytes: 8);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(HeaderLength + 4), index);
        WriteU32Attribute(message, HeaderLength + IfInfoMsgLength, IflaExtMask, RtextFilterSkipStats);
        return message;
    }

    /// <summary>RTM_SETLINK IFLA_MASTER=0: detach a port from its bridge (or other master).</summary>
    public static byte[] DetachFromMaster(uint sequence, int index)
    {
        var message = Start(RtmSetLink, NlmFRequest | NlmFAck, sequence, IfInfoMsgLength, attributeBytes: 8);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(HeaderLength + 4), index);
        WriteU32Attribute(message, HeaderLength + IfInfoMsgLength, IflaMaster, 0);
        return message;
    }

    private static byte[] GetNsid(uint sequence, ushort attribute, uint value)
    {
        var message = Start(RtmGetNsid, NlmFRequest, sequence, RtGenMsgLength, attributeBytes: 8);
        WriteU32Attribute(message, HeaderLength + RtGenMsgLength, attribute, value);
        return message;
    }

    private static byte[] Start(ushort type, ushort flags, uint sequence, int familyHeaderLength, int attributeBytes)
    {
        int length = HeaderLength + familyHeaderLength + attributeBytes;
        var message = new byte[length];
        var span = message.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], sequence);
        // nlmsg_pid 0: the kernel fills in our port id.
        return message;
    }

    private static void WriteU32Attribute(byte[] message, int offset, ushort type, uint value)
    {
        var span = message.AsSpan(offset);
        BinaryPrimitives.WriteUInt16LittleEndian(span, 8);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], value);
    }
}
