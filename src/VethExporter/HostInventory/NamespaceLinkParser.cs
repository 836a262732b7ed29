using System.Buffers.Text;

namespace VethExporter.HostInventory;

/// <summary>Parses the text of a namespace link, e.g. <c>net:[4026531993]</c>, as /proc and mountinfo show it.</summary>
internal static class NamespaceLinkParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, ReadOnlySpan<byte> type, out ulong inode)
    {
        inode = 0;
        if (text.Length < type.Length + 4 || !text.StartsWith(type)) return false;
        var rest = text[type.Length..];
        if (rest[0] != (byte)':' || rest[1] != (byte)'[' || rest[^1] != (byte)']') return false;
        var digits = rest[2..^1];
        if (digits.Length > 0 && Utf8Parser.TryParse(digits, out inode, out int consumed) && consumed == digits.Length) return true;
        inode = 0;
        return false;
    }

    public static bool TryParseNet(ReadOnlySpan<byte> text, out ulong inode) => TryParse(text, "net"u8, out inode);
}
