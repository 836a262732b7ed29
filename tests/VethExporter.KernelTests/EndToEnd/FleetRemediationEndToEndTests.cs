using System.Text.Json;
using VethExporter.KernelTests.Support;
using Xunit.Abstractions;

namespace VethExporter.KernelTests.EndToEnd;

/// <summary>
/// Pull mode on a fleet of three fake hosts: one Prometheus scrapes all three exporters with the shipped
/// rules, one Alertmanager runs the shipped fleet configuration (a single receiver without integrations,
/// no per-node routes), and each exporter polls it. Each node removes only its own deletable orphans, a
/// silence on one node's instance keeps that node's orphans until it is lifted, live containers keep
/// working, and Alertmanager going away changes nothing and is reported.
/// </summary>
public sealed class FleetRemediationEndToEndTests(ITestOutputHelper output)
{
    private const string Alert = "VethOrphansAccumulating";

    [SkippableFact]
    public async Task Each_node_removes_only_its_own_orphans_and_a_silence_stops_one_node_until_it_is_lifted()
    {
        Skip.If(PrometheusServer.Binary is null, "needs prometheus (Debian package prometheus)");
        Skip.If(AlertmanagerServer.Binary is null || Tools.Find("amtool") is null, "needs alertmanager and amtool (Debian package prometheus-alertmanager)");
        LeakScenario.SkipUnlessToolsPresent("ping");

        using var alertmanager = await AlertmanagerServer.StartAsync(File.ReadAllText(Repository.Path("deploy", "alertmanager", "alertmanager-fleet.yml")));
        var nodes = new List<Node>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var host = new FakeHost();
                nodes.Add(new Node(host, LeakScenario.Build(host)));
                // Bridge ports kept (the default detaches them), so the bridged leak is the refusal every node must show.
                nodes[i].Exporter = await ServedExporter.StartAsync(host, null, withToken: false, "--remediation.detach-bridged=false",
                    "--remediation.alertmanager.url", $"http://127.0.0.1:{alertmanager.Port}", "--remediation.alertmanager.interval", "1s");
            }
            var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
            string targets = string.Join(", ", nodes.Select(n => $"'{n.Instance}'"));
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
                      - targets: [{{targets}}]
                """, new Dictionary<string, string> { ["rules.yml"] = ShippedFiles.FastRules() });
            string diagnostics() => string.Concat(nodes.Select((n, i) => $"\n--- exporter {i} ({n.Instance})\n{n.Exporter!.Log}"))
                + $"\n--- alertmanager\n{alertmanager.Log}";

            await Eventually.AssertAsync("Prometheus to scrape all three exporters",
                async () => (await prometheus.TargetHealthAsync()).Count(h => h == "up") == 3, TimeSpan.FromSeconds(30), diagnostics);
            foreach (var node in nodes) Assert.True(node.Scenario.Ping().Ok, $"the live containers of {node.Instance} cannot talk before the leaks");

            // The kill switch for node B, set before anything fires.
            string silence = Tools.Run("amtool", $"--alertmanager.url=http://127.0.0.1:{alertmanager.Port}", "silence", "add",
                $"instance={b.Instance}", "--comment=maintenance of node b", "--author=test", "--duration=1h").Trim();
            var watch = new AlertWatch(alertmanager);
            foreach (var node in nodes) node.Scenario.CreateLeaks();
            var started = DateTime.UtcNow;

            await Eventually.AssertAsync("nodes A and C to remove their unbridged leaks",
                () => Task.FromResult(a.LeaksGone && c.LeaksGone), TimeSpan.FromSeconds(180), diagnostics);
            output.WriteLine($"A and C clean after {(DateTime.UtcNow - started).TotalSeconds:F0}s");

            // B's alert is firing too, but silenced: B keeps its orphans poll after poll.
            await Eventually.AssertAsync($"{Alert} for node B to be firing (and silenced)", async () =>
                (await prometheus.AlertsAsync()).Any(x => x.Name == Alert && x.Label("instance") == b.Instance && x.Label("bridge") == "none" && x.State == "firing"),
                TimeSpan.FromSeconds(30), diagnostics);
            for (int second = 0; second < 10; second++)
            {
                Assert.True(LeakScenario.Leaks.All(b.Scenario.LinkExists), $"node B lost a leak while silenced{diagnostics()}");
                await Task.Delay(1000);
            }
            Assert.Empty(AuditTrail.Read(b.Exporter!.AuditFile));
            Assert.True(await b.Exporter.SampleAsync("veth_remediation_alertmanager_polls_total") > 10, "node B did not keep polling");

            Tools.Run("amtool", $"--alertmanager.url=http://127.0.0.1:{alertmanager.Port}", "silence", "expire", silence);
            await Eventually.AssertAsync("node B to remove its leaks once the silence is lifted",
                () => Task.FromResult(b.LeaksGone), TimeSpan.FromSeconds(30), diagnostics);

            // Nobody acted on another node's alert: every audit line names an alert of its own instance.
            await watch.DisposeAsync();
            var instanceOf = watch.Seen;
            foreach (var node in nodes)
            {
                var audit = AuditTrail.Read(node.Exporter!.AuditFile);
                foreach (var leak in LeakScenario.Leaks)
                    Assert.Contains(audit, l => l.Name == leak && l.Result == "deleted" && l.Source == "alertmanager_pull");
                Assert.Contains(audit, l => l.Name == LeakScenario.BridgedLeak && l.Result == "refused" && l.Blockers.Contains("bridge_port"));
                Assert.DoesNotContain(audit, l => l.Name is LeakScenario.LiveA or LeakScenario.LiveB || l.Result == "failed");
                foreach (var line in audit)
                {
                    string fingerprint = line.Caller[(line.Caller.LastIndexOf('/') + 1)..];
                    Assert.True(instanceOf.TryGetValue(fingerprint, out var instance) && instance == node.Instance,
                        $"{node.Instance} acted on alert {fingerprint} of {instance ?? "an unknown instance"}");
                }
                // The other nodes' alerts reached this one too, and were ignored.
                Assert.True(await node.Exporter.SampleAsync("veth_remediation_alerts_total{source=\"alertmanager_pull\",outcome=\"ignored\"}") > 0,
                    $"{node.Instance} never saw another node's alert");
                Assert.True(node.Scenario.LinkExists(LeakScenario.LiveA) && node.Scenario.LinkExists(LeakScenario.LiveB), $"a live veth of {node.Instance} is gone");
                Assert.True(node.Scenario.LinkExists(LeakScenario.BridgedLeak), $"{node.Instance} deleted its bridged leak");
                var ping = node.Scenario.Ping();
                Assert.True(ping.Ok, $"the live containers of {node.Instance} cannot talk after remediation: {ping.Output}");
            }

            // Alertmanager goes away: every node reports it, keeps scanning, and touches nothing.
            var linksBefore = nodes.Select(n => n.Host.Links().Order().ToList()).ToList();
            alertmanager.Dispose();
            foreach (var node in nodes)
            {
                await node.Exporter!.WaitForSampleAsync("veth_remediation_alertmanager_up", 0);
                double failures = await node.Exporter.SampleAsync("veth_remediation_alertmanager_poll_failures_total") ?? 0;
                double scans = await node.Exporter.SampleAsync("veth_exporter_scans_total") ?? 0;
                await node.Exporter.WaitForSampleAsync("veth_remediation_alertmanager_poll_failures_total", v => v > failures, $"> {failures}");
                await node.Exporter.WaitForSampleAsync("veth_exporter_scans_total", v => v > scans, $"> {scans}");
                Assert.Contains("polling Alertmanager at", node.Exporter.Log);
            }
            Assert.Equal(linksBefore, nodes.Select(n => n.Host.Links().Order().ToList()).ToList());
        }
        finally
        {
            foreach (var node in nodes)
            {
                if (node.Exporter is not null) await node.Exporter.DisposeAsync();
                node.Host.Dispose();
            }
        }
    }

    /// <summary>
    /// Notes the instance of every alert Alertmanager holds, silenced ones included, twice a second: a
    /// resolved alert may leave its list before the test looks.
    /// </summary>
    private sealed class AlertWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public AlertWatch(AlertmanagerServer alertmanager) => _loop = WatchAsync(alertmanager, _stop.Token);

        public System.Collections.Concurrent.ConcurrentDictionary<string, string> Seen { get; } = new();

        private async Task WatchAsync(AlertmanagerServer alertmanager, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    string body = await alertmanager.Http.GetStringAsync("/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true", stop);
                    using var document = JsonDocument.Parse(body);
                    foreach (var alert in document.RootElement.EnumerateArray())
                        Seen[alert.GetProperty("fingerprint").GetString()!] =
                            alert.GetProperty("labels").TryGetProperty("instance", out var i) ? i.GetString()! : "";
                    await Task.Delay(500, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }

    private sealed class Node(FakeHost host, LeakScenario scenario)
    {
        public FakeHost Host { get; } = host;

        public LeakScenario Scenario { get; } = scenario;

        public ServedExporter? Exporter { get; set; }

        public string Instance => $"127.0.0.1:{Exporter!.Port}";

        public bool LeaksGone => LeakScenario.Leaks.All(l => !Scenario.LinkExists(l));
    }
}
