using VethExporter.HostInventory;
using VethExporter.Runtime;

namespace VethExporter.Classification;

/// <summary>
/// Which sandboxes the runtimes claim, keyed the way the kernel facts are: by netns inode (for veths and
/// attachments) and by sandbox id (a CNI attachment's container id is the CRI sandbox id, or podman's container id).
/// <see cref="Unreachable"/>: the runtimes whose list is incomplete this scan, so the absence of a claim proves nothing.
/// </summary>
public sealed record RuntimeClaims(
    IReadOnlyDictionary<ulong, IReadOnlyList<RuntimeSandbox>> ByInode,
    IReadOnlyDictionary<string, RuntimeSandbox> ById,
    IReadOnlyList<RuntimeStatus> Unreachable)
{
    public static RuntimeClaims Empty { get; } = new(new Dictionary<ulong, IReadOnlyList<RuntimeSandbox>>(), new Dictionary<string, RuntimeSandbox>(), []);

    /// <summary>The process serving each socket that answered (SO_PEERCRED), by socket path.</summary>
    public IReadOnlyDictionary<string, int> ServerPids { get; init; } = new Dictionary<string, int>();

    /// <summary>The pid of the runtime process that listed <paramref name="sandbox"/>, when the kernel named it.</summary>
    public int? ServerOf(RuntimeSandbox sandbox) => ServerPids.TryGetValue(sandbox.Socket, out int pid) ? pid : null;

    /// <summary>
    /// Joins the runtimes' sandboxes to namespaces. A sandbox's netns path joins by the inode found at it in our own
    /// mount namespace (<paramref name="ownMountNsInodes"/>); a path that is no namespace here (dockerd keeps its pins
    /// in a mount namespace of its own) joins by the pins the inventory found at that path in every mount namespace.
    /// A path two mount namespaces pin to different namespaces joins both: a claim only ever makes a verdict safer.
    /// </summary>
    public static RuntimeClaims Build(RuntimeInventory runtimes, IReadOnlyDictionary<string, ulong> ownMountNsInodes, HostFacts inventory)
    {
        ArgumentNullException.ThrowIfNull(runtimes);
        ArgumentNullException.ThrowIfNull(ownMountNsInodes);
        ArgumentNullException.ThrowIfNull(inventory);
        var pinned = inventory.Namespaces
            .Where(n => n.Inode is not null)
            .SelectMany(n => n.Pins.Select(p => (Path: SandboxNetnsJoin.NormalizePath(p.MountPoint), Inode: n.Inode!.Value)))
            .ToLookup(p => p.Path, p => p.Inode, StringComparer.Ordinal);

        var byInode = new Dictionary<ulong, List<RuntimeSandbox>>();
        foreach (var sandbox in runtimes.Sandboxes)
        {
            if (sandbox.NetnsPath is not string path) continue;
            string normalized = SandboxNetnsJoin.NormalizePath(path);
            IEnumerable<ulong> inodes = ownMountNsInodes.TryGetValue(path, out ulong own) || ownMountNsInodes.TryGetValue(normalized, out own)
                ? [own]
                : pinned[normalized].Distinct();
            foreach (ulong inode in inodes)
            {
                if (!byInode.TryGetValue(inode, out var list)) byInode[inode] = list = [];
                list.Add(sandbox);
            }
        }
        var byId = new Dictionary<string, RuntimeSandbox>(StringComparer.Ordinal);
        foreach (var sandbox in runtimes.Sandboxes) byId.TryAdd(sandbox.SandboxId, sandbox);
        return new RuntimeClaims(
            byInode.ToDictionary(p => p.Key, p => (IReadOnlyList<RuntimeSandbox>)p.Value.OrderBy(Rank).ToList()),
            byId,
            runtimes.Statuses.Where(s => !s.Complete).ToList())
        {
            LivePids = inventory.Namespaces.SelectMany(n => n.Processes).Select(p => p.Pid).ToHashSet(),
            Joined = byInode.Values.SelectMany(l => l).Select(Key).ToHashSet(StringComparer.Ordinal),
            ServerPids = runtimes.Statuses.Where(s => s.Complete && s.ServerPid is not null)
                .GroupBy(s => s.Socket, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().ServerPid!.Value, StringComparer.Ordinal),
        };
    }

    /// <summary>The claim that protects most first: a ready CRI sandbox, then anything the runtime calls running.</summary>
    private static int Rank(RuntimeSandbox s) => IsCri(s) && s.Running ? 0 : s.Running ? 1 : 2;

    public static bool IsCri(RuntimeSandbox sandbox) => sandbox.Runtime is RuntimeNames.Containerd or RuntimeNames.CriO;

    /// <summary>Pids of every task the kernel inventory saw, in any namespace: a sandbox whose pid is among them is alive.</summary>
    public IReadOnlySet<int> LivePids { get; init; } = new HashSet<int>();

    /// <summary>Sandboxes whose netns path reached a namespace this scan (joined by inode).</summary>
    public IReadOnlySet<string> Joined { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Different sandboxes claim the namespace.</summary>
    public bool Shared(ulong? netnsInode) =>
        netnsInode is ulong inode && ByInode.TryGetValue(inode, out var claims) && claims.Select(c => (c.Socket, c.SandboxId)).Distinct().Skip(1).Any();

    /// <summary>
    /// Listed as running (Docker, podman) or not ready (CRI), with nothing of it alive: its pid (if any) is no task
    /// now and its netns path reaches no namespace. Only such a sandbox owns what is left of it elsewhere.
    /// </summary>
    public bool DeadButListed(RuntimeSandbox sandbox) =>
        (IsCri(sandbox) ? !sandbox.Running : sandbox.Running)
        && (sandbox.Pid is not int pid || !LivePids.Contains(pid))
        && !Joined.Contains(Key(sandbox));

    /// <summary>A sandbox's identity across runtimes: the socket it was listed on and its id.</summary>
    private static string Key(RuntimeSandbox s) => s.Socket + " " + s.SandboxId;

    /// <summary>The sandbox claiming a namespace, the most protective first; null when none does.</summary>
    public RuntimeSandbox? Of(ulong? netnsInode) =>
        netnsInode is ulong inode && ByInode.TryGetValue(inode, out var claims) ? claims[0] : null;
}
