using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests.Service;

/// <summary>
/// A scrape shows the latest completed scan, whatever the scrape interval: the reproduction from the
/// field (scan every 2 s, one scrape, a leak created, one scrape 6 s later) must show the leak.
/// </summary>
public class FreshMetricsKernelTests
{
    [SkippableFact]
    public async Task One_scrape_after_a_quiet_period_shows_the_leak_the_last_scans_found()
    {
        using var host = new FakeHost();
        await using var served = await ServedExporter.StartAsync(host, null, "--scan.interval", "2s");
        string before = await served.MetricsAsync();
        Assert.DoesNotContain("veth_orphans_detected_total{", before);

        var leak = host.AddNamespace("leak");
        host.AddVeth("vethfresh1", leak);
        await Task.Delay(TimeSpan.FromSeconds(6)); // no scrape in between: three scans, of which two confirm the leak

        string after = await served.MetricsAsync();
        Assert.Contains("veth_orphans_detected_total{bridge=\"none\",reason=\"pinned_no_process\"} 1", after);
        Assert.Contains("veth_orphaned_interfaces{bridge=\"none\",reason=\"pinned_no_process\"} 1", after);
    }
}
