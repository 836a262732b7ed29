using VethExporter.Interop;
using VethExporter.Netlink;

namespace VethExporter.HostInventory;

/// <summary>
/// The last look before remediation acts on one namespace: does any task live in it, or any process hold
/// it open, now? One pass over /proc (task links, then fds), stopping at the first holder. Unlike the
/// scan it wants one inode only, so it is cheap enough to run right before every action.
/// </summary>
internal static class HolderRecheck
{
    /// <param name="netlink">A socket in the scanned namespace: a task whose link ptrace rules hide is placed by its nsid there.</param>
    /// <param name="nsid">The namespace's id in the scanned namespace.</param>
    /// <returns>null when nothing but its pins holds the namespace, else what holds it (or why we cannot tell).</returns>
    /// <param name="runtimeServer">The runtime process asked to clean this namespace: its own fd on it is not a holder.</param>
    internal static string? FindHolder(KernelPaths paths, RouteNetlinkClient netlink, ulong netnsInode, int nsid, int? runtimeServer = null)
    {
        if (PosixFile.Stat(KernelPaths.OwnNetns, out ulong nsfsDevice, out _) is int e and not 0)
            return $"cannot stat {KernelPaths.OwnNetns}: {Errno.Describe(e)}";
        Span<byte> link = stackalloc byte[64];
        var pids = ProcDirectory.NumericEntries(paths.Procfs);
        foreach (int pid in pids)
        {
            var tids = ProcDirectory.NumericEntries($"{paths.Procfs}/{pid}/task", out bool tasksDenied);
            if (tasksDenied) return $"the threads of process {pid} cannot be listed";
            foreach (int tid in tids)
            {
                int n = PosixFile.ReadLink($"{paths.Procfs}/{pid}/task/{tid}/ns/net", link);
                if (n < 0 && Errno.IsDenied(-n))
                {
                    var answer = netlink.GetNsidByPid(tid);
                    if (!answer.Succeeded && !Errno.IsGone(answer.Errno)) return $"the namespace of task {tid} cannot be determined";
                    if (answer.Succeeded && answer.Nsid == nsid) return $"task {tid} of process {pid} lives in it";
                    continue;
                }
                if (n > 0 && NamespaceLinkParser.TryParseNet(link[..n], out ulong inode) && inode == netnsInode)
                    return $"task {tid} of process {pid} lives in it";
            }
        }
        foreach (int pid in pids)
        {
            if (pid == runtimeServer) continue;
            bool denied = false;
            foreach (var holder in FdScanner.NamespaceFds(paths, pid, nsfsDevice, () => denied = true))
            {
                if (holder.NetnsInode == netnsInode) return $"process {pid} holds it open (fd {holder.Fd})";
            }
            if (denied) return $"the open fds of process {pid} cannot be read";
        }
        return null;
    }
}
