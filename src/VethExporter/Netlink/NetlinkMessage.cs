namespace VethExporter.Netlink;

/// <summary>One netlink message: the header fields and the payload after the 16-byte header.</summary>
internal readonly ref struct NetlinkMessage(ushort type, ushort flags, uint sequence, uint portId, ReadOnlySpan<byte> payload)
{
    public ushort Type { get; } = type;

    public ushort Flags { get; } = flags;

    public uint Sequence { get; } = sequence;

    public uint PortId { get; } = portId;

    public ReadOnlySpan<byte> Payload { get; } = payload;
}

/// <summary>A netlink exchange that could not complete: the kernel refused, or the reply was malformed.</summary>
public sealed class NetlinkException(string message, int errno) : Exception(message)
{
    public int Errno { get; } = errno;
}
