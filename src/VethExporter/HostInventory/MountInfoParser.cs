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
        // Indexed once, so that each pin costs its path's depth, not the whole table: a node with thousands
        // of pins has thousands of mounts too.
        var lastAt = new Dictionary<string, int>(StringComparer.Ordinal);
        var blocking = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < mounts.Count; i++)
        {
            lastAt[mounts[i].MountPoint] = i;
            if (IsBlocking(mounts[i].FsType)) blocking.Add(mounts[i].MountPoint);
        }
        var pins = new List<NsfsMount>();
        for (int i = 0; i < mounts.Count; i++)
        {
            if (mounts[i].NetnsInode is not ulong inode) continue;
            pins.Add(new NsfsMount(inode, mounts[i].MountPoint, IsReachable(mounts[i].MountPoint, i, lastAt, blocking)));
        }
        return pins;
    }

    /// <summary>
    /// mountinfo lists a namespace's mounts in the order they were attached, so a later mount at the same
    /// path, or at a directory above it, covers this one; a blocking filesystem at any directory above it
    /// may hang the lookup of the path.
    /// </summary>
    private static bool IsReachable(string path, int index, Dictionary<string, int> lastAt, HashSet<string> blocking)
    {
        if (lastAt[path] > index) return false;
        foreach (string directory in Ancestors(path))
        {
            if (blocking.Contains(directory)) return false;
            if (lastAt.TryGetValue(directory, out int at) && at > index) return false;
        }
        return true;
    }

    /// <summary>"/run/netns/x" → "/run/netns", "/run", "/".</summary>
    private static IEnumerable<string> Ancestors(string path)
    {
        for (int slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            yield return path[..slash];
        if (path.Length > 1) yield return "/";
    }

    private static bool IsBlocking(string fsType) =>
        BlockingFilesystems.Any(b => fsType == b || (fsType.Length > b.Length && fsType.StartsWith(b, StringComparison.Ordinal) && fsType[b.Length] == '.'));

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

/// <summary>A network namespace bind-mounted (pinned) at <see cref="MountPoint"/>, as one mountinfo shows it.</summary>
/// <param name="Reachable">
/// Opening <see cref="MountPoint"/> reaches this very mount: nothing is mounted over it or over a directory
/// above it later, and no directory on the way is served by a filesystem whose lookups can block (FUSE,
/// autofs). An unreachable pin still holds its namespace; we just must not open it.
/// </param>
public sealed record NsfsMount(ulong NetnsInode, string MountPoint, bool Reachable = true);
