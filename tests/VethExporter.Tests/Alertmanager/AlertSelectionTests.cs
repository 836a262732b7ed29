using VethExporter.Alertmanager;
using VethExporter.Remediation;

namespace VethExporter.Tests.Alertmanager;

public class AlertSelectionTests
{
    private static readonly AlertSelection Selection = new(["VethOrphansAccumulating"],
        new InstanceMatcher(new HashSet<string> { "10.0.3.17" }, new HashSet<int> { 9814 }, new HashSet<string> { "node-a" }));

    private static FiringAlert Alert(string? name = "VethOrphansAccumulating", string? instance = "10.0.3.17:9814",
        string? bridge = "cni0", string? reason = null, string? @interface = null) =>
        new("fp", DateTimeOffset.UnixEpoch, name, instance, bridge, reason, @interface);

    [Theory]
    [InlineData("VethOrphansAccumulating", "10.0.3.17:9814", "cni0", null, null, null)]
    [InlineData("VethOrphansAccumulating", "node-a", null, "pinned_no_process", null, null)]
    [InlineData("VethOrphansAccumulating", "10.0.3.17:9814", null, null, "veth1a2b3c", null)]
    [InlineData("VethBridgeLeakingFast", "10.0.3.17:9814", "cni0", null, null, "not in --remediation.alerts")]
    [InlineData(null, "10.0.3.17:9814", "cni0", null, null, "not in --remediation.alerts")]
    [InlineData("VethOrphansAccumulating", null, "cni0", null, null, "no instance label")]
    [InlineData("VethOrphansAccumulating", "10.0.3.18:9814", "cni0", null, null, "is not this exporter")]
    [InlineData("VethOrphansAccumulating", "10.0.3.17:9100", "cni0", null, null, "is not this exporter")]
    [InlineData("VethOrphansAccumulating", "10.0.3.17:9814", null, null, null, "no bridge, reason or interface")]
    [InlineData("VethOrphansAccumulating", "10.0.3.17:9814", null, "process", null, "not an orphan reason")]
    [InlineData("VethOrphansAccumulating", "10.0.3.17:9814", null, null, "eth0;reboot", "not a valid interface name")]
    public void Only_allowed_alerts_naming_this_exporter_with_a_scope_are_acted_on(
        string? name, string? instance, string? bridge, string? reason, string? @interface, string? why)
    {
        string? ignored = Selection.WhyIgnored(Alert(name, instance, bridge, reason, @interface));
        if (why is null) Assert.Null(ignored);
        else Assert.Contains(why, ignored);
    }

    [Fact]
    public void An_alert_asks_for_its_interface_or_for_every_orphan_in_its_scope()
    {
        var named = AlertSelection.RequestFor(Alert(@interface: "veth1"), dryRun: true);
        Assert.Equal(["veth1"], named.Interfaces);
        Assert.False(named.All);
        Assert.True(named.DryRun);

        var scoped = AlertSelection.RequestFor(Alert(bridge: "cni0", reason: "pinned_no_process"), dryRun: false);
        Assert.True(scoped.All);
        Assert.Equal("cni0", scoped.Bridge);
        Assert.Equal("pinned_no_process", scoped.Reason);
        Assert.False(scoped.DryRun);
    }
}
