using VethExporter.Interop;
using VethExporter.Netlink;

namespace VethExporter.HostInventory;

/// <summary>
/// Gathers the kernel facts of one scan at O(links + tasks + mounts) cost: one dump each of links,
/// addresses and qdiscs, one pass over /proc, one mountinfo per mount namespace, one RTM_GETNSID per
/// distinct namespace, and the fd walk only when some peer namespace has no task in it (a pin alone
/// does not make an orphan: a process may hold the same namespace open by fd).
/// </summary>
/// <param name="lookupNetlink">A second socket in the scanned namespace, if any: the per-namespace id lookups are split between the two.</param>
/// <param name="scannedNetns">The scanned namespace as opened when the sockets were (null: our own).</param>
internal sealed class HostInventoryCollector(KernelPaths paths, RouteNetlinkClient netlink, RouteNetlinkClient? lookupNetlink = null, NamespaceFile? scannedNetns = null)
{
    private const int MaxProcessesPerNamespace = 32;

    /// <summary>Below this many namespaces a second thread is not worth starting.</summary>
    private const int SplitFrom = 32;

    private int _unopenablePins;
    private ulong _nsfsDevice;

    public HostInventorySnapshot Collect()
    {
        _unopenablePins = 0;
        // The open namespace, not its path: whatever is bound at the path now, the sockets are in this one.
        ulong nsfsDevice = scannedNetns?.Device ?? 0;
        ulong scannedInode = scannedNetns?.Inode ?? StatOrThrow(KernelPaths.OwnNetns, out nsfsDevice);
        _nsfsDevice = nsfsDevice;
        ulong ownMountNs = StatOrThrow(KernelPaths.OwnMountNs, out _);

        // The /proc and mountinfo passes need no netlink and the dumps no /proc: both are mostly kernel
        // time, so they run side by side, the passes on the thread pool. That thread, once done, starts on
        // the namespace ids through the second socket while the dumps may still run; this one joins in
        // after the dumps.
        int linksDumped = 0;
        int deniedMountinfo = 0;
        var ready = new TaskCompletionSource<NsidLookups>(TaskCreationOptions.RunContinuationsAsynchronously);
        var passes = Task.Run(() =>
        {
            try
            {
                var scan = ProcScanner.Scan(paths);
                var pins = MountScanner.Scan(paths, scan.MountNamespaces, ownMountNs, scan.Unreadable, out deniedMountinfo)
                    .Where(pin => pin.NetnsInode != scannedInode)
                    .ToLookup(pin => pin.NetnsInode);
                var lookups = new NsidLookups(this, scan, pins, scannedInode);
                ready.SetResult(lookups);
                if (lookupNetlink is not null) lookups.Drain(lookupNetlink, () => Volatile.Read(ref linksDumped) != 0);
                return (Proc: scan, Pins: pins, Lookups: lookups);
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

        var (proc, pins, nsidLookups) = passes.GetAwaiter().GetResult();
        var nsids = nsidLookups.Finish(netlink);

        var peerNsids = links.Where(l => l.IsVeth && l.LinkNetnsId >= 0).Select(l => l.LinkNetnsId!.Value).ToHashSet();
        var (hiddenTasks, unresolved) = ResolveUnreadableTasks(proc.Unreadable);
        var heldByTasks = proc.TasksByNetns.Keys.ToHashSet();
        heldByTasks.Add(scannedInode);
        var withoutTask = peerNsids
            .Except(nsids.Where(e => heldByTasks.Contains(e.Key)).Select(e => e.Value))
            .Except(hiddenTasks.Keys)
            .ToList();
        int fdDenied = 0;
        var fds = withoutTask.Count == 0 ? [] : FindFdHolders(nsids, heldByTasks, out fdDenied);

        // One stat file per process in every peer namespace: kernel time again, split like the lookups.
        var entries = nsids.ToArray();
        var processes = new List<ProcessHolder>[entries.Length];
        ForEach(entries.Length, (_, i) => processes[i] = Processes(
            Concat(proc.TasksByNetns.GetValueOrDefault(entries[i].Key), hiddenTasks.GetValueOrDefault(entries[i].Value)),
            readStates: peerNsids.Contains(entries[i].Value)));
        var namespaces = entries.Select((entry, i) => new NetnsView(
                entry.Key,
                entry.Value >= 0 ? entry.Value : null,
                processes[i],
                pins[entry.Key].ToList(),
                fds.Where(fd => fd.NetnsInode == entry.Key).ToList()))
            .ToList();
        foreach (var (nsid, tasks) in hiddenTasks)
        {
            if (!nsids.ContainsValue(nsid)) namespaces.Add(new NetnsView(null, nsid, Processes(tasks, readStates: true), [], []));
        }
        namespaces.Sort((a, b) => Nullable.Compare(a.Inode, b.Inode));

        int sharedIds = namespaces.Where(n => n.Nsid is not null).GroupBy(n => n.Nsid).Count(g => g.Count() > 1);
        var limitations = HostViewCheck.FindLimitations(paths,
            new BlindSpots(proc.TasksSeen, unresolved, _unopenablePins, fdDenied, deniedMountinfo, sharedIds, proc.DeniedTaskLists, proc.Listing));
        return new HostInventorySnapshot(links, addresses, qdiscs, scannedInode, namespaces, limitations.Count == 0, limitations);
    }

    /// <summary>
    /// The id of every namespace a task or a pin showed us: asked through one of its tasks, else through
    /// one of its pins. Each RTM_GETNSID costs the kernel a linear walk over the scanned namespace's ids,
    /// so with thousands of namespaces the lookups cost as much as the link dump: they are handed out one
    /// at a time to whichever thread is free, each with its own socket.
    /// </summary>
    /// <remarks>
    /// Dumping the links assigns ids to the peers' namespaces that had none, so a lookup sent before the
    /// link dump ended may answer "not assigned" for a namespace that has an id by the end. An id once
    /// assigned never changes while both namespaces live: only those early "not assigned" answers are
    /// asked again, in <see cref="Finish"/>.
    /// </remarks>
    private sealed class NsidLookups
    {
        private readonly HostInventoryCollector _owner;
        private readonly ILookup<ulong, NetnsPin> _pins;
        private readonly List<(ulong Inode, List<TaskHolder>? Tasks)> _wanted = [];
        private readonly int[] _found;
        private readonly bool[] _beforeLinkDump;
        private int _next = -1;

        public NsidLookups(HostInventoryCollector owner, ProcScan proc, ILookup<ulong, NetnsPin> pins, ulong scannedInode)
        {
            _owner = owner;
            _pins = pins;
            foreach (var (inode, tasks) in proc.TasksByNetns)
            {
                if (inode != scannedInode) _wanted.Add((inode, tasks));
            }
            foreach (var group in pins)
            {
                if (!proc.TasksByNetns.ContainsKey(group.Key)) _wanted.Add((group.Key, null));
            }
            _found = new int[_wanted.Count];
            _beforeLinkDump = new bool[_wanted.Count];
        }

        /// <summary>Takes namespaces not yet taken by another thread and asks for their ids, until none is left.</summary>
        public void Drain(RouteNetlinkClient client, Func<bool> linksDumped)
        {
            int i;
            while ((i = Interlocked.Increment(ref _next)) < _wanted.Count)
            {
                _beforeLinkDump[i] = !linksDumped();
                _found[i] = Ask(client, i);
            }
        }

        /// <summary>After every <see cref="Drain"/> has returned: asks the early "not assigned" again, returns every id.</summary>
        public Dictionary<ulong, int> Finish(RouteNetlinkClient client)
        {
            var nsids = new Dictionary<ulong, int>(_wanted.Count);
            for (int i = 0; i < _wanted.Count; i++)
            {
                if (_beforeLinkDump[i] && _found[i] == NetlinkConstants.NsidNotAssigned) _found[i] = Ask(client, i);
                nsids[_wanted[i].Inode] = _found[i];
            }
            return nsids;
        }

        private int Ask(RouteNetlinkClient client, int i)
        {
            var (inode, tasks) = _wanted[i];
            return (tasks is null ? null : NsidOfTasks(client, tasks)) ?? _owner.NsidOfPins(client, _pins[inode]) ?? NetlinkConstants.NsidNotAssigned;
        }
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

    /// <summary>
    /// ptrace rules may hide a task's namespace links even from root (a sandbox's init, say), but
    /// RTM_GETNSID by pid needs no such access: it still says which of the scanned namespace's ids the
    /// task lives in. A task in a namespace with no id there cannot be holding a veth peer.
    /// </summary>
    private (Dictionary<int, List<TaskHolder>> ByNsid, int Unresolved) ResolveUnreadableTasks(List<TaskHolder> tasks)
    {
        var byNsid = new Dictionary<int, List<TaskHolder>>();
        int unresolved = 0;
        foreach (var task in tasks)
        {
            var answer = netlink.GetNsidByPid(task.Tid);
            if (!answer.Succeeded)
            {
                if (!Errno.IsGone(answer.Errno)) unresolved++;
                continue;
            }
            if (answer.Nsid < 0) continue;
            if (!byNsid.TryGetValue(answer.Nsid, out var list)) byNsid[answer.Nsid] = list = [];
            list.Add(task);
        }
        return (byNsid, unresolved);
    }

    private static List<TaskHolder>? Concat(List<TaskHolder>? visible, List<TaskHolder>? hidden) =>
        hidden is null ? visible : visible is null ? hidden : [.. visible, .. hidden];

    /// <summary>
    /// Looks for fd holders of every namespace no task lives in, pinned or not; adds the ids of those
    /// nothing else showed us to <paramref name="nsids"/>.
    /// </summary>
    private List<FdHolder> FindFdHolders(Dictionary<ulong, int> nsids, IReadOnlySet<ulong> heldByTasks, out int deniedProcesses)
    {
        var found = new List<FdHolder>();
        foreach (var group in FdScanner.Scan(paths, _nsfsDevice, heldByTasks, out deniedProcesses).GroupBy(fd => fd.NetnsInode))
        {
            if (nsids.TryGetValue(group.Key, out int known) && known >= 0)
            {
                found.AddRange(group); // a pinned namespace: its id is known already
                continue;
            }
            // Not every nsfs fd is a network namespace: the kernel refuses the others with EINVAL.
            foreach (var holder in group)
            {
                using var handle = PosixFile.TryOpenNamespace(holder.OpenPath, _nsfsDevice, group.Key, out _, throughFdLink: true);
                if (handle is null) continue;
                var answer = netlink.GetNsidByFd(handle.Fd);
                if (!answer.Succeeded) break;
                nsids[group.Key] = answer.Nsid;
                found.AddRange(group);
                break;
            }
        }
        return found;
    }

    private static int? NsidOfTasks(RouteNetlinkClient client, List<TaskHolder> tasks)
    {
        // A task may exit between the /proc pass and now; any other thread of the namespace will do.
        foreach (var task in tasks.Take(4))
        {
            var answer = client.GetNsidByPid(task.Tid);
            if (answer.Succeeded) return answer.Nsid;
        }
        return null;
    }

    private int? NsidOfPins(RouteNetlinkClient client, IEnumerable<NetnsPin> pins)
    {
        // A pin we may not open, one covered by another mount, or one where something other than the namespace
        // mountinfo named now sits (a FIFO, a symlink, another namespace) tells us nothing: a blind spot.
        bool blind = false;
        foreach (var pin in pins)
        {
            if (!pin.Reachable)
            {
                blind = true;
                continue;
            }
            using var handle = PosixFile.TryOpenNamespace(pin.OpenPath, _nsfsDevice, pin.NetnsInode, out int errno);
            blind |= handle is null && !Errno.IsGone(errno);
            if (handle is null) continue;
            var answer = client.GetNsidByFd(handle.Fd);
            if (answer.Succeeded) return answer.Nsid;
        }
        if (blind) Interlocked.Increment(ref _unopenablePins);
        return null;
    }

    private List<ProcessHolder> Processes(List<TaskHolder>? tasks, bool readStates)
    {
        if (tasks is null) return [];
        var processes = new List<ProcessHolder>();
        foreach (var task in tasks.DistinctBy(t => t.Pid))
        {
            char state = '?';
            if (readStates && processes.Count < MaxProcessesPerNamespace)
            {
                var stat = PosixFile.TryReadAll($"{paths.Procfs}/{task.Pid}/task/{task.Tid}/stat", out _);
                if (stat is null || !TaskStatParser.TryParseState(stat, out state)) state = '?';
            }
            processes.Add(new ProcessHolder(task.Pid, task.Tid, state));
        }
        return processes;
    }

    private static ulong StatOrThrow(string path, out ulong device)
    {
        int errno = PosixFile.Stat(path, out device, out ulong inode);
        if (errno != 0) throw new SystemCallException($"stat({path})", errno);
        return inode;
    }
}
