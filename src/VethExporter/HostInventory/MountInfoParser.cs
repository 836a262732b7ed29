using System.Text;

namespace VethExporter.HostInventory;

/// <summary>
/// Extracts network-namespace pins from /proc/PID/mountinfo (proc(5)): lines whose filesystem type is
/// nsfs and whose root is <c>net:[INODE]</c>. Malformed lines are skipped, never fatal.
/// </summary>
internal static class MountInfoParser
{
    public static List<NsfsMount> ParseNetnsPins(ReadOnlySpan<byte> mountinfo)
    {
        var pins = new List<NsfsMount>();
        foreach (var line in mountinfo.Split((byte)'\n'))
        {
            if (TryParseLine(mountinfo[line], out var pin)) pins.Add(pin);
        }
        return pins;
    }

    private static bool TryParseLine(ReadOnlySpan<byte> line, out NsfsMount pin)
    {
        pin = null!;
        // 36 35 98:0 net:[4026532290] /run/netns/x rw,nosuid shared:5 - nsfs nsfs rw
        // fields: id parent dev root mountpoint options [optional…] - fstype source superoptions
        int separator = line.IndexOf(" - "u8);
        if (separator < 0) return false;
        var tail = line[(separator + 3)..];
        if (!tail.StartsWith("nsfs "u8)) return false;

        Range root = default, mountPoint = default;
        int field = 0;
        foreach (var range in line[..separator].Split((byte)' '))
        {
            if (field == 3) root = range;
            if (field == 4) mountPoint = range;
            field++;
        }
        if (field < 6 || !NamespaceLinkParser.TryParseNet(line[root], out ulong inode)) return false;

        pin = new NsfsMount(inode, Unescape(line[mountPoint]));
        return true;
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as three octal digits (\040).</summary>
    private static string Unescape(ReadOnlySpan<byte> field)
    {
        if (field.IndexOf((byte)'\\') < 0) return Encoding.UTF8.GetString(field);
        var bytes = new List<byte>(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == (byte)'\\' && i + 3 < field.Length
                && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                bytes.Add((byte)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.Add(field[i]);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(byte b) => b is >= (byte)'0' and <= (byte)'7';
}
