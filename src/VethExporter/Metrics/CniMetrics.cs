using Prometheus;
using VethExporter.Classification;
using static VethExporter.Metrics.ExporterMetrics;

namespace VethExporter.Metrics;

/// <summary>
/// The CNI attachment families of ARCHITECTURE §6, set from each scan by <see cref="ExporterMetrics"/>
/// under its lock. Series of networks that are gone are removed with them.
/// </summary>
internal sealed class CniMetrics
{
    private readonly Gauge _attachments;
    private readonly Gauge _leakedResources;
    private readonly Gauge _poolAddresses;
    private readonly Gauge _leases;
    private readonly Counter _leakedTotal;

    public CniMetrics(MetricFactory factory, string fromLastScan)
    {
        _attachments = factory.CreateGauge("veth_cni_attachments",
            "CNI attachments (libcni cache entries, and leases or chains no entry explains) by network and state (live, leaked, unknown)." + fromLastScan,
            ["network", "state"]);
        _leakedResources = factory.CreateGauge("veth_cni_leaked_resources",
            "What leaked CNI attachments leave behind, by network and kind (lease, firewall_chain, ifb, cache_file, netns_pin)." + fromLastScan,
            ["network", "kind"]);
        _poolAddresses = factory.CreateGauge("veth_cni_ip_pool_addresses",
            "Addresses host-local can hand out in each network's ranges (network, broadcast and gateway excluded), from the cached configuration." + fromLastScan,
            ["network"]);
        _leases = factory.CreateGauge("veth_cni_ip_leases",
            "host-local leases by network and state (live: its attachment is live or in doubt; leaked; unowned: no cache entry names its container)." + fromLastScan,
            ["network", "state"]);
        _leakedTotal = factory.CreateCounter("veth_cni_attachments_leaked_total",
            "Leak events: CNI attachments confirmed leaked in two consecutive scans. Persisted across restarts.", ["network"]);
    }

    public void Apply(IReadOnlyList<AttachmentVerdict> attachments, IReadOnlyDictionary<string, long>? totals)
    {
        var networks = attachments.Select(a => a.Key.Network).ToHashSet(StringComparer.Ordinal);
        var byState = new Dictionary<string[], double>(LabelsComparer.Instance);
        var leaked = new Dictionary<string[], double>(LabelsComparer.Instance);
        var leases = new Dictionary<string[], double>(LabelsComparer.Instance);
        foreach (var network in networks)
        {
            foreach (var state in AttachmentStates.All) byState[[network, state]] = 0;
            foreach (var kind in LeakedResourceKinds.All) leaked[[network, kind]] = 0;
            foreach (var state in LeaseStates.All) leases[[network, state]] = 0;
        }
        foreach (var a in attachments)
        {
            string network = a.Key.Network;
            byState[[network, a.State]]++;
            string leaseState = a.Cache is null ? LeaseStates.Unowned : a.IsLeaked ? LeaseStates.Leaked : LeaseStates.Live;
            leases[[network, leaseState]] += a.Leases.Count;
            if (!a.IsLeaked) continue;
            leaked[[network, LeakedResourceKinds.Lease]] += a.Leases.Count;
            leaked[[network, LeakedResourceKinds.FirewallChain]] += a.Chains.Select(c => c.Chain).Distinct(StringComparer.Ordinal).Count();
            leaked[[network, LeakedResourceKinds.Ifb]] += a.IfbDevices.Count;
            if (a.Cache is not null) leaked[[network, LeakedResourceKinds.CacheFile]]++;
            if (a.PinLeaked) leaked[[network, LeakedResourceKinds.NetnsPin]]++;
        }
        var pools = attachments.Where(a => a.Cache?.Config.HostLocal is not null)
            .GroupBy(a => a.Key.Network, StringComparer.Ordinal)
            .ToDictionary(g => new[] { g.Key }, g => (double)g.Max(a => a.Cache!.Config.HostLocal!.PoolSize), LabelsComparer.Instance);

        Replace(_attachments, byState);
        Replace(_leakedResources, leaked);
        Replace(_leases, leases);
        Replace(_poolAddresses, pools);
        foreach (var (network, total) in totals ?? new Dictionary<string, long>()) _leakedTotal.WithLabels(network).IncTo(total);
    }
}
