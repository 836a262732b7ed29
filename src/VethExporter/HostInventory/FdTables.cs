using VethExporter.Interop;

namespace VethExporter.HostInventory;

/// <summary>
/// The fd directories to read for one process: its own, and those of its threads whose fd table is not
/// the process's (a thread after unshare(CLONE_FILES), or every thread when the group leader has exited
/// and its table went with it). /proc/PID/fd alone misses both.
/// </summary>
internal static class FdTables
{
    /// <param name="facts">Where kcmp is asked (null: the kernel).</param>
    public static IEnumerable<string> Directories(KernelPaths paths, int pid, IKernelFacts? facts = null)
    {
        yield return $"{paths.Procfs}/{pid}/fd";
        foreach (int tid in ProcDirectory.NumericEntries($"{paths.Procfs}/{pid}/task"))
        {
            if (tid == pid || (facts is null ? FileTables.Shared(pid, tid) : facts.SharesFileTable(pid, tid)) == true) continue;
            yield return $"{paths.Procfs}/{pid}/task/{tid}/fd";
        }
    }
}
