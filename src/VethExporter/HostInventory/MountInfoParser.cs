using System.Text;

namespace VethExporter.HostInventory;

/// <summary>
/// Extracts network-namespace pins from /proc/PID/mountinfo (proc(5)): lines whose filesystem type is
/// nsfs and whose root is <c>net:[INODE]</c>. Malformed lines are skipped, never fatal.
/// </summary>
internal static class MountInfoParser
{
    /// <summary>Filesystems whose lookups are answered by a process or trigger a mount: a path through them can hang.</summary>
    private static readonly string[] BlockingFilesystems = ["fuse", "fuseblk", "autofs"];

    public static List<NsfsMount> ParseNetnsPins(ReadOnlySpan<byte> mountinfo)
    {
        var mounts = new List<(string MountPoint, string FsType, ulong? NetnsInode)>();
        foreach (var line in mountinfo.Split((byte)'\n'))
        {
            if (TryParseLine(mountinfo[line], out var mount)) mounts.Add(mount);
        }
        var pins = new List<NsfsMount>();
        for (int i = 0; i < mounts.Count; i++)
        {
            if (mounts[i].NetnsInode is not ulong inode) continue;
            pins.Add(new NsfsMount(inode, mounts[i].MountPoint, IsReachable(mounts, i)));
        }
        return pins;
    }

    /// <summary>
    /// mountinfo lists a namespace's mounts in the order they were attached, so a later mount at the same
    /// path, or at a directory above it, covers this one.
    /// </summary>
    private static bool IsReachable(List<(string MountPoint, string FsType, ulong? NetnsInode)> mounts, int index)
    {
        string path = mounts[index].MountPoint;
        for (int j = 0; j < mounts.Count; j++)
        {
            if (j == index) continue;
            var (other, fsType, _) = mounts[j];
            bool above = IsAncestor(other, path);
            if (j > index && (other == path || above)) return false;
            if (above && BlockingFilesystems.Any(b => fsType == b || fsType.StartsWith(b + ".", StringComparison.Ordinal))) return false;
        }
        return true;
    }

    private static bool IsAncestor(string directory, string path) =>
        directory == "/" ? path.Length > 1 : path.Length > directory.Length && path.StartsWith(directory, StringComparison.Ordinal) && path[directory.Length] == '/';

    private static bool TryParseLine(ReadOnlySpan<byte> line, out (string MountPoint, string FsType, ulong? NetnsInode) mount)
    {
        mount = default;
        // 36 35 98:0 net:[4026532290] /run/netns/x rw,nosuid shared:5 - nsfs nsfs rw
        // fields: id parent dev root mountpoint options [optional…] - fstype source superoptions
        int separator = line.IndexOf(" - "u8);
        if (separator < 0) return false;
        var tail = line[(separator + 3)..];
        int space = tail.IndexOf((byte)' ');
        string fsType = Encoding.UTF8.GetString(space < 0 ? tail : tail[..space]);

        Range root = default, mountPoint = default;
        int field = 0;
        foreach (var range in line[..separator].Split((byte)' '))
        {
            if (field == 3) root = range;
            if (field == 4) mountPoint = range;
            field++;
        }
        if (field < 6) return false;
        ulong? netns = fsType == "nsfs" && NamespaceLinkParser.TryParseNet(line[root], out ulong inode) ? inode : null;
        mount = (Unescape(line[mountPoint]), fsType, netns);
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
