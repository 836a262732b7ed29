using System.Diagnostics;
using System.Net;
using System.Text.Json;
using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests.Service;

/// <summary>A scan that never returns is reported within --scan.timeout, never silently hung, and ends nothing.</summary>
public class ScanDeadlineKernelTests
{
    [SkippableFact]
    public async Task A_hung_scan_is_reported_unready_refuses_remediation_and_recovers_when_it_ends()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethhung1", ctr);
        using var procfs = new MirroredProcfs();
        await using var exporter = await ServedExporter.StartAsync(host, null,
            "--path.procfs", procfs.Root, "--scan.timeout", "2s");
        await exporter.WaitForSampleAsync("veth_exporter_last_scan_success", 1);

        procfs.Arm();
        await exporter.WaitForSampleAsync("veth_exporter_last_scan_success", 0, TimeSpan.FromSeconds(15));

        using (var ready = await exporter.Http.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("hung", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var timer = Stopwatch.StartNew();
        string page = await exporter.MetricsAsync();
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(1), $"/metrics took {timer.Elapsed.TotalMilliseconds:F0} ms while a scan hung");
        Assert.Contains("veth_exporter_scan_failures_total", page, StringComparison.Ordinal);

        using (var response = await exporter.PostAsync("/api/v1/remediate", """{"all":true,"dryRun":false}"""))
        {
            string body = await response.Content.ReadAsStringAsync();
            using var json = JsonDocument.Parse(body);
            var result = Assert.Single(json.RootElement.GetProperty("results").EnumerateArray());
            Assert.Equal("failed", result.GetProperty("result").GetString());
        }
        Assert.Contains("vethhung1", host.Links());
        Assert.Contains("past --scan.timeout", exporter.Log, StringComparison.Ordinal);

        procfs.Release();
        await exporter.WaitForSampleAsync("veth_exporter_last_scan_success", 1, TimeSpan.FromSeconds(15));
        Assert.True(await Eventually.TrueAsync(() => HttpProbe.IsOk(exporter.Http, "/readyz")), "never ready again after the hung scan ended");
    }
}
