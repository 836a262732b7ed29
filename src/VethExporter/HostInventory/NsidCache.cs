using VethExporter.Netlink;

namespace VethExporter.HostInventory;

/// <summary>
/// Namespace ids from the last scan, by nsfs inode, so a steady-state scan asks the kernel only about
/// namespaces it has not seen. An id once assigned never changes while both namespaces live; it goes
/// when the peer namespace dies, and the kernel says so on RTNLGRP_NSID (<see cref="NsidWatch"/>). An
/// inode can be reused by a new namespace only after the old one died, whose id removal is told first:
/// so an entry whose id was assigned or removed since is dropped, an overflow drops everything, and an
/// inode not seen in a scan is forgotten.
/// </summary>
internal sealed class NsidCache
{
    private Dictionary<ulong, int> _ids = [];

    public int Count => _ids.Count;

    public bool TryGet(ulong inode, out int nsid) => _ids.TryGetValue(inode, out nsid);

    /// <summary>Drops what the notifications make doubtful.</summary>
    /// <returns>The inodes dropped.</returns>
    public List<ulong> Apply(NsidChanges changes)
    {
        if (!changes.Any) return [];
        var dropped = changes.Overflowed ? _ids.Keys.ToList() : _ids.Where(e => changes.Ids.Contains(e.Value)).Select(e => e.Key).ToList();
        foreach (var inode in dropped) _ids.Remove(inode);
        return dropped;
    }

    /// <summary>Keeps exactly the assigned ids this scan found; everything else is forgotten.</summary>
    public void Replace(IReadOnlyDictionary<ulong, int> found) =>
        _ids = found.Where(e => e.Value >= 0).ToDictionary(e => e.Key, e => e.Value);

    /// <summary>Forgets everything (a watch that failed: nothing can be kept safely).</summary>
    public void Clear() => _ids.Clear();
}
