namespace VethExporter.HostInventory;

/// <summary>
/// Finds processes holding a namespace through an open fd. Costly (every fd of every process), so it runs
/// only when some peer namespace has no task in it (pinned or not: a pin and an fd may hold one
/// namespace). Namespaces are recognised by stat, not by readlink: once the pin an fd was opened through
/// is gone, readlink no longer says <c>net:[…]</c>.
/// </summary>
internal static class FdScanner
{
    private static readonly LiveKernelFacts Live = new();

    /// <param name="deniedProcesses">Processes whose fd table we may not read: blind spots.</param>
    public static List<FdHolder> Scan(KernelPaths paths, IKernelFacts facts, ulong nsfsDevice, IReadOnlySet<ulong> ignoredInodes, out int deniedProcesses)
    {
        var holders = new List<FdHolder>();
        int denied = 0;
        foreach (int pid in ProcDirectory.NumericEntries(paths.Procfs))
        {
            holders.AddRange(NamespaceFds(paths, pid, nsfsDevice, () => denied++, facts).Where(h => !ignoredInodes.Contains(h.NetnsInode)));
        }
        deniedProcesses = denied;
        return holders;
    }

    /// <summary>
    /// The fds of one process (in every fd table it has, see <see cref="FdTables"/>) that are namespace
    /// files. Ours are skipped: they are the scan's own, opened a moment ago to ask for ids.
    /// </summary>
    /// <param name="denied">Called for each fd table we may not read.</param>
    /// <param name="facts">Where fd links are stat'ed (null: the kernel, as the delete path asks).</param>
    public static IEnumerable<FdHolder> NamespaceFds(KernelPaths paths, int pid, ulong nsfsDevice, Action denied, IKernelFacts? facts = null)
    {
        if (pid == Environment.ProcessId && paths.Procfs == "/proc") yield break;
        foreach (string fdDir in FdTables.Directories(paths, pid, facts))
        {
            var fds = ProcDirectory.NumericEntries(fdDir, out bool unreadable);
            if (unreadable) denied();
            foreach (int fd in fds)
            {
                string path = $"{fdDir}/{fd}";
                if ((facts ?? Live).StatFdLink(path, out ulong device, out ulong inode) != 0 || device != nsfsDevice) continue;
                yield return new FdHolder(inode, pid, fd, path);
            }
        }
    }
}
