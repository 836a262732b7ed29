using VethExporter.Interop;

namespace VethExporter.HostInventory;

/// <summary>
/// Finds processes holding a namespace through an open fd. Costly (every fd of every process), so it runs
/// only when some peer namespace has no task in it (pinned or not: a pin and an fd may hold one namespace). Namespaces are recognised by stat, not by
/// readlink: once the pin an fd was opened through is gone, readlink no longer says <c>net:[…]</c>.
/// </summary>
internal static class FdScanner
{
    /// <param name="deniedProcesses">Processes whose fd table we may not read: blind spots.</param>
    public static List<FdHolder> Scan(KernelPaths paths, ulong nsfsDevice, IReadOnlySet<ulong> ignoredInodes, out int deniedProcesses)
    {
        var holders = new List<FdHolder>();
        deniedProcesses = 0;
        int self = Environment.ProcessId;
        foreach (int pid in ProcDirectory.NumericEntries(paths.Procfs))
        {
            // Our own fds on namespaces are the scan's, opened a moment ago to ask for ids: no holder.
            if (pid == self && paths.Procfs == "/proc") continue;
            foreach (string fdDir in FdTables.Directories(paths, pid))
            {
                var fds = ProcDirectory.NumericEntries(fdDir, out bool denied);
                if (denied) deniedProcesses++;
                foreach (int fd in fds)
                {
                    string path = $"{fdDir}/{fd}";
                    if (PosixFile.StatWithoutSync(path, out ulong device, out ulong inode) != 0) continue;
                    if (device != nsfsDevice || ignoredInodes.Contains(inode)) continue;
                    holders.Add(new FdHolder(inode, pid, fd, path));
                }
            }
        }
        return holders;
    }
}
