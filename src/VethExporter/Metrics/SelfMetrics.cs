using Prometheus;

namespace VethExporter.Metrics;

/// <summary>The exporter's metrics about itself: scans, their success and cost, and what it can see.</summary>
public sealed class SelfMetrics
{
    internal SelfMetrics(MetricFactory factory, string version, string runtime)
    {
        factory.CreateGauge("veth_exporter_build_info", "A metric with a constant 1 labelled by the exporter's version and runtime.", ["version", "runtime"])
            .WithLabels(version, runtime).Set(1);
        ScanDuration = factory.CreateGauge("veth_exporter_scan_duration_seconds", "Wall time of the last scan.");
        Scans = factory.CreateCounter("veth_exporter_scans_total", "Scans started.");
        ScanFailures = factory.CreateCounter("veth_exporter_scan_failures_total", "Scans that failed; the last good snapshot keeps being served.");
        LastScanSuccess = factory.CreateGauge("veth_exporter_last_scan_success", "1 if the last scan succeeded, 0 if it failed.");
        LastScanSuccessTimestamp = factory.CreateGauge("veth_exporter_last_scan_success_timestamp_seconds", "Unix time of the last successful scan.");
        HostViewComplete = factory.CreateGauge("veth_exporter_host_view_complete", "1 if the last scan could see every task, pin and fd it needed; 0 means no orphan verdict can be acted on.");
        StatePersisted = factory.CreateGauge("veth_exporter_state_persisted", "1 if history was written to the state file after the last scan; 0 means it is kept in memory only.");
        RuntimeUp = factory.CreateGauge("veth_exporter_runtime_up",
            "1 if every socket of this container runtime answered the last scan in full; 0 means orphans it could own are blocked (runtime_unreachable).", ["runtime"]);
        StateLoadFailures = factory.CreateCounter("veth_exporter_state_load_failures_total", "State files found corrupt or unreadable at start (set aside; history restarted).");
        // Present from the start so that rate() and increase() see the first failures.
        Scans.IncTo(0);
        ScanFailures.IncTo(0);
        StateLoadFailures.IncTo(0);
    }

    public Gauge ScanDuration { get; }

    public Counter Scans { get; }

    public Counter ScanFailures { get; }

    public Gauge LastScanSuccess { get; }

    public Gauge LastScanSuccessTimestamp { get; }

    public Gauge HostViewComplete { get; }

    public Gauge StatePersisted { get; }

    public Counter StateLoadFailures { get; }

    /// <summary>veth_exporter_runtime_up{runtime}: one series per runtime found or configured; a runtime gone from the scan loses its series.</summary>
    public Gauge RuntimeUp { get; }

    private readonly HashSet<string> _runtimes = new(StringComparer.Ordinal);

    public void SetRuntimes(IReadOnlyList<Runtime.RuntimeStatus> statuses)
    {
        var now = statuses.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.All(s => s.Complete), StringComparer.Ordinal);
        foreach (string gone in _runtimes.Where(r => !now.ContainsKey(r)).ToList())
        {
            RuntimeUp.RemoveLabelled(gone);
            _runtimes.Remove(gone);
        }
        foreach (var (name, up) in now)
        {
            RuntimeUp.WithLabels(name).Set(up ? 1 : 0);
            _runtimes.Add(name);
        }
    }
}
