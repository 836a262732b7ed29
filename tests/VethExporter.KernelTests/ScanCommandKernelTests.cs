using System.Text.Json;
using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests;

/// <summary>The real `veth-exporter scan` binary against a fake host with a mix of situations.</summary>
public class ScanCommandKernelTests
{
    [SkippableFact]
    public void Scan_json_classifies_a_mixed_host_and_lists_only_veths()
    {
        using var host = new FakeHost();
        host.AddBridge("docker0");
        var live = host.AddNamespace("live");
        var leaked = host.AddNamespace("leak");
        host.AddVeth("vethlive", live, bridge: "docker0");
        host.AddVeth("vethleak", leaked, bridge: "docker0");
        host.AddVeth("cali00ff", leaked, peerName: "eth1");
        host.Ip("tuntap add dev vethtap9 mode tap");
        var process = host.StartContainerProcess(live);
        SpinWait.SpinUntil(() => File.ReadAllText($"/proc/{process.Id}/comm").Trim() == "sleep", 5000);

        var (code, output, error) = Exporter.Run(["scan", "--output", "json", "--netns", host.NetnsPath, "--remediation.detach-bridged=false"]);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.True(root.GetProperty("hostViewComplete").GetBoolean());
        var interfaces = root.GetProperty("interfaces").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.Equal(["cali00ff", "vethleak", "vethlive"], interfaces.Keys.Order());

        Assert.Equal("in_use", interfaces["vethlive"].GetProperty("state").GetString());
        Assert.Equal("process", interfaces["vethlive"].GetProperty("reason").GetString());
        Assert.Equal("docker0", interfaces["vethlive"].GetProperty("bridge").GetString());

        Assert.Equal("orphan", interfaces["vethleak"].GetProperty("state").GetString());
        Assert.Equal("pinned_no_process", interfaces["vethleak"].GetProperty("reason").GetString());
        // One scan without a state file sees every orphan for the first time: it says what it cannot know.
        Assert.Equal(["bridge_port", "unstable_identity", "too_young"], interfaces["vethleak"].GetProperty("blockers").EnumerateArray().Select(b => b.GetString()));
        Assert.False(interfaces["vethleak"].GetProperty("deletable").GetBoolean());

        Assert.Equal(JsonValueKind.Null, interfaces["cali00ff"].GetProperty("bridge").ValueKind);
        Assert.Equal(["unstable_identity", "too_young"], interfaces["cali00ff"].GetProperty("blockers").EnumerateArray().Select(b => b.GetString()));
        Assert.False(interfaces["cali00ff"].GetProperty("deletable").GetBoolean());
        Assert.Equal($"/run/netns/{leaked}", interfaces["cali00ff"].GetProperty("peer").GetProperty("holders").GetProperty("mounts")[0].GetString());
        Assert.Equal(JsonValueKind.String, interfaces["cali00ff"].GetProperty("firstSeen").ValueKind);

        var leakedNs = root.GetProperty("namespaces").EnumerateArray()
            .Single(n => n.GetProperty("mounts").EnumerateArray().Any(m => m.GetString() == $"/run/netns/{leaked}"));
        Assert.True(leakedNs.GetProperty("pinnedWithoutProcess").GetBoolean());
        Assert.Equal(2, leakedNs.GetProperty("vethPeers").GetInt32());
    }

    [SkippableFact]
    public void Scan_text_shows_orphans_first_with_their_blockers()
    {
        using var host = new FakeHost();
        host.AddBridge("br0");
        var leaked = host.AddNamespace("leak");
        host.AddVeth("vethtxt1", leaked, bridge: "br0");

        var (code, output, error) = Exporter.Run(["scan", "--netns", host.NetnsPath, "--remediation.detach-bridged=false"]);

        Assert.True(code == 0, error);
        var row = output.Split('\n').Single(l => l.StartsWith("vethtxt1", StringComparison.Ordinal));
        Assert.Matches(@"^vethtxt1\s+\d+\s+br0\s+up\s+orphan\s+pinned_no_process\s+/run/netns/\S+\s+-\s+bridge_port,unstable_identity,too_young$", row);
        Assert.Contains("1 veth, 1 orphaned, 0 deletable", output);
    }

    [SkippableFact]
    public void Without_privileges_scan_still_runs_and_says_what_it_cannot_see()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root to drop to an unprivileged user");
        Skip.If(Tools.Find("setpriv") is null, "needs setpriv (util-linux)");

        var (code, output, error) = Exporter.Run(["scan", "--output", "json"], asUser: "nobody");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("hostViewComplete").GetBoolean());
        Assert.Contains(json.RootElement.GetProperty("limitations").EnumerateArray(), l => l.GetString()!.Contains("CAP_SYS_PTRACE", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Bad_flags_give_one_line_and_exit_2()
    {
        var (code, _, error) = Exporter.Run(["scan", "--scan.peer-netns-grace", "soon"]);
        Assert.Equal(2, code);
        Assert.Equal("veth-exporter: --scan.peer-netns-grace: \"soon\" is not a duration (use e.g. 30s, 10m, 1h)", error.Trim());

        // A flag of another command is refused, not ignored.
        (code, _, error) = Exporter.Run(["serve", "--dry-run"]);
        Assert.Equal(2, code);
        Assert.Equal("veth-exporter: --dry-run is not a flag of serve (see serve --help)", error.Trim());
    }
}
