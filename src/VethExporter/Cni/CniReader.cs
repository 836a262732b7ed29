using VethExporter.Netlink;

namespace VethExporter.Cni;

/// <summary>
/// Reads the CNI facts of one scan: libcni's cache files, host-local's reservations (in the default data
/// directory and in every cached config's own <c>ipam.dataDir</c>), what each cached netns path is now, and,
/// given the scanned namespace's netlink client, the ifb redirects on its host links. A file or directory that
/// cannot be used is a <see cref="CniReadError"/> naming it; the read goes on. The firewall chains come from
/// the scan's firewall listings (FirewallRules.Cni), not from here.
/// </summary>
internal static class CniReader
{
    /// <param name="netlink">The scanned namespace's client, or null to skip the ifb redirects.</param>
    /// <param name="hostLinks">The host links (veths) whose ingress filters to dump.</param>
    public static CniInventory Read(CniPaths paths, RouteNetlinkClient? netlink, IReadOnlyCollection<int> hostLinks)
    {
        var errors = new List<CniReadError>();
        var entries = CniCacheReader.Read(paths.ResultsDir, errors);
        var leases = HostLocalLeaseReader.Read(DataDirs(paths, entries), errors);
        var netns = NetnsPathProbe.Probe(entries, paths, errors);
        var redirects = netlink is null ? [] : IfbRedirectReader.Read(netlink, hostLinks, errors);
        return new CniInventory(entries, leases, redirects, netns, errors);
    }

    /// <summary>The default data directory, then each cached config's own (host-local keeps one network per subdirectory of it).</summary>
    public static IEnumerable<string> DataDirs(CniPaths paths, IEnumerable<CniCacheEntry> entries) =>
        new[] { paths.NetworksDir }
            .Concat(entries.SelectMany(e => e.Config.Plugins).Select(p => p.HostLocal?.DataDir).OfType<string>())
            .Where(d => d.Length > 0)
            .Distinct(StringComparer.Ordinal);
}
