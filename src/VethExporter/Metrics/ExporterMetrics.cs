using Prometheus;
using VethExporter.Classification;
using VethExporter.Tracking;

namespace VethExporter.Metrics;

/// <summary>
/// The exporter's metric families (ARCHITECTURE §4), set from each scan. Scrapes only read them: no
/// kernel work happens on a scrape. Series of bridges and reasons that disappeared are removed.
/// </summary>
public sealed class ExporterMetrics
{
    private const string FromLastScan = " Values come from the last completed scan, not from the scrape.";

    private readonly object _gate = new();
    private readonly bool _orphanDetails;
    private readonly Gauge _interfaces;
    private readonly Gauge _orphaned;
    private readonly Histogram _lifetime;
    private readonly Counter _detected;
    private readonly Gauge _leakRate;
    private readonly Gauge _bridgePorts;
    private readonly Gauge _pinnedWithoutProcess;
    private readonly Gauge _orphanInfo;
    private readonly CniMetrics _cni;
    private IReadOnlyDictionary<string, IReadOnlyList<double>> _ages = new Dictionary<string, IReadOnlyList<double>>();

    public ExporterMetrics(CollectorRegistry registry, bool orphanDetails, string version, string runtime)
    {
        _orphanDetails = orphanDetails;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _interfaces = factory.CreateGauge("veth_interfaces", "Host-side veth interfaces by bridge and state." + FromLastScan, ["bridge", "state"]);
        _orphaned = factory.CreateGauge("veth_orphaned_interfaces", "Orphaned host-side veth interfaces by bridge and reason." + FromLastScan, ["bridge", "reason"]);
        _lifetime = factory.CreateHistogram("veth_orphan_lifetime_seconds", "How long orphans existed, observed when one disappears (outcome remediated or vanished).",
            ["bridge", "outcome"], new HistogramConfiguration { Buckets = AgeBuckets.Seconds });
        _detected = factory.CreateCounter("veth_orphans_detected_total", "Leak events: orphans confirmed in two consecutive scans. Persisted across restarts.", ["bridge", "reason"]);
        _leakRate = factory.CreateGauge("veth_bridge_leak_rate_per_hour", "Leaks detected per hour on each bridge over the trailing window, from persisted detection times." + FromLastScan, ["bridge"]);
        _bridgePorts = factory.CreateGauge("veth_bridge_ports", "Ports enslaved to each Linux bridge (a bridge takes at most 1024)." + FromLastScan, ["bridge"]);
        _pinnedWithoutProcess = factory.CreateGauge("veth_netns_pinned_without_process", "Network namespaces kept alive by a bind mount with no process inside (leaked namespaces, with or without veths)." + FromLastScan);
        _orphanInfo = factory.CreateGauge("veth_orphan_info", "One series per orphaned interface (--metrics.orphan-details)." + FromLastScan, ["interface", "bridge", "reason"]);
        _cni = new CniMetrics(factory, FromLastScan);
        Self = new SelfMetrics(factory, version, runtime);
    }

    public SelfMetrics Self { get; }

    /// <summary>Current orphans' ages by bridge, for the veth_orphan_age_seconds gauge histogram.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> OrphanAges
    {
        get
        {
            lock (_gate) return _ages;
        }
    }

    public void Apply(MetricsInput view)
    {
        var verdicts = view.Scan.Verdicts;
        var bridgesWithVeths = verdicts.Select(v => BridgeLabel.Of(v.Bridge)).ToHashSet();

        var interfaces = new Dictionary<string[], double>(LabelsComparer.Instance);
        var orphaned = new Dictionary<string[], double>(LabelsComparer.Instance);
        foreach (var bridge in bridgesWithVeths)
        {
            foreach (var state in VethStates.All) interfaces[[bridge, state]] = 0;
            foreach (var reason in Reasons.OrphanReasons) orphaned[[bridge, reason]] = 0;
        }
        foreach (var verdict in verdicts)
        {
            string bridge = BridgeLabel.Of(verdict.Bridge);
            interfaces[[bridge, verdict.State]]++;
            if (verdict.IsOrphan) orphaned[[bridge, verdict.Reason]]++;
        }

        var links = view.Scan.Inventory.Links;
        // Names that do not decode can collide (both become U+FFFD): such series add up rather than fail the page.
        var ports = links.Where(l => l.Kind == "bridge")
            .GroupBy(b => new[] { b.Name }, LabelsComparer.Instance)
            .ToDictionary(g => g.Key, g => (double)g.Sum(b => links.Count(l => l.MasterIndex == b.Index)), LabelsComparer.Instance);
        var leakRates = view.LeakRatePerHour.ToDictionary(e => new[] { e.Key }, e => e.Value, LabelsComparer.Instance);
        var details = _orphanDetails
            ? verdicts.Where(v => v.IsOrphan).GroupBy(v => new[] { v.Link.Name, BridgeLabel.Of(v.Bridge), v.Reason }, LabelsComparer.Instance)
                .ToDictionary(g => g.Key, g => (double)g.Count(), LabelsComparer.Instance)
            : new Dictionary<string[], double>(LabelsComparer.Instance);
        var ages = view.OrphanAges.GroupBy(a => a.Bridge)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<double>)g.Select(a => a.AgeSeconds).ToList());

        lock (_gate)
        {
            Replace(_interfaces, interfaces);
            Replace(_orphaned, orphaned);
            Replace(_bridgePorts, ports);
            Replace(_leakRate, leakRates);
            Replace(_orphanInfo, details);
            _pinnedWithoutProcess.Set(view.Scan.Inventory.Namespaces.Count(n => n.PinnedWithoutProcess));
            foreach (var ((bridge, reason), total) in view.DetectionTotals) _detected.WithLabels(bridge, reason).IncTo(total);
            foreach (var (bridge, outcome, seconds) in view.EndedOrphans) _lifetime.WithLabels(bridge, outcome).Observe(seconds);
            _ages = ages;
            _cni.Apply(view.Scan.Attachments, view.AttachmentTotals);
        }
    }

    /// <summary>Sets every wanted series and removes the ones no longer wanted.</summary>
    internal static void Replace(Gauge gauge, Dictionary<string[], double> wanted)
    {
        foreach (var labels in gauge.GetAllLabelValues().ToList())
        {
            if (!wanted.ContainsKey(labels)) gauge.RemoveLabelled(labels);
        }
        foreach (var (labels, value) in wanted) gauge.WithLabels(labels).Set(value);
    }

    internal sealed class LabelsComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelsComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(string[] labels)
        {
            var hash = new HashCode();
            foreach (var label in labels) hash.Add(label, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }
}
