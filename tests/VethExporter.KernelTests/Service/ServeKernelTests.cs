using System.Net;
using System.Text.Json;
using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests.Service;

/// <summary>The real `serve` process against a fake host: counts, leak events, lifetimes and restarts.</summary>
public class ServeKernelTests
{
    [SkippableFact]
    public async Task New_leaks_raise_the_counters_and_their_end_is_observed_as_a_lifetime()
    {
        using var host = new FakeHost();
        host.AddBridge("br0");
        var live = host.AddNamespace("live");
        host.AddVeth("vethlive", live, bridge: "br0");
        host.StartContainerProcess(live);
        await using var served = await ServedExporter.StartAsync(host);

        await served.WaitForSampleAsync("veth_interfaces{bridge=\"br0\",state=\"in_use\"}", 1);
        Assert.Null(await served.SampleAsync("veth_orphans_detected_total{bridge=\"br0\",reason=\"pinned_no_process\"}"));

        var leak = host.AddNamespace("leak");
        host.AddVeth("vethleak", leak, bridge: "br0");
        await served.WaitForSampleAsync("veth_orphaned_interfaces{bridge=\"br0\",reason=\"pinned_no_process\"}", 1);
        await served.WaitForSampleAsync("veth_orphans_detected_total{bridge=\"br0\",reason=\"pinned_no_process\"}", 1);
        await served.WaitForSampleAsync("veth_bridge_ports{bridge=\"br0\"}", 2);
        // Host-wide: other namespaces on the machine count too.
        await served.WaitForSampleAsync("veth_netns_pinned_without_process", v => v >= 1, ">= 1");
        await served.WaitForSampleAsync("veth_orphan_age_seconds_bucket{bridge=\"br0\",le=\"+Inf\"}", 1);

        var second = host.AddNamespace("leak2");
        host.AddVeth("vethleak2", second, bridge: "br0");
        await served.WaitForSampleAsync("veth_orphans_detected_total{bridge=\"br0\",reason=\"pinned_no_process\"}", 2);
        Assert.True(await served.SampleAsync("veth_bridge_leak_rate_per_hour{bridge=\"br0\"}") > 0);

        host.DeleteNamespace(leak); // the kernel removes both ends with the namespace
        await served.WaitForSampleAsync("veth_orphan_lifetime_seconds_count{bridge=\"br0\",outcome=\"vanished\"}", 1);
        await served.WaitForSampleAsync("veth_orphaned_interfaces{bridge=\"br0\",reason=\"pinned_no_process\"}", 1);
        Assert.Equal(2, await served.SampleAsync("veth_orphans_detected_total{bridge=\"br0\",reason=\"pinned_no_process\"}"));
        Assert.Equal(1, await served.SampleAsync("veth_exporter_host_view_complete"));
        Assert.Equal(1, await served.SampleAsync("veth_exporter_last_scan_success"));
    }

    [SkippableFact]
    public async Task Ages_grow_and_history_continues_across_a_restart()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("leak");
        host.AddVeth("vethold", leak);
        var served = await ServedExporter.StartAsync(host);
        string directory = served.Directory;
        try
        {
            await served.WaitForSampleAsync("veth_orphans_detected_total{bridge=\"none\",reason=\"pinned_no_process\"}", 1);
            var first = await OrphanAsync(served, "vethold");
            await Task.Delay(1500);
            var later = await OrphanAsync(served, "vethold");
            Assert.True(later.Age > first.Age, $"age did not grow: {first.Age} then {later.Age}");
            await served.StopAsync();
        }
        finally
        {
            await served.StopAsync();
        }

