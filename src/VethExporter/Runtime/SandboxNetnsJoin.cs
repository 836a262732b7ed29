namespace VethExporter.Runtime;

/// <summary>
/// Joins the runtimes' sandboxes to network namespaces, purely: by the netns path each runtime names (podman
/// <c>/run/netns/netns-&lt;uuid&gt;</c>, Docker's SandboxKey <c>/var/run/docker/netns/&lt;id&gt;</c>, containerd
/// <c>/var/run/netns/cni-&lt;uuid&gt;</c>) and, through the inode the caller found at that path, by netns inode
/// — the key the kernel inventory uses.
/// </summary>
public static class SandboxNetnsJoin
{
    /// <summary>
    /// A path as a join key: <c>/var/run/</c> is <c>/run/</c> on every distribution that matters (a symlink), and
    /// runtimes spell it both ways (Docker's SandboxKey uses /var/run, podman /run).
    /// </summary>
    public static string NormalizePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.StartsWith("/var/run/", StringComparison.Ordinal) ? path["/var".Length..] : path;
    }

    /// <summary>Sandboxes by their normalized netns path; sandboxes without one are left out.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<RuntimeSandbox>> ByPath(RuntimeInventory inventory)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        return inventory.Sandboxes
            .Where(s => s.NetnsPath is not null)
            .GroupBy(s => NormalizePath(s.NetnsPath!), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<RuntimeSandbox>)g.ToList(), StringComparer.Ordinal);
    }

    /// <summary>
    /// Sandboxes by the nsfs inode found at their netns path. <paramref name="inodeByPath"/> holds what the caller
    /// stat'ed (see <see cref="NetnsInodes.Stat"/>), keyed by the path as the runtime spelt it or normalized;
    /// a path with no inode there (gone, unmounted, not a namespace) joins nothing.
    /// </summary>
    public static IReadOnlyDictionary<ulong, IReadOnlyList<RuntimeSandbox>> ByInode(RuntimeInventory inventory, IReadOnlyDictionary<string, ulong> inodeByPath)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(inodeByPath);
        var joined = new Dictionary<ulong, List<RuntimeSandbox>>();
        foreach (var sandbox in inventory.Sandboxes)
        {
            if (sandbox.NetnsPath is not string path) continue;
            if (!inodeByPath.TryGetValue(path, out ulong inode) && !inodeByPath.TryGetValue(NormalizePath(path), out inode)) continue;
            if (!joined.TryGetValue(inode, out var list)) joined[inode] = list = [];
            list.Add(sandbox);
        }
        return joined.ToDictionary(p => p.Key, p => (IReadOnlyList<RuntimeSandbox>)p.Value);
    }
}
