using System.Buffers.Binary;

namespace VethExporter.Netlink;

/// <summary>
/// Walks route attributes (struct rtattr / nlattr). A length shorter than the attribute header or
/// running past the buffer stops the walk with <see cref="Error"/>; the nested and byte-order flag bits
/// are stripped from the type.
/// </summary>
internal ref struct AttributeReader(ReadOnlySpan<byte> attributes)
{
    private readonly ReadOnlySpan<byte> _attributes = attributes;
    private int _offset;

    public string? Error { get; private set; }

    public bool TryRead(out ushort type, out ReadOnlySpan<byte> value)
    {
        type = 0;
        value = default;
        if (Error is not null || _offset >= _attributes.Length) return false;

        var rest = _attributes[_offset..];
        if (rest.Length < NetlinkConstants.AttributeHeaderLength)
        {
            Error = $"truncated attribute header at offset {_offset}";
            return false;
        }

        ushort length = BinaryPrimitives.ReadUInt16LittleEndian(rest);
        if (length < NetlinkConstants.AttributeHeaderLength || length > rest.Length)
        {
            Error = $"attribute length {length} at offset {_offset} does not fit the {rest.Length} bytes left";
            return false;
        }

        type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(rest[2..]) & NetlinkConstants.NlaTypeMask);
        value = rest[NetlinkConstants.AttributeHeaderLength..length];
        _offset += Math.Min(NetlinkConstants.Align(length), rest.Length);
        return true;
    }
}
