using System.Buffers.Binary;
using System.Text;

namespace VethExporter.Netlink;

/// <summary>Typed reads of one attribute value, each checking the value's length first.</summary>
internal static class AttributeValue
{
    public static bool TryU8(ReadOnlySpan<byte> value, out byte result)
    {
        result = value.Length >= 1 ? value[0] : (byte)0;
        return value.Length >= 1;
    }

    public static bool TryU32(ReadOnlySpan<byte> value, out uint result)
    {
        bool ok = value.Length >= 4;
        result = ok ? BinaryPrimitives.ReadUInt32LittleEndian(value) : 0;
        return ok;
    }

    public static bool TryS32(ReadOnlySpan<byte> value, out int result)
    {
        bool ok = value.Length >= 4;
        result = ok ? BinaryPrimitives.ReadInt32LittleEndian(value) : 0;
        return ok;
    }

    /// <summary>A NUL-terminated string attribute (the terminator is optional on the wire we accept).</summary>
    public static string String(ReadOnlySpan<byte> value)
    {
        int end = value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? value[..end] : value);
    }

    /// <summary>A hardware address as lowercase colon-separated hex, the form `ip link` prints.</summary>
    public static string HardwareAddress(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty) return "";
        var text = new StringBuilder(value.Length * 3);
        for (int i = 0; i < value.Length; i++)
        {
            if (i > 0) text.Append(':');
            text.Append(value[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
