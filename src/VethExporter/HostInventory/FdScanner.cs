using VethExporter.Interop;

namespace VethExporter.HostInventory;

/// <summary>
/// Finds processes holding a namespace through an open fd. Costly (every fd of every process), so it runs
/// only when some peer namespace has neither a task nor a pin. Namespaces are recognised by stat, not by
/// readlink: once the pin an fd was opened through is gone, readlink no longer says <c>net:[…]</c>.
/// </summary>
internal static class FdScanner
{
    public static List<FdHolder> Scan(KernelPaths paths, ulong nsfsDevice, IReadOnlySet<ulong> ignoredInodes)
    {
        var holders = new List<FdHolder>();
        foreach (int pid in ProcDirectory.NumericEntries(paths.Procfs))
        {
            string fdDir = $"{paths.Procfs}/{pid}/fd";
            foreach (int fd in ProcDirectory.NumericEntries(fdDir))
            {
                string path = $"{fdDir}/{fd}";
                if (PosixFile.Stat(path, out ulong device, out ulong inode) != 0) continue;
                if (device != nsfsDevice || ignoredInodes.Contains(inode)) continue;
                holders.Add(new FdHolder(inode, pid, fd, path));
            }
        }
        return holders;
    }
}
