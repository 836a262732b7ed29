namespace VethExporter.HostInventory;

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
