using VethExporter.Interop;

namespace VethExporter.HostInventory;

/// <summary>
/// One pass over /proc: the network namespace of every thread (a group leader that exited leaves a zombie
/// whose threads still hold the namespace, so threads are read, not just processes) and one pid per
/// distinct mount namespace.
/// </summary>
internal static class ProcScanner
{
    public static ProcScan Scan(KernelPaths paths)
    {
        var byNetns = new Dictionary<ulong, List<TaskHolder>>();
        var mountNamespaces = new Dictionary<ulong, TaskHolder>();
        int tasksSeen = 0;
        var unreadable = new List<TaskHolder>();
        int deniedTaskLists = 0, tasksListed = 0;
        long threadsBefore = ThreadCount.Read(paths.Procfs);
        Span<byte> link = stackalloc byte[64];

        foreach (int pid in ProcDirectory.NumericEntries(paths.Procfs))
        {
            bool mountNsKnown = false;
            var tids = ProcDirectory.NumericEntries($"{paths.Procfs}/{pid}/task", out bool denied);
            if (denied) deniedTaskLists++;
            tasksListed += tids.Count;
            foreach (int tid in tids)
            {
                string taskDir = $"{paths.Procfs}/{pid}/task/{tid}/ns/";
                int n = PosixFile.ReadLink(taskDir + "net", link);
                if (n < 0)
                {
                    // ENOENT: a zombie (its namespaces are already released) or a task that just exited.
                    if (Errno.IsDenied(-n)) unreadable.Add(new TaskHolder(pid, tid));
                    continue;
                }
                tasksSeen++;
                if (!NamespaceLinkParser.TryParseNet(link[..n], out ulong netns)) continue;
                if (!byNetns.TryGetValue(netns, out var holders)) byNetns[netns] = holders = [];
                holders.Add(new TaskHolder(pid, tid));

                if (mountNsKnown) continue;
                n = PosixFile.ReadLink(taskDir + "mnt", link);
                if (n > 0 && NamespaceLinkParser.TryParse(link[..n], "mnt"u8, out ulong mountNs))
                {
                    mountNamespaces.TryAdd(mountNs, new TaskHolder(pid, tid));
                    mountNsKnown = true;
                }
            }
        }
        var listing = new TaskListing(tasksListed, threadsBefore, ThreadCount.Read(paths.Procfs));
        return new ProcScan(byNetns, mountNamespaces, tasksSeen, unreadable, deniedTaskLists, listing);
    }
}

/// <summary>What one pass over /proc found.</summary>
/// <param name="TasksByNetns">Live tasks per network namespace inode.</param>
/// <param name="MountNamespaces">One live task per distinct mount namespace, to read its mountinfo.</param>
/// <param name="TasksSeen">Threads whose namespace link was read.</param>
/// <param name="Unreadable">Tasks whose namespace link we may not read (ptrace rules): resolved by nsid instead.</param>
/// <param name="DeniedTaskLists">Processes whose /proc/PID/task we may not list: their threads are invisible.</param>
internal sealed record ProcScan(
    Dictionary<ulong, List<TaskHolder>> TasksByNetns,
    Dictionary<ulong, TaskHolder> MountNamespaces,
    int TasksSeen,
    List<TaskHolder> Unreadable,
    int DeniedTaskLists = 0,
    TaskListing? Listing = null);

/// <summary>A task (thread) whose network namespace link points at a namespace; zombies never appear.</summary>
public readonly record struct TaskHolder(int Pid, int Tid);

/// <summary>
/// A process (thread group) with a live thread in a namespace. <see cref="State"/> is the state letter
/// of that thread (R, S, D, T…; '?' when not read): a stopped or D-state task still holds the namespace.
/// </summary>
public readonly record struct ProcessHolder(int Pid, int Tid, char State);
