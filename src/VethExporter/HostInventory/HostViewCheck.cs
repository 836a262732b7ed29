using VethExporter.Interop;

namespace VethExporter.HostInventory;

/// <summary>
/// Decides whether "no process holds it" can be trusted: the procfs we read must belong to the host's
/// initial PID namespace, every task, mountinfo and pin must have been readable, and the listing must
/// hold as many threads as the kernel counts.
/// </summary>
internal static class HostViewCheck
{
    /// <summary>PROC_PID_INIT_INO: the initial PID namespace always has this inode (include/linux/proc_ns.h).</summary>
    public const ulong InitialPidNamespaceInode = 0xEFFFFFFC;

    public static List<string> FindLimitations(KernelPaths paths, IKernelFacts facts, BlindSpots blind)
    {
        var limitations = new List<string>();
        // procfs/self exists only in a procfs of our own PID namespace; its pid link names that namespace.
        Span<byte> link = stackalloc byte[64];
        int n = PosixFile.ReadLink($"{paths.Procfs}/self/ns/pid", link);
        if (n < 0)
            limitations.Add($"cannot read {paths.Procfs}/self/ns/pid ({Errno.Describe(-n)}): {paths.Procfs} must be the procfs of our own, host, PID namespace");
        else if (!NamespaceLinkParser.TryParse(link[..n], "pid"u8, out ulong pidNs) || pidNs != InitialPidNamespaceInode)
            limitations.Add($"{paths.Procfs} is not the host's PID namespace: run with the host PID namespace (hostPID, --pid=host)");
        if (!facts.HasCapability(OwnCapabilities.CapSysPtrace))
            limitations.Add("no CAP_SYS_PTRACE: other users' open fds, mount namespaces and netns pins cannot be inspected; run as root");
        if (blind.UnresolvedTasks > 0)
            limitations.Add($"the network namespace of {blind.UnresolvedTasks} of {blind.TasksSeen + blind.UnresolvedTasks} tasks could not be determined");
        if (blind.UnopenablePins > 0)
            limitations.Add($"the pins of {blind.UnopenablePins} network namespaces could not be opened and verified to learn their id (denied, covered by another mount, or not the namespace mountinfo names)");
        if (blind.DeniedMountinfo > 0)
            limitations.Add($"the mountinfo of {blind.DeniedMountinfo} mount namespaces could not be read: pins there are invisible");
        if (blind.DeniedTaskLists > 0)
            limitations.Add($"the threads of {blind.DeniedTaskLists} processes could not be listed");
        if (blind.SharedNsids > 0)
            limitations.Add($"{blind.SharedNsids} network namespace ids were claimed by more than one namespace");
        if (blind.Listing is { Missing: > 0 } listing)
            limitations.Add($"{paths.Procfs} listed {listing.Listed} threads but the kernel counts {Math.Min(listing.KernelBefore, listing.KernelAfter)}: tasks are hidden (hidepid, an LSM, another PID namespace)");
        if (blind.FdDeniedProcesses > 0)
            limitations.Add($"the open fds of {blind.FdDeniedProcesses} processes could not be read");
        return limitations;
    }
}

/// <summary>What one inventory pass could not see; any of it makes "no process holds it" unsafe.</summary>
/// <param name="UnopenablePins">Namespaces whose pins could not be opened and verified (denied, covered, replaced).</param>
/// <param name="DeniedMountinfo">Mount namespaces whose mountinfo we may not read.</param>
/// <param name="SharedNsids">Namespace ids that more than one namespace claimed: one of the views is wrong.</param>
/// <param name="DeniedTaskLists">Processes whose thread list we may not read.</param>
internal sealed record BlindSpots(
    int TasksSeen,
    int UnresolvedTasks,
    int UnopenablePins,
    int FdDeniedProcesses,
    int DeniedMountinfo = 0,
    int SharedNsids = 0,
    int DeniedTaskLists = 0,
    TaskListing? Listing = null);
