using System.Globalization;
using System.Text;
using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests.Remediation;

/// <summary>The budgets: per notification (however many alerts it carries) and per hour per node, across a restart.</summary>
public class RemediationBudgetKernelTests
{
    private static readonly string[] Orphans = ["vxbud1", "vxbud2", "vxbud3"];

    private static async Task<ServedExporter> StartWithOrphansAsync(FakeHost host, string? directory, bool withToken, params string[] extra)
    {
        var served = await ServedExporter.StartAsync(host, directory, withToken, extra);
        // Seen in two scans: stable identity, so only a budget can refuse them.
        await served.WaitForSampleAsync("veth_orphans_detected_total{bridge=\"none\",reason=\"pinned_no_process\"}", v => v >= Orphans.Length, $">= {Orphans.Length}");
        return served;
    }

    private static void AddOrphans(FakeHost host)
    {
        foreach (var name in Orphans) host.AddVeth(name, host.AddNamespace(name[2..]));
    }

    [SkippableFact]
    public async Task A_notification_of_256_alerts_deletes_at_most_max_deletes_in_all()
    {
        using var host = new FakeHost();
        AddOrphans(host);
        await using var served = await StartWithOrphansAsync(host, null, withToken: true, "--remediation.max-deletes", "2");
        string instance = $"127.0.0.1:{served.Port}";
        var alerts = Enumerable.Range(0, 256).Select(i =>
            $$"""{"status":"firing","labels":{"alertname":"VethOrphansAccumulating","instance":"{{instance}}","interface":"{{Orphans[i % Orphans.Length]}}","n":"{{i}}"},"startsAt":"2026-01-01T00:00:00Z","fingerprint":"f{{i:x4}}"}""");
        string body = $$"""{"version":"4","status":"firing","receiver":"r","groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"","alerts":[{{string.Join(',', alerts)}}]}""";

        using var response = await served.PostAsync("/api/v1/alertmanager", body);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("\"accepted\":256", await response.Content.ReadAsStringAsync());

        await served.WaitForSampleAsync("veth_remediation_actions_total{action=\"delete\",result=\"deleted\"}", 2);
        await Eventually.AssertAsync("all 256 alerts to be decided", () => Task.FromResult(AuditTrail.Read(served.AuditFile).Count >= Orphans.Length),
            TimeSpan.FromSeconds(30), () => served.Log);
        await Task.Delay(1000);
        Assert.Equal(1, Orphans.Count(o => host.Links().Contains(o)));
        var audit = AuditTrail.Read(served.AuditFile);
        Assert.Equal(2, audit.Count(l => l.Result == "deleted"));
        // One batch: each interface decided once, the third refused for the notification's budget.
        Assert.Equal(Orphans.Length, audit.Count);
        Assert.Contains(audit, l => l.Result == "refused" && l.Blockers.SequenceEqual(["max_deletes"]));
    }

    [SkippableFact]
    public async Task The_hourly_budget_holds_across_a_restart_in_pull_mode()
    {
        Skip.If(AlertmanagerServer.Binary is null || Tools.Find("amtool") is null, "needs prometheus-alertmanager and amtool");
        using var host = new FakeHost();
        AddOrphans(host);
        using var alertmanager = await AlertmanagerServer.StartAsync(File.ReadAllText(Repository.Path("deploy", "alertmanager", "alertmanager-fleet.yml")));
        string directory = Directory.CreateTempSubdirectory("vxt-budget-").FullName;
        string[] pull = ["--remediation.alertmanager.url", $"http://127.0.0.1:{alertmanager.Port}", "--remediation.alertmanager.interval", "1s",
            "--remediation.max-deletes-per-hour", "2"];
        // Disposed last (after the second run): disposing removes the shared directory.
        await using var first = await StartWithOrphansAsync(host, directory, withToken: false, pull);
        int port = first.Port;
        alertmanager.Fire("alertname=VethOrphansAccumulating", "bridge=none", $"instance=127.0.0.1:{port}");
        await first.WaitForSampleAsync("veth_remediation_actions_total{action=\"delete\",result=\"deleted\"}", 2);
        await first.WaitForSampleAsync("veth_remediation_hourly_budget_remaining", 0);
        await Eventually.AssertAsync("the third orphan to be refused for the hourly budget", () => Task.FromResult(
            AuditTrail.Read(first.AuditFile).Any(l => l.Result == "refused" && l.Blockers.SequenceEqual(["max_deletes_per_hour"]))),
            TimeSpan.FromSeconds(15), () => first.Log);
        await first.StopAsync();
        Assert.Single(Orphans, o => host.Links().Contains(o));
        File.Delete(Path.Combine(directory, "audit.log"));

        // Same node, same state directory, same port (the alert names it): the budget is still spent.
        await using var second = await StartWithOrphansAsync(host, directory, withToken: false,
            [.. pull, "--web.listen-address", $"127.0.0.1:{port}"]);
        Assert.Equal(0, await second.SampleAsync("veth_remediation_hourly_budget_remaining"));
        await second.WaitForSampleAsync("veth_remediation_alerts_total{source=\"alertmanager_pull\",outcome=\"acted_on\"}", 1);
        // Refused for the budget once, the alert then waits for room instead of being refused on every poll.
        await second.WaitForSampleAsync("veth_remediation_alerts_total{source=\"alertmanager_pull\",outcome=\"deferred\"}", v => v >= 2, ">= 2");
        Assert.Single(Orphans, o => host.Links().Contains(o));
        var audit = AuditTrail.Read(second.AuditFile);
        Assert.NotEmpty(audit);
        Assert.All(audit, l => Assert.True(l.Result == "refused" && l.Blockers.SequenceEqual(["max_deletes_per_hour"]), $"{l.Name}: {l.Result}"));
        Assert.Contains("deletions of the hourly budget used", second.Log);
    }
}
