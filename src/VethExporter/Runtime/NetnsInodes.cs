using VethExporter.Interop;

namespace VethExporter.Runtime;

/// <summary>What a sandbox's netns path is now: an nsfs inode, or why not.</summary>
/// <param name="Problem">Null when <paramref name="Inode"/> is set; else why the path joins nothing (missing, a plain file, …).</param>
public sealed record NetnsPathInode(string Path, ulong? Inode, string? Problem);

/// <summary>The thin I/O half of the join: stats each sandbox's netns path, as the CNI reader does its cached paths.</summary>
public static class NetnsInodes
{
    /// <summary>
    /// What a pin's file is without the nsfs mount on it: unmounted, or mounted only in another mount namespace
    /// (dockerd with a private one keeps its pins there).
    /// </summary>
    public const string PlainFile = "a plain file: no namespace is mounted on it in our mount namespace (unmounted, or mounted only in another)";

    /// <summary>
    /// Opens each distinct netns path of <paramref name="inventory"/> (O_NOFOLLOW|O_NONBLOCK) and fstats it: an
    /// inode only when the open file is on nsfs. A symlink, a plain file (what an unmounted pin leaves), a
    /// directory, or a missing path has none. <c>/proc/PID/ns/net</c> paths are not followed: a pid may be another's.
    /// </summary>
    public static IReadOnlyDictionary<string, NetnsPathInode> Stat(RuntimeInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        var result = new Dictionary<string, NetnsPathInode>(StringComparer.Ordinal);
        int own = PosixFile.Stat("/proc/self/ns/net", out ulong nsfsDevice, out _);
        foreach (string path in inventory.Sandboxes.Select(s => s.NetnsPath).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (own != 0)
            {
                result[path] = new NetnsPathInode(path, null, $"our own namespace cannot be stat'ed to know nsfs: {Errno.Describe(own)}");
                continue;
            }
            if (path.StartsWith("/proc/", StringComparison.Ordinal))
            {
                result[path] = new NetnsPathInode(path, null, "a process's namespace link, not followed: the pid may be another's now");
                continue;
            }
            int errno = OpenedFile.TryIdentify(path, follow: false, out var identity);
            result[path] = errno != 0
                ? new NetnsPathInode(path, null, Errno.IsGone(errno) || errno == Errno.ENOTDIR ? "missing"
                    : errno == Errno.ELOOP ? "a symbolic link, not a namespace pin" : $"cannot be opened: {Errno.Describe(errno)}")
                : identity.Device == nsfsDevice ? new NetnsPathInode(path, identity.Inode, null)
                : new NetnsPathInode(path, null, identity.IsRegular ? PlainFile : "not a namespace file");
        }
        return result;
    }

    /// <summary>The inodes of <see cref="Stat"/>, as <see cref="SandboxNetnsJoin.ByInode"/> takes them.</summary>
    public static IReadOnlyDictionary<string, ulong> InodesOf(IReadOnlyDictionary<string, NetnsPathInode> stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return stats.Values.Where(s => s.Inode is not null).ToDictionary(s => s.Path, s => s.Inode!.Value, StringComparer.Ordinal);
    }
}
