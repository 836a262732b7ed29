using VethExporter.Netlink;

namespace VethExporter.Cni;

/// <summary>
/// Finds the bandwidth plugin's ifb redirects: on each given host link with an ingress or clsact qdisc, the
/// filters under ffff:fff1 and their mirred actions. One qdisc dump, then one filter dump per such link only.
/// </summary>
public static class IfbRedirectReader
{
    /// <summary>The pure half: from the qdisc dump, the links whose ingress can carry filters.</summary>
    public static IEnumerable<int> LinksWithIngress(IEnumerable<QdiscRecord> qdiscs, IReadOnlyCollection<int> hostLinks)
    {
        var wanted = hostLinks.ToHashSet();
        return qdiscs.Where(q => q.Kind is "ingress" or "clsact" && wanted.Contains(q.Index)).Select(q => q.Index).Distinct().Order();
    }

    /// <summary>The pure half: every mirred action of a link's ingress filters, as one redirect each (duplicates dropped).</summary>
    public static IEnumerable<IfbRedirect> Redirects(IEnumerable<FilterRecord> filters) =>
        filters.SelectMany(f => f.Mirred.Where(m => m.TargetIndex > 0).Select(m => new IfbRedirect(f.Index, m.TargetIndex))).Distinct();

    internal static List<IfbRedirect> Read(RouteNetlinkClient netlink, IReadOnlyCollection<int> hostLinks, List<CniReadError> errors)
    {
        var redirects = new List<IfbRedirect>();
        if (hostLinks.Count == 0) return redirects;
        List<QdiscRecord> qdiscs;
        try
        {
            qdiscs = netlink.DumpQdiscs();
        }
        catch (NetlinkException e)
        {
            errors.Add(new CniReadError("netlink: qdiscs", e.Message));
            return redirects;
        }
        foreach (int index in LinksWithIngress(qdiscs, hostLinks))
        {
            try
            {
                redirects.AddRange(Redirects(netlink.DumpFilters(index, NetlinkConstants.TcHIngress)));
            }
            catch (NetlinkException e)
            {
                errors.Add(new CniReadError($"netlink: tc filters of link {index}", e.Message));
            }
        }
        return redirects;
    }
}
