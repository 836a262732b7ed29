namespace VethExporter.HostInventory;

/// <summary>
/// Everything that holds one network namespace alive, and the id the scanned namespace knows it by.
/// </summary>
/// <param name="Inode">The nsfs inode, the namespace's identity; null when only tasks we may not inspect hold it (known by nsid).</param>
/// <param name="Nsid">Its id in the scanned namespace (IFLA_LINK_NETNSID space), null if none is assigned.</param>
/// <param name="Processes">Thread-group ids with at least one live thread inside it, with their state letter.</param>
/// <param name="Pins">Bind mounts of it, in any mount namespace.</param>
/// <param name="Fds">Open fds of processes on it (looked up only where nothing else held a peer namespace).</param>
public sealed record NamespaceHolders(
    ulong? Inode,
    int? Nsid,
    IReadOnlyList<ProcessHolder> Processes,
    IReadOnlyList<NetnsPin> Pins,
    IReadOnlyList<FdHolder> Fds)
{
    /// <summary>A leaked namespace: kept alive by a bind mount while no process lives in it.</summary>
    public bool PinnedWithoutProcess => Pins.Count > 0 && Processes.Count == 0;
}

/// <summary>
/// A bind mount that keeps a network namespace alive. <see cref="OpenPath"/> reaches it from our own
/// mount namespace: the mount point itself when it is ours, else through /proc/PID/root of a task that
/// lives in the mount namespace that holds it. <see cref="Reachable"/>: nothing covers it, so opening or
/// unmounting that path reaches this mount (see <see cref="NsfsMount"/>).
/// </summary>
public sealed record NetnsPin(ulong NetnsInode, string MountPoint, ulong MountNsInode, string OpenPath, bool InOwnMountNs, bool Reachable = true);

/// <summary>An open file descriptor of process <see cref="Pid"/> that refers to a network namespace.</summary>
public sealed record FdHolder(ulong NetnsInode, int Pid, int Fd, string OpenPath);