        await using var restarted = await ServedExporter.StartAsync(host, directory);
        var after = await OrphanAsync(restarted, "vethold");
        var before = await OrphanAsync(restarted, "vethold");
        Assert.Equal(before.FirstSeen, after.FirstSeen);
        Assert.True(after.Age >= 1.5, $"age restarted from zero: {after.Age}");
        // The counter continues from the persisted total instead of counting the same leak again.
        await Task.Delay(2500);
        Assert.Equal(1, await restarted.SampleAsync("veth_orphans_detected_total{bridge=\"none\",reason=\"pinned_no_process\"}"));
    }

    [SkippableFact]
    public async Task Corrupt_state_file_is_set_aside_and_counted()
    {
        using var host = new FakeHost();
        string directory = Directory.CreateTempSubdirectory("vxt-serve-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "state.json"), "{ this is not json");
        await using var served = await ServedExporter.StartAsync(host, directory);

        Assert.Equal(1, await served.SampleAsync("veth_exporter_state_load_failures_total"));
        Assert.Single(Directory.GetFiles(directory, "state.json.corrupt-*"));
        await served.WaitForSampleAsync("veth_exporter_state_persisted", 1);
    }

    [SkippableFact]
    public async Task Landing_page_api_and_probes_answer_and_promtool_accepts_the_live_page()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("leak");
        host.AddVeth("vethpage", leak);
        await using var served = await ServedExporter.StartAsync(host);
        await served.WaitForSampleAsync("veth_orphaned_interfaces{bridge=\"none\",reason=\"pinned_no_process\"}", 1);

        string page = await served.Http.GetStringAsync("/");
        Assert.Contains("<td>vethpage</td>", page);
        Assert.Equal(HttpStatusCode.OK, (await served.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await served.Http.GetAsync("/readyz")).StatusCode);
        using var json = JsonDocument.Parse(await served.Http.GetStringAsync("/api/v1/orphans"));
        var orphan = json.RootElement.GetProperty("interfaces").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "vethpage");
        Assert.NotEqual(JsonValueKind.Null, orphan.GetProperty("firstSeen").ValueKind);

        using var openMetrics = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        openMetrics.Headers.Accept.ParseAdd("application/openmetrics-text; version=1.0.0");
        var response = await served.Http.SendAsync(openMetrics);
        Assert.StartsWith("application/openmetrics-text", response.Content.Headers.ContentType?.ToString());
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE veth_orphan_age_seconds gaugehistogram", body);
        Assert.EndsWith("# EOF\n", body);

        Skip.If(Promtool.Binary is null, "promtool not installed (Debian package prometheus)");
        var (exitCode, problems) = await Promtool.CheckMetricsAsync(await served.MetricsAsync());
        Assert.True(exitCode == 0 && problems.Length == 0, problems);
    }

    [SkippableFact]
    public async Task A_failing_scan_keeps_the_last_good_snapshot_and_is_counted()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("leak");
        host.AddVeth("vethkept", leak);
        using var procfs = new MirroredProcfs();
        await using var served = await ServedExporter.StartAsync(host, null, "--path.procfs", procfs.Root, "--scan.timeout", "2s");
        await served.WaitForSampleAsync("veth_orphaned_interfaces{bridge=\"none\",reason=\"pinned_no_process\"}", 1);

        // The scanner keeps the scanned namespace open, so nothing done to its path fails a scan any more;
        // a procfs read that never returns does (it is given up at --scan.timeout).
        procfs.Arm();

        await served.WaitForSampleAsync("veth_exporter_last_scan_success", 0, TimeSpan.FromSeconds(15));
        // One writer renders the whole scan-derived page: the failure's counter is on the same page as its gauge.
        string page = await served.MetricsAsync();
        Assert.Matches(@"(?m)^veth_exporter_last_scan_success 0$", page);
        Assert.DoesNotMatch(@"(?m)^veth_exporter_scan_failures_total 0$", page);
        Assert.Equal(1, await served.SampleAsync("veth_orphaned_interfaces{bridge=\"none\",reason=\"pinned_no_process\"}"));
        Assert.Contains("vethkept", await served.Http.GetStringAsync("/api/v1/orphans"));
        Assert.Contains("scan failed, serving the last good snapshot", served.Log);
    }

    [SkippableFact]
    public async Task Port_in_use_and_bad_options_exit_with_one_line()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var (code, _, error) = Exporter.Run(["serve", "--web.listen-address", $"127.0.0.1:{port}", "--state.file", Path.Combine(Path.GetTempPath(), $"vxt-{port}.json")]);
        Assert.Equal(2, code);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", error);

        (code, _, error) = Exporter.Run(["serve", "--netns", "/run/netns/vxt-does-not-exist"]);
        Assert.Equal(2, code);
        Assert.Equal("veth-exporter: --netns /run/netns/vxt-does-not-exist: no such file", error.Trim());
    }

    private static async Task<(double Age, string FirstSeen)> OrphanAsync(ServedExporter served, string name)
    {
        using var json = JsonDocument.Parse(await served.Http.GetStringAsync("/api/v1/orphans"));
        var orphan = json.RootElement.GetProperty("interfaces").EnumerateArray().Single(i => i.GetProperty("name").GetString() == name);
        return (orphan.GetProperty("ageSeconds").GetDouble(), orphan.GetProperty("firstSeen").GetString()!);
    }
}
