using System.Buffers.Binary;

namespace VethExporter.Netlink;

/// <summary>
/// Walks the messages packed in one netlink datagram. Every length is checked against the buffer before
/// use: a malformed datagram ends the walk with <see cref="Error"/> set, never an out-of-bounds read.
/// </summary>
internal ref struct NetlinkMessageReader(ReadOnlySpan<byte> datagram)
{
    private readonly ReadOnlySpan<byte> _datagram = datagram;
    private int _offset;

    public string? Error { get; private set; }

    public bool TryRead(out NetlinkMessage message)
    {
        message = default;
        if (Error is not null || _offset >= _datagram.Length) return false;

        var rest = _datagram[_offset..];
        if (rest.Length < NetlinkConstants.HeaderLength)
        {
            Error = $"truncated netlink header at offset {_offset}: {rest.Length} of 16 bytes";
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        if (length < NetlinkConstants.HeaderLength || length > (uint)rest.Length)
        {
            Error = $"netlink message length {length} at offset {_offset} does not fit the {rest.Length} bytes left";
            return false;
        }

        message = new NetlinkMessage(
            type: BinaryPrimitives.ReadUInt16LittleEndian(rest[4..]),
            flags: BinaryPrimitives.ReadUInt16LittleEndian(rest[6..]),
            sequence: BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]),
            portId: BinaryPrimitives.ReadUInt32LittleEndian(rest[12..]),
            payload: rest[NetlinkConstants.HeaderLength..(int)length]);
        _offset += Math.Min(NetlinkConstants.Align((int)length), rest.Length);
        return true;
    }
}
