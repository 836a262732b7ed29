using System.Buffers.Binary;

namespace VethExporter.Tests.Support;

/// <summary>Hand-builds netlink messages for malformed-input and protocol tests.</summary>
internal sealed class MessageBuilder
{
    private readonly List<byte> _bytes = [];

    public MessageBuilder Message(ushort type, ushort flags, uint sequence, uint portId, byte[] payload, int? lengthOverride = null)
    {
        int length = 16 + payload.Length;
        var header = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(lengthOverride ?? length));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), portId);
        _bytes.AddRange(header);
        _bytes.AddRange(payload);
        while (_bytes.Count % 4 != 0) _bytes.Add(0);
        return this;
    }

    public byte[] Build() => [.. _bytes];

    public static byte[] Attribute(ushort type, byte[] value, int? lengthOverride = null)
    {
        var bytes = new byte[(4 + value.Length + 3) & ~3];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(lengthOverride ?? 4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), type);
        value.CopyTo(bytes, 4);
        return bytes;
    }

    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] S32(int value) => U32(unchecked((uint)value));

    public static byte[] IfInfo(int index, uint flags = 0)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), index);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), flags);
        return bytes;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Text(string value) => [.. System.Text.Encoding.UTF8.GetBytes(value), 0];
}
