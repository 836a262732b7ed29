using System.Globalization;
using System.Text.RegularExpressions;
using VethExporter.KernelTests.Support;
using Xunit.Abstractions;

namespace VethExporter.KernelTests.EndToEnd;

/// <summary>
/// The whole loop with real programs: Prometheus scrapes the exporter serving a fake host and evaluates the
/// shipped alert rules; leaks make VethOrphansAccumulating fire; Alertmanager, configured from the shipped
/// example, calls the exporter's webhook with the token from a credentials file; the exporter deletes the
/// deletable orphans; veth_orphaned_interfaces drops and the alert resolves. The bridged leak stays
/// (bridge_port) and two live containers on the bridge keep talking throughout.
/// </summary>
public sealed partial class AlertRemediationEndToEndTests(ITestOutputHelper output)
{
    private const string Alert = "VethOrphansAccumulating";

    [SkippableFact]
    public async Task A_firing_orphan_alert_remediates_through_alertmanager_and_resolves_while_containers_keep_working()
    {
        Skip.If(PrometheusServer.Binary is null, "needs prometheus (Debian package prometheus)");
        Skip.If(AlertmanagerServer.Binary is null, "needs alertmanager (Debian package prometheus-alertmanager)");
        LeakScenario.SkipUnlessToolsPresent("ping", "kill");
        using var host = new FakeHost();
        var scenario = LeakScenario.Build(host);
        // Narrowed to keep bridge ports (the default detaches them): the bridged leak stays, refused, and keeps its alert firing.
        await using var exporter = await ServedExporter.StartAsync(host, null, "--remediation.detach-bridged=false");
        using var alertmanager = await AlertmanagerServer.StartAsync(AlertmanagerConfiguration(exporter));
        using var prometheus = await PrometheusServer.StartAsync($$"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - rules.yml
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ['127.0.0.1:{{alertmanager.Port}}']
            scrape_configs:
              - job_name: veth-exporter
                static_configs:
                  - targets: ['127.0.0.1:{{exporter.Port}}']
            """, new Dictionary<string, string> { ["rules.yml"] = ShippedFiles.FastRules() });
        string diagnostics() => $"\n--- exporter\n{exporter.Log}\n--- alertmanager\n{alertmanager.Log}\n--- prometheus\n{prometheus.Log}";

        Assert.True(await Eventually.TrueAsync(() => prometheus.TargetHealthAsync().Result.SequenceEqual(["up"]), TimeSpan.FromSeconds(30)),
            "Prometheus never scraped the exporter" + diagnostics());
        var before = scenario.Ping();
        Assert.True(before.Ok, "the live containers cannot reach each other before the leaks: " + before.Output);
        using var ping = scenario.StartContinuousPing();

        scenario.CreateLeaks();
        var started = DateTime.UtcNow;
        await Eventually.AssertAsync("the leaks to show in Prometheus", async () =>
            await prometheus.ValueAsync("sum(veth_orphaned_interfaces{bridge=\"none\", reason=\"pinned_no_process\"})") == LeakScenario.Leaks.Length,
            TimeSpan.FromSeconds(30), diagnostics);

        // The test copy of the rules counts orphans older than 60s: the alert fires a minute after the leaks.
        await Eventually.AssertAsync($"{Alert}{{bridge=\"none\"}} to fire", async () =>
            await prometheus.ValueAsync($"max_over_time(ALERTS{{alertname=\"{Alert}\", alertstate=\"firing\", bridge=\"none\"}}[10m])") == 1,
            TimeSpan.FromSeconds(150), diagnostics);
        output.WriteLine($"fired after {(DateTime.UtcNow - started).TotalSeconds:F0}s");

        await Eventually.AssertAsync("the webhook to delete the unbridged leaks", () =>
            Task.FromResult(LeakScenario.Leaks.All(l => !scenario.LinkExists(l))), TimeSpan.FromSeconds(60), diagnostics);
        // Series of a bridge without veths vanish, hence "or vector(0)"; the bridged leak is the one orphan left.
        await Eventually.AssertAsync("veth_orphaned_interfaces to drop to the bridged leak alone", async () =>
            await prometheus.ValueAsync("sum(veth_orphaned_interfaces{bridge=\"none\"}) or vector(0)") == 0
            && await prometheus.ValueAsync("sum(veth_orphaned_interfaces)") == 1, TimeSpan.FromSeconds(30), diagnostics);
        await Eventually.AssertAsync($"{Alert}{{bridge=\"none\"}} to resolve in Prometheus", async () =>
            !(await prometheus.AlertsAsync()).Any(a => a.Name == Alert && a.Label("bridge") == "none"), TimeSpan.FromSeconds(30), diagnostics);
        await Eventually.AssertAsync($"{Alert}{{bridge=\"none\"}} to resolve in Alertmanager", async () =>
            !(await alertmanager.ActiveAlertsAsync()).Any(a => a["alertname"] == Alert && a.GetValueOrDefault("bridge") == "none"),
            TimeSpan.FromSeconds(60), diagnostics);
        output.WriteLine($"resolved after {(DateTime.UtcNow - started).TotalSeconds:F0}s");

        // The bridged leak is still there, still alerting, and was refused for being a bridge port.
        Assert.True(scenario.LinkExists(LeakScenario.BridgedLeak), "the bridged leak was deleted");
        Assert.Contains(await prometheus.AlertsAsync(), a => a.Name == Alert && a.Label("bridge") == LeakScenario.Bridge && a.State == "firing");
        var audit = AuditTrail.Read(exporter.AuditFile);
        foreach (var leak in LeakScenario.Leaks)
            Assert.Contains(audit, a => a.Name == leak && a.Source == "alertmanager" && a.Result == "deleted" && !a.DryRun);
        Assert.Contains(audit, a => a.Name == LeakScenario.BridgedLeak && a.Source == "alertmanager" && a.Result == "refused" && a.Blockers.Contains("bridge_port"));
        Assert.DoesNotContain(audit, a => a.Name is LeakScenario.LiveA or LeakScenario.LiveB || a.Result == "failed");
        Assert.Equal(LeakScenario.Leaks.Length, await prometheus.ValueAsync("sum(veth_remediation_actions_total{action=\"delete\", result=\"deleted\"})"));

        // The live containers kept working: their veths are there and not a ping was lost.
        Assert.True(scenario.LinkExists(LeakScenario.LiveA) && scenario.LinkExists(LeakScenario.LiveB), "a live container's veth is gone");
        var after = scenario.Ping();
        Assert.True(after.Ok, "the live containers cannot reach each other after remediation: " + after.Output);
        await ping.InterruptAsync();
        var statistics = PingStatistics().Match(ping.Output);
        Assert.True(statistics.Success, "no ping statistics:\n" + ping.Output);
        int sent = int.Parse(statistics.Groups["sent"].Value, CultureInfo.InvariantCulture);
        int received = int.Parse(statistics.Groups["received"].Value, CultureInfo.InvariantCulture);
        output.WriteLine($"continuous ping: {sent} sent, {received} received");
        // The last echo may still be in flight when ping is interrupted.
        Assert.True(sent > 100 && sent - received <= 1, $"continuous ping between the live containers lost packets:\n{ping.Output}");
    }

    /// <summary>The shipped example configuration, pointed at this exporter and this token file, with 1s grouping.</summary>
    private static string AlertmanagerConfiguration(ServedExporter exporter)
    {
        string config = File.ReadAllText(Repository.Path("deploy", "alertmanager", "alertmanager.yml"));
        config = ShippedFiles.ReplaceOnce(config, "http://node-a.example.internal:9814/", $"http://127.0.0.1:{exporter.Port}/");
        config = ShippedFiles.ReplaceOnce(config, "credentials_file: /etc/alertmanager/veth-exporter-token", $"credentials_file: {Path.Combine(exporter.Directory, "token")}");
        config = ShippedFiles.ReplaceOnce(config, "group_wait: 30s", "group_wait: 1s");
        return ShippedFiles.ReplaceOnce(config, "group_interval: 5m", "group_interval: 1s");
    }

    [GeneratedRegex(@"(?<sent>\d+) packets transmitted, (?<received>\d+) received")]
    private static partial Regex PingStatistics();
}
