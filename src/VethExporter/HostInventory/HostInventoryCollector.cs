using VethExporter.Netlink;

namespace VethExporter.HostInventory;

/// <summary>
/// Gathers the kernel facts of one scan at O(links + tasks + mounts) cost: one dump each of links,
/// addresses and qdiscs, one pass over /proc (<see cref="ProcScanner"/>), one mountinfo per mount
/// namespace (<see cref="MountScanner"/>), one RTM_GETNSID per distinct namespace
/// (<see cref="NamespaceIds"/>), and the fd walk (<see cref="FdHolderSearch"/>) only when some peer
/// namespace has no task in it (a pin alone does not make an orphan: a process may hold the same
/// namespace open by fd). <see cref="HolderIndex"/> puts the results together.
/// </summary>
/// <param name="lookupNetlink">A second socket in the scanned namespace, if any: the per-namespace id lookups are split between the two.</param>
/// <param name="facts">What is not a file under the procfs root: the scanned namespace, fd link stats, capabilities.</param>
internal sealed class HostInventoryCollector(KernelPaths paths, IRouteQueries netlink, IRouteQueries? lookupNetlink, IKernelFacts facts,
    NsidWatch? watch = null)
{
    /// <summary>Ids kept between scans; only with a <paramref name="watch"/> to say when one goes stale.</summary>
    private readonly NsidCache _cache = new();
    /// <summary>Below this many namespaces a second thread is not worth starting.</summary>
    private const int SplitFrom = 32;

    /// <summary>How many RTM_GETNSID lookups the last scan sent for namespaces (the cache's hits did without).</summary>
    public int LastLookups { get; private set; }

    public HostFacts Collect()
    {
        var (nsfsDevice, scannedInode) = facts.ScannedNetns();
        ulong ownMountNs = facts.OwnMountNs();

        if (watch is null) _cache.Clear();
        else _cache.Apply(watch.Drain());
        var (links, addresses, qdiscs, proc, pins, ids, deniedMountinfo) = RunPasses(nsfsDevice, scannedInode, ownMountNs);
        var nsids = ids.Finish(netlink, watch?.Drain());
        LastLookups = ids.Asked;

        var peerNsids = links.Where(l => l.IsVeth && l.LinkNetnsId >= 0).Select(l => l.LinkNetnsId!.Value).ToHashSet();
        var (hiddenTasks, unresolved) = NamespaceIds.PlaceHiddenTasks(netlink, proc.Unreadable);
        var heldByTasks = proc.TasksByNetns.Keys.ToHashSet();
        heldByTasks.Add(scannedInode);
        bool peerWithoutTask = peerNsids
            .Except(nsids.Where(e => heldByTasks.Contains(e.Key)).Select(e => e.Value))
            .Except(hiddenTasks.Keys)
            .Any();
        int fdDenied = 0;
        var fds = peerWithoutTask ? FdHolderSearch.Find(paths, netlink, facts, nsfsDevice, nsids, heldByTasks, out fdDenied) : [];

        // One stat file per process in every peer namespace: kernel time again, split like the lookups.
        var entries = nsids.ToArray();
        var processes = new List<ProcessHolder>[entries.Length];
        ForEach(entries.Length, (_, i) => processes[i] = TaskStates.Processes(paths,
            Concat(proc.TasksByNetns.GetValueOrDefault(entries[i].Key), hiddenTasks.GetValueOrDefault(entries[i].Value)),
            readStates: peerNsids.Contains(entries[i].Value)));
        var hiddenOnly = hiddenTasks.Where(e => !nsids.ContainsValue(e.Key))
            .ToDictionary(e => e.Key, e => TaskStates.Processes(paths, e.Value, readStates: true));
        var namespaces = HolderIndex.Build(nsids, entries.Select((e, i) => (e.Key, processes[i])).ToDictionary(), pins, fds, hiddenOnly);

        // Only ids learnt this scan are kept, so an inode no longer seen (its namespace gone) is forgotten.
        if (watch is not null) _cache.Replace(nsids);
        // A pinned namespace whose id we could not learn can only be the peer of a veth whose peer id no
        // namespace we identified carries: only then is it a blind spot. (Any user may cover a pin of their
        // own; that must not switch remediation off for the whole node.)
        bool peerUnexplained = peerNsids.Except(nsids.Values).Except(hiddenTasks.Keys).Any();
        int unusablePins = peerUnexplained ? ids.UnusablePins : 0;
        var limitations = HostViewCheck.FindLimitations(paths, facts, new BlindSpots(proc.TasksSeen, unresolved, unusablePins, fdDenied,
            deniedMountinfo, HolderIndex.SharedIds(namespaces), proc.DeniedTaskLists, proc.Listing));
        return new HostFacts(links, addresses, qdiscs, scannedInode, namespaces, limitations.Count == 0, limitations);
    }

    /// <summary>
    /// The one place where /proc and netlink work overlap. The /proc and mountinfo passes need no netlink
    /// and the dumps no /proc: both are mostly kernel time, so they run side by side, the passes on the
    /// thread pool. That thread, once done, starts on the namespace ids through the second socket while
    /// the dumps may still run; this one joins in after the dumps. <see cref="NamespaceIds.Finish"/> is
    /// left to the caller, once both have drained.
    /// </summary>
    private (List<LinkRecord> Links, List<AddressRecord> Addresses, List<QdiscRecord> Qdiscs, ProcScan Proc, ILookup<ulong, NetnsPin> Pins,
        NamespaceIds Ids, int DeniedMountinfo) RunPasses(ulong nsfsDevice, ulong scannedInode, ulong ownMountNs)
    {
        int linksDumped = 0;
        int deniedMountinfo = 0;
        var ready = new TaskCompletionSource<NamespaceIds>(TaskCreationOptions.RunContinuationsAsynchronously);
        var passes = Task.Run(() =>
        {
            try
            {
                var scan = ProcScanner.Scan(paths);
                var pins = MountScanner.Scan(paths, scan.MountNamespaces, ownMountNs, scan.Unreadable, out deniedMountinfo)
                    .Where(pin => pin.NetnsInode != scannedInode)
                    .ToLookup(pin => pin.NetnsInode);
                var ids = new NamespaceIds(nsfsDevice, scan, pins, scannedInode, watch is null ? null : _cache);
                ready.SetResult(ids);
                if (lookupNetlink is not null) ids.Drain(lookupNetlink, () => Volatile.Read(ref linksDumped) != 0);
                return (Proc: scan, Pins: pins, Ids: ids);
            }
            catch (Exception e)
            {
                ready.TrySetException(e);
                throw;
            }
        });
        List<LinkRecord> links;
        List<AddressRecord> addresses;
        List<QdiscRecord> qdiscs;
        try
        {
            links = netlink.DumpLinks();
            Volatile.Write(ref linksDumped, 1);
            addresses = netlink.DumpAddresses();
            qdiscs = netlink.DumpQdiscs();
            ready.Task.GetAwaiter().GetResult().Drain(netlink, static () => true);
        }
        catch
        {
            // The other thread may still be using the second socket: let it finish before the next scan
            // can start. Our failure is the one reported; one of the passes is observed and dropped.
            ((IAsyncResult)passes).AsyncWaitHandle.WaitOne();
            _ = passes.Exception;
            throw;
        }
        var (proc, pinLookup, namespaceIds) = passes.GetAwaiter().GetResult();
        return (links, addresses, qdiscs, proc, pinLookup, namespaceIds, Volatile.Read(ref deniedMountinfo));
    }

    /// <summary>
    /// Calls <paramref name="body"/>(worker, i) for every i below <paramref name="count"/>: interleaved
    /// between this thread (worker 0) and one pool thread (worker 1) when there is a second socket (so a
    /// second CPU) and enough work, else all on this thread.
    /// </summary>
    private void ForEach(int count, Action<int, int> body)
    {
        if (lookupNetlink is null || count < SplitFrom)
        {
            for (int i = 0; i < count; i++) body(0, i);
            return;
        }
        void Run(int worker)
        {
            for (int i = worker; i < count; i += 2) body(worker, i);
        }
        var other = Task.Run(() => Run(1));
        try
        {
            Run(0);
        }
        finally
        {
            // Never leave the other half running behind a failure; its own failure surfaces below.
            ((IAsyncResult)other).AsyncWaitHandle.WaitOne();
        }
        other.GetAwaiter().GetResult();
    }

    private static List<TaskHolder>? Concat(List<TaskHolder>? visible, List<TaskHolder>? hidden) =>
        hidden is null ? visible : visible is null ? hidden : [.. visible, .. hidden];
}
