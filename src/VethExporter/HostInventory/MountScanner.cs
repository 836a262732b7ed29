using VethExporter.Interop;

namespace VethExporter.HostInventory;

/// <summary>
/// Reads the mountinfo of every distinct mount namespace once. A pin can survive only in a container
/// shim's private mount namespace (how a Docker leak looks after dockerd dies), so ours alone is not enough.
/// </summary>
internal static class MountScanner
{
    /// <param name="hiddenMountNs">Tasks whose mount namespace link we may not read: their mountinfo is read too.</param>
    /// <param name="deniedMountinfo">Mount namespaces whose mountinfo we may not read (an LSM, ptrace rules): pins we cannot see.</param>
    public static List<NetnsPin> Scan(
        KernelPaths paths, IReadOnlyDictionary<ulong, TaskHolder> mountNamespaces, ulong ownMountNs, IEnumerable<TaskHolder> hiddenMountNs,
        out int deniedMountinfo)
    {
        var pins = new List<NetnsPin>();
        deniedMountinfo = 0;
        var seen = new HashSet<(ulong, string)>();
        // Our own mount namespace first, so a pin we can open directly is the view we keep.
        var sources = mountNamespaces
            .OrderByDescending(entry => entry.Key == ownMountNs)
            .Select(entry => (MountNs: entry.Key, Task: entry.Value))
            .Concat(hiddenMountNs.DistinctBy(t => t.Pid).Select(task => (MountNs: 0UL, Task: task)));
        foreach (var (mountNs, task) in sources)
        {
            string taskDir = $"{paths.Procfs}/{task.Pid}/task/{task.Tid}";
            var mountinfo = PosixFile.TryReadAll($"{taskDir}/mountinfo", out int errno);
            if (mountinfo is null)
            {
                // Gone: the task exited and its mount namespace may have gone with it. Anything else: blind.
                if (!Errno.IsGone(errno)) deniedMountinfo++;
                continue;
            }
            bool own = mountNs == ownMountNs;
            foreach (var mount in MountInfoParser.ParseNetnsPins(mountinfo))
            {
                // Shared propagation repeats one pin in many mount namespaces; keep the first view of it.
                if (!seen.Add((mount.NetnsInode, mount.MountPoint))) continue;
                pins.Add(new NetnsPin(mount.NetnsInode, mount.MountPoint, mountNs,
                    own ? mount.MountPoint : $"{taskDir}/root{mount.MountPoint}", own, mount.Reachable));
            }
        }
        return pins;
    }
}
