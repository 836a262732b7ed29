
namespace VethExporter.HostInventory;

/// <summary>
/// The fd walk of a scan: fd holders of every namespace no task lives in, pinned or not. A namespace
/// whose id we know already just gains its holders; one we meet only here is asked for its id through
/// one of the fds (opened without blocking, fstat-verified), and skipped if it is not a network namespace.
/// </summary>
internal static class FdHolderSearch
{
    /// <param name="nsids">Ids by inode; the ids of namespaces found only here are added.</param>
    /// <param name="heldByTasks">Namespaces with a task in them (and the scanned one): their fds do not matter.</param>
    public static List<FdHolder> Find(KernelPaths paths, IRouteQueries netlink, IKernelFacts facts, ulong nsfsDevice,
        Dictionary<ulong, int> nsids, IReadOnlySet<ulong> heldByTasks, out int deniedProcesses)
    {
        var found = new List<FdHolder>();
        foreach (var group in FdScanner.Scan(paths, facts, nsfsDevice, heldByTasks, out deniedProcesses).GroupBy(fd => fd.NetnsInode))
        {
            if (nsids.TryGetValue(group.Key, out int known) && known >= 0)
            {
                found.AddRange(group); // a pinned namespace: its id is known already
                continue;
            }
            // Not every nsfs fd is a network namespace: the kernel refuses the others with EINVAL.
            foreach (var holder in group)
            {
                if (netlink.NsidOfFile(holder.OpenPath, nsfsDevice, group.Key, throughFdLink: true, out _) is not { } answer) continue;
                if (!answer.Succeeded) break;
                nsids[group.Key] = answer.Nsid;
                found.AddRange(group);
                break;
            }
        }
        return found;
    }
}
