using VethExporter.Interop;

namespace VethExporter.HostInventory;

/// <summary>
/// Decides whether "no process holds it" can be trusted: the procfs we read must belong to the host's
/// initial PID namespace and every task's namespace link must have been readable.
/// </summary>
internal static class HostViewCheck
{
    /// <summary>PROC_PID_INIT_INO: the initial PID namespace always has this inode (include/linux/proc_ns.h).</summary>
    public const ulong InitialPidNamespaceInode = 0xEFFFFFFC;

    /// <param name="unresolvedTasks">Tasks whose namespace neither /proc nor RTM_GETNSID could tell.</param>
    public static List<string> FindLimitations(KernelPaths paths, int tasksSeen, int unresolvedTasks)
    {
        var limitations = new List<string>();
        // procfs/self exists only in a procfs of our own PID namespace; its pid link names that namespace.
        Span<byte> link = stackalloc byte[64];
        int n = PosixFile.ReadLink($"{paths.Procfs}/self/ns/pid", link);
        if (n < 0)
            limitations.Add($"cannot read {paths.Procfs}/self/ns/pid ({Errno.Describe(-n)}): {paths.Procfs} must be the procfs of our own, host, PID namespace");
        else if (!NamespaceLinkParser.TryParse(link[..n], "pid"u8, out ulong pidNs) || pidNs != InitialPidNamespaceInode)
            limitations.Add($"{paths.Procfs} is not the host's PID namespace: run with the host PID namespace (hostPID, --pid=host)");
        if (unresolvedTasks > 0)
            limitations.Add($"the network namespace of {unresolvedTasks} of {tasksSeen + unresolvedTasks} tasks could not be determined: run as root or with CAP_SYS_PTRACE");
        return limitations;
    }
}
