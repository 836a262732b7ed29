namespace VethExporter.HostInventory;

/// <summary>
/// Everything that holds one network namespace alive, and the id the scanned namespace knows it by.
/// </summary>
/// <param name="Inode">The nsfs inode, the namespace's identity; null when only tasks we may not inspect hold it (known by nsid).</param>
/// <param name="Nsid">Its id in the scanned namespace (IFLA_LINK_NETNSID space), null if none is assigned.</param>
/// <param name="Processes">Thread-group ids with at least one live thread inside it, with their state letter.</param>
/// <param name="Pins">Bind mounts of it, in any mount namespace.</param>
/// <param name="Fds">Open fds of processes on it (looked up only where nothing else held a peer namespace).</param>
public sealed record NetnsView(
    ulong? Inode,
    int? Nsid,
    IReadOnlyList<ProcessHolder> Processes,
    IReadOnlyList<NetnsPin> Pins,
    IReadOnlyList<FdHolder> Fds)
{
    /// <summary>A leaked namespace: kept alive by a bind mount while no process lives in it.</summary>
    public bool PinnedWithoutProcess => Pins.Count > 0 && Processes.Count == 0;
}
