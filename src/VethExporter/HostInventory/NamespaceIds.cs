using VethExporter.Interop;
using VethExporter.Netlink;

namespace VethExporter.HostInventory;

/// <summary>
/// Learns the id (in the scanned namespace) of every namespace a task or a pin showed us: asked through
/// one of its tasks, else through one of its pins. Each RTM_GETNSID costs the kernel a linear walk over
/// the scanned namespace's ids, so with thousands of namespaces the lookups cost as much as the link
/// dump: they are handed out one at a time to whichever thread is free (<see cref="Drain"/>), each with
/// its own socket.
/// </summary>
/// <remarks>
/// Dumping the links assigns ids to the peers' namespaces that had none, so a lookup sent before the
/// link dump ended may answer "not assigned" for a namespace that has an id by the end. An id once
/// assigned never changes while both namespaces live: only those early "not assigned" answers are asked
/// again, in <see cref="Finish"/>. A pin is opened only when it is reachable and verified
/// (<see cref="PosixFile.TryOpenNamespace"/>); one we could not use is a blind spot. Ids the
/// <see cref="NsidCache"/> kept from the last scan are used without asking, unless a notification read
/// at <see cref="Finish"/> says that id changed during this scan.
/// </remarks>
internal sealed class NamespaceIds
{
    private readonly ulong _nsfsDevice;
    private readonly ILookup<ulong, NetnsPin> _pins;
    private readonly List<(ulong Inode, List<TaskHolder>? Tasks)> _wanted = [];
    private readonly int[] _found;
    private readonly bool[] _beforeLinkDump;
    private readonly bool[] _cached;
    private readonly NsidCache? _cache;
    private int _next = -1;
    private int _unusablePins;
    private int _asked;

    public NamespaceIds(ulong nsfsDevice, ProcScan proc, ILookup<ulong, NetnsPin> pins, ulong scannedInode, NsidCache? cache = null)
    {
        _nsfsDevice = nsfsDevice;
        _pins = pins;
        _cache = cache;
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
        _cached = new bool[_wanted.Count];
    }

    /// <summary>Namespaces whose id was asked of the kernel this scan (the rest came from the cache).</summary>
    public int Asked => Volatile.Read(ref _asked);

    /// <summary>Namespaces whose pins could not be opened and verified, and that no task placed.</summary>
    public int UnusablePins => Volatile.Read(ref _unusablePins);

    /// <summary>Takes namespaces not yet taken by another thread and asks for their ids, until none is left.</summary>
    public void Drain(IRouteQueries client, Func<bool> linksDumped)
    {
        int i;
        while ((i = Interlocked.Increment(ref _next)) < _wanted.Count)
        {
            if (_cache is not null && _cache.TryGet(_wanted[i].Inode, out int kept))
            {
                _cached[i] = true;
                _found[i] = kept;
                continue;
            }
            _beforeLinkDump[i] = !linksDumped();
            _found[i] = Ask(client, i);
        }
    }

    /// <summary>
    /// After every <see cref="Drain"/> has returned: asks the early "not assigned" again, and every
    /// answer whose id <paramref name="duringScan"/> (the notifications since the scan began) touched —
    /// all cached ones if notifications were lost; returns every id by inode.
    /// </summary>
    public Dictionary<ulong, int> Finish(IRouteQueries client, NsidChanges? duringScan = null)
    {
        var nsids = new Dictionary<ulong, int>(_wanted.Count);
        for (int i = 0; i < _wanted.Count; i++)
        {
            // An id assigned or removed during the scan may have moved under an answer, cached or fresh.
            bool stale = duringScan is not null && ((_cached[i] && duringScan.Overflowed) || (_found[i] >= 0 && duringScan.Ids.Contains(_found[i])));
            if (stale || (_beforeLinkDump[i] && _found[i] == NetlinkConstants.NsidNotAssigned)) _found[i] = Ask(client, i);
            nsids[_wanted[i].Inode] = _found[i];
        }
        return nsids;
    }

    /// <summary>
    /// ptrace rules may hide a task's namespace links even from root (a sandbox's init, say), but
    /// RTM_GETNSID by pid needs no such access: it still says which of the scanned namespace's ids the
    /// task lives in. A task in a namespace with no id there cannot be holding a veth peer.
    /// </summary>
    public static (Dictionary<int, List<TaskHolder>> ByNsid, int Unresolved) PlaceHiddenTasks(IRouteQueries client, List<TaskHolder> tasks)
    {
        var byNsid = new Dictionary<int, List<TaskHolder>>();
        int unresolved = 0;
        foreach (var task in tasks)
        {
            var answer = client.NsidOfTask(task.Tid);
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

    private int Ask(IRouteQueries client, int i)
    {
        Interlocked.Increment(ref _asked);
        var (inode, tasks) = _wanted[i];
        return (tasks is null ? null : OfTasks(client, tasks)) ?? OfPins(client, _pins[inode]) ?? NetlinkConstants.NsidNotAssigned;
    }

    private static int? OfTasks(IRouteQueries client, List<TaskHolder> tasks)
    {
        // A task may exit between the /proc pass and now; any other thread of the namespace will do.
        foreach (var task in tasks.Take(4))
        {
            var answer = client.NsidOfTask(task.Tid);
            if (answer.Succeeded) return answer.Nsid;
        }
        return null;
    }

    private int? OfPins(IRouteQueries client, IEnumerable<NetnsPin> pins)
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
            var answer = client.NsidOfFile(pin.OpenPath, _nsfsDevice, pin.NetnsInode, throughFdLink: false, out int errno);
            blind |= answer is null && !Errno.IsGone(errno);
            if (answer is { Succeeded: true } found) return found.Nsid;
        }
        if (blind) Interlocked.Increment(ref _unusablePins);
        return null;
    }
}
