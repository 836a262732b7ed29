namespace VethExporter.Cni;

/// <summary>
/// The CNI facts of one scan: libcni cache entries, host-local leases, the ifb redirects of the bandwidth
/// plugin, and what each cached netns path is now. Everything that could not be read is an error naming
/// its file, never a silent gap. The chains CNI plugins made come from the scan's firewall listings
/// (Firewall's FirewallRules.Cni: one listing serves the interface references and the CNI chains).
/// </summary>
public sealed record CniInventory(
    IReadOnlyList<CniCacheEntry> Entries,
    IReadOnlyList<HostLocalLease> Leases,
    IReadOnlyList<IfbRedirect> Redirects,
    IReadOnlyDictionary<string, NetnsPathFact> NetnsPaths,
    IReadOnlyList<CniReadError> Errors)
{
    public static CniInventory Empty { get; } = new([], [], [], new Dictionary<string, NetnsPathFact>(), []);
}

/// <summary>A tc filter on <paramref name="FromIndex"/>'s ingress that mirrors or redirects to <paramref name="ToIndex"/> (the bandwidth plugin's ifb).</summary>
public sealed record IfbRedirect(int FromIndex, int ToIndex);

/// <summary>
/// What a cached netns path is now. <paramref name="Inode"/>: the nsfs inode it reaches, null when it
/// reaches none (gone, or a plain file left after an unmount). <paramref name="Doubt"/>: why it could not
/// be told (permission, a /proc/PID/ns/net whose process may be another now), which makes the
/// attachment unknown. <paramref name="Detail"/>: what was found, for messages (why it is gone).
/// </summary>
public sealed record NetnsPathFact(string Path, ulong? Inode, string? Doubt, string? Detail = null)
{
    public bool Gone => Inode is null && Doubt is null;
}

/// <param name="Path">The file or directory that could not be used.</param>
public sealed record CniReadError(string Path, string Error);
