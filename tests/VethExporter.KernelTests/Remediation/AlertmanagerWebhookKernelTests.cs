using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests.Remediation;

/// <summary>A real Alertmanager calls the webhook with the bearer token from its credentials file.</summary>
public class AlertmanagerWebhookKernelTests
{
    [SkippableFact]
    public async Task A_firing_alert_for_this_instance_removes_the_deletable_orphans_in_its_scope()
    {
        Skip.If(AlertmanagerServer.Binary is null || Tools.Find("amtool") is null, "needs prometheus-alertmanager and amtool");
        using var host = new FakeHost();
        host.AddBridge("br0");
        var live = host.AddNamespace("live");
        host.AddVeth("vethamlive", live, bridge: "br0");
        host.StartContainerProcess(live);
        var leak = host.AddNamespace("leak");
        host.AddVeth("vethamorph1", leak);
        host.AddVeth("vethamorph2", leak, peerName: "eth1");
        host.AddVeth("vethambr", leak, bridge: "br0", peerName: "eth2");
        await using var served = await ServedExporter.StartAsync(host);
        await served.WaitForSampleAsync("veth_orphans_detected_total{bridge=\"none\",reason=\"pinned_no_process\"}", 2);
        using var alertmanager = await AlertmanagerServer.StartAsync(AlertmanagerServer.WebhookConfiguration(served.Port, Path.Combine(served.Directory, "token")));

        // Another node's alert reaches us too (one receiver for the fleet): it must change nothing.
        alertmanager.Fire("alertname=VethOrphansAccumulating", "bridge=none", "instance=192.0.2.77:9814");
        await Task.Delay(4000);
        Assert.Contains("vethamorph1", host.Links());

        alertmanager.Fire("alertname=VethOrphansAccumulating", "bridge=none", $"instance=127.0.0.1:{served.Port}");

        Assert.True(await Eventually.TrueAsync(() => !host.Links().Contains("vethamorph1") && !host.Links().Contains("vethamorph2"), TimeSpan.FromSeconds(30)),
            $"the webhook did not remove the orphans:\n{served.Log}");
        Assert.Contains("vethambr", host.Links());   // another bridge: out of the alert's scope
        Assert.Contains("vethamlive", host.Links());
        await served.WaitForSampleAsync("veth_remediation_actions_total{action=\"delete\",result=\"deleted\"}", 2);
        var audit = AuditTrail.ReadAll(served.AuditFile);
        Assert.All(audit, line => Assert.Equal("alertmanager", line.Source));
        // Each deletion: its intent first, then its result.
        Assert.Equal(["intent", "result", "intent", "result"], audit.Select(l => l.Phase));
    }

}
