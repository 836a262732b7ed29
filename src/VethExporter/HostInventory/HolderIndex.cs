namespace VethExporter.HostInventory;

/// <summary>
/// Puts the holders found by the passes together, one view per namespace: pure, so every way the passes
/// can come out is tested without root.
/// </summary>
internal static class HolderIndex
{
    /// <param name="nsids">The id of every namespace a task, pin or fd showed us, by inode (-1: none assigned).</param>
    /// <param name="processes">The processes in each of those namespaces, by inode (read by the caller).</param>
    /// <param name="hiddenOnly">Processes of namespaces known only by id (tasks whose links ptrace rules hide), by nsid.</param>
    public static List<NamespaceHolders> Build(
        IReadOnlyDictionary<ulong, int> nsids,
        IReadOnlyDictionary<ulong, List<ProcessHolder>> processes,
        ILookup<ulong, NetnsPin> pins,
        IReadOnlyList<FdHolder> fds,
        IReadOnlyDictionary<int, List<ProcessHolder>> hiddenOnly)
    {
        var fdsByInode = fds.ToLookup(fd => fd.NetnsInode);
        var namespaces = nsids.Select(entry => new NamespaceHolders(
                entry.Key,
                entry.Value >= 0 ? entry.Value : null,
                processes.GetValueOrDefault(entry.Key) ?? [],
                pins[entry.Key].ToList(),
                fdsByInode[entry.Key].ToList()))
            .ToList();
        foreach (var (nsid, hidden) in hiddenOnly)
        {
            if (!nsids.Values.Contains(nsid)) namespaces.Add(new NamespaceHolders(null, nsid, hidden, [], []));
        }
        namespaces.Sort((a, b) => Nullable.Compare(a.Inode, b.Inode) is int c and not 0 ? c : Nullable.Compare(a.Nsid, b.Nsid));
        return namespaces;
    }

    /// <summary>Ids that more than one namespace claims: one of those views is wrong (a blind spot).</summary>
    public static int SharedIds(IEnumerable<NamespaceHolders> namespaces) =>
        namespaces.Where(n => n.Nsid is not null).GroupBy(n => n.Nsid).Count(g => g.Skip(1).Any());
}
