using Prometheus;
using VethExporter.Classification;
using VethExporter.Metrics;
using VethExporter.Scanning;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Metrics;

/// <summary>A fixed inventory and history, rendered through the real metric families.</summary>
internal static class MetricsFixture
{
    public static ScanResult Scan()
    {
        var builder = new InventoryBuilder()
            .Bridge("docker0").Bridge("cni0")
            .Veth("vethlive", 0, master: "docker0").Namespace(0, pids: [100])
            .Veth("vethleak", 1, master: "docker0").Namespace(1, pins: ["/run/docker/netns/abc"])
            .Veth("cali42", 2).Namespace(2, pins: ["/run/netns/cni-1"])
            .Veth("vethgoing", -1)
            .HostPair("vethhalf", "vethhalfp")
            .Veth("vethcni1", 3, master: "cni0", mac: "02:00:00:00:03:01").Namespace(3, pids: [300], pins: ["/run/netns/cni-live"])
            .Veth("vethcni2", 4, master: "cni0", mac: "02:00:00:00:03:02").Namespace(4, pins: ["/run/netns/cni-leak"])
            .Veth("bwp0c1d2e", null, kind: "ifb");
        var inventory = builder.Build();
        var policy = ClassificationPolicy.Default;
        var context = BlockerContext.From(inventory, new HashSet<string>(), policy);
        var verdicts = Classifier.Classify(inventory, policy)
            .Select(v => v.IsOrphan ? v with { Blockers = BlockerRules.Evaluate(v, context) } : v)
            .ToList();
        var cni = new CniBuilder()
            .Attachment("podnet", "a1a1a1a1a1a1a1a1", "vethcni1", "02:00:00:00:03:01", "/run/netns/cni-live", "10.22.0.2")
            .Attachment("podnet", "b2b2b2b2b2b2b2b2", "vethcni2", "02:00:00:00:03:02", "/run/netns/cni-leak", "10.22.0.3", ifbs: ["bwp0c1d2e"])
            .Attachment("podnet", "c3c3c3c3c3c3c3c3", "vethcni3", "02:00:00:00:03:03", "/run/netns/cni-gone", "10.22.0.4")
            .Lease("podnet", "10.22.0.9", "d4d4d4d4d4d4d4d4", "eth0")
            .Path("/run/netns/cni-live", 4026532003).Path("/run/netns/cni-leak", 4026532004).Path("/run/netns/cni-gone", null);
        return new ScanResult(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(42), inventory, verdicts, [])
        {
            Cni = cni.Build(),
            Attachments = cni.Judge(inventory, verdicts),
        };
    }

    public static MetricsInput View(ScanResult scan) => new(
        scan,
        [("docker0", 120), ("none", 30), ("none", 4000), ("none", 90000)],
        new Dictionary<(string, string), long> { [("docker0", Reasons.PinnedNoProcess)] = 3, [("none", Reasons.HalfCreated)] = 2 },
        [("docker0", "vanished", 500), ("none", "remediated", 7200)],
        new Dictionary<string, double> { ["docker0"] = 3, ["none"] = 2 },
        new Dictionary<string, long> { ["podnet"] = 4 });

    public static (CollectorRegistry Registry, ExporterMetrics Metrics) Build(bool orphanDetails = true)
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new ExporterMetrics(registry, orphanDetails, version: "0.1.0", runtime: "test");
        var scan = Scan();
        metrics.Apply(View(scan));
        metrics.Self.Scans.Inc(7);
        metrics.Self.ScanFailures.Inc(1);
        metrics.Self.LastScanSuccess.Set(1);
        metrics.Self.LastScanSuccessTimestamp.Set(1795780800);
        metrics.Self.ScanDuration.Set(0.042);
        metrics.Self.HostViewComplete.Set(1);
        metrics.Self.StatePersisted.Set(1);
        return (registry, metrics);
    }
}
