using System.Globalization;
using System.Net;
using System.Text.Json;
using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests.Runtime;

/// <summary>
/// The leak podman never notices (conmon and the container's process killed: podman keeps saying "Up"), found by the
/// served exporter with its default flags (the podman socket and the CNI plugin directory aside), attributed to
/// podman, and cleaned by podman itself through runtime_cleanup: afterwards <c>podman ps -a</c> works and nothing of
/// the container is left — veth, pin, lease, libcni cache, masquerade chain — while the live container keeps its own.
/// </summary>
public sealed class PodmanCleanupKernelTests
{
    private static JsonElement[] Interfaces(JsonDocument snapshot) => snapshot.RootElement.GetProperty("interfaces").EnumerateArray().ToArray();

    /// <summary>An element that outlives its document (or the default one, when none was found).</summary>
    private static JsonElement Kept(JsonElement element) => element.ValueKind == JsonValueKind.Undefined ? default : element.Clone();

    private static string[] Blockers(JsonElement item) => item.GetProperty("blockers").EnumerateArray().Select(b => b.GetString()!).ToArray();

    [SkippableFact]
    public async Task A_podman_leak_is_podmans_and_runtime_cleanup_with_default_flags_leaves_nothing_behind()
    {
        using var host = new FakeHost();
        using var podman = new PodmanRuntime(host);
        string live = podman.Run("live");
        string leak = podman.Run("leak");
        string pin = podman.Podman("inspect", "-f", "{{.NetworkSettings.SandboxKey}}", leak);
        await podman.CrashAsync(leak);
        Assert.Contains("Up", podman.Podman("ps", "--filter", $"id={leak}", "--format", "{{.Status}}"), StringComparison.Ordinal);

        string cache = $"/var/lib/cni/results/{podman.Network}-{leak}-eth0";
        string leases = Path.Combine("/var/lib/cni/networks", podman.Network);
        string[] LeasesOf(string id) => Directory.EnumerateFiles(leases).Where(f => File.ReadAllText(f).Contains(id, StringComparison.Ordinal)).ToArray();
        string Firewall() => host.Exec("iptables-save");
        Assert.True(File.Exists(cache) && File.Exists(pin) && LeasesOf(leak).Length == 1 && Firewall().Contains(leak, StringComparison.Ordinal),
            "the leak is not what podman leaves: cache, pin, lease and masquerade chain");

        // Default flags: detach-bridged, runtime cleanup, cni_del all on; only the paths of this machine's podman are given.
        await using var served = await ServedExporter.StartAsync(host, null,
            "--runtime.docker-socket", "unix://" + podman.ApiSocket, "--runtime.timeout", "20s",
            "--path.cni-cache", "/var/lib/cni", "--path.cni-networks", "/var/lib/cni/networks", "--path.cni-bin", "/usr/lib/cni");

        JsonElement leaked = default, alive = default, attachment = default;
        var seen = new HashSet<string>();
        Assert.True(await Eventually.TrueAsync(() =>
        {
            using var snapshot = JsonDocument.Parse(served.Http.GetStringAsync("/api/v1/orphans").GetAwaiter().GetResult());
            var ours = Interfaces(snapshot).Where(i => i.GetProperty("runtime").ValueKind == JsonValueKind.Object).ToArray();
            leaked = Kept(ours.FirstOrDefault(i => i.GetProperty("runtime").GetProperty("sandboxId").GetString() == leak));
            alive = Kept(ours.FirstOrDefault(i => i.GetProperty("runtime").GetProperty("sandboxId").GetString() == live));
            foreach (var fd in leaked.ValueKind == JsonValueKind.Object ? leaked.GetProperty("peer").GetProperty("holders").GetProperty("fds").EnumerateArray().ToArray() : [])
                seen.Add($"{fd.GetInt32()}: {(File.Exists($"/proc/{fd.GetInt32()}/cmdline") ? File.ReadAllText($"/proc/{fd.GetInt32()}/cmdline").Replace('\0', ' ') : "gone")}");
            attachment = Kept(snapshot.RootElement.GetProperty("attachments").EnumerateArray().FirstOrDefault(a => a.GetProperty("containerId").GetString() == leak));
            // Seen twice and old enough: the runtime's ownership (and maybe the bridge's MAC) is all that is left.
            return leaked.ValueKind == JsonValueKind.Object && leaked.GetProperty("state").GetString() == "orphan"
                && Blockers(leaked).Except(["runtime_owned", "bridge_mac_source"]).Any() is false;
        }, TimeSpan.FromSeconds(30)), $"the leak never settled: {leaked}; fd holders seen: {string.Join(" | ", seen)}");

        Assert.Equal(("orphan", "pinned_no_process"), (leaked.GetProperty("state").GetString(), leaked.GetProperty("reason").GetString()));
        Assert.Contains("runtime_owned", Blockers(leaked));
        var runtime = leaked.GetProperty("runtime");
        Assert.Equal(("podman", "running"), (runtime.GetProperty("name").GetString(), runtime.GetProperty("state").GetString()));
        Assert.StartsWith("leak-", runtime.GetProperty("containerName").GetString(), StringComparison.Ordinal);
        Assert.Equal(("in_use", "process", "podman"), (alive.GetProperty("state").GetString(), alive.GetProperty("reason").GetString(),
            alive.GetProperty("runtime").GetProperty("name").GetString()));
        Assert.Equal(("leaked", "podman"), (attachment.GetProperty("state").GetString(), attachment.GetProperty("runtime").GetProperty("name").GetString()));
        Assert.Contains("runtime_owned", Blockers(attachment));
        Assert.Equal(1, await served.SampleAsync("veth_exporter_runtime_up{runtime=\"podman\"}"));
        string veth = leaked.GetProperty("name").GetString()!;
        string liveVeth = alive.GetProperty("name").GetString()!;

        var dry = await RemediateAsync(served, $$"""{"interfaces":["{{veth}}"],"dryRun":true}""");
        Assert.Equal(("would_delete", "runtime_cleanup"), (dry.GetProperty("result").GetString(), dry.GetProperty("action").GetString()));
        Assert.Contains(dry.GetProperty("removes").EnumerateArray(), r => r.GetString()!.StartsWith("ask podman", StringComparison.Ordinal));
        Assert.Contains(veth, host.Links());

        var done = await RemediateAsync(served, $$"""{"interfaces":["{{veth}}"],"dryRun":false}""");
        Assert.True(done.GetProperty("result").GetString() == "deleted", $"{done}; holders now: {Holders(served, veth)}");
        Assert.Equal("runtime_cleanup", done.GetProperty("action").GetString());

        // podman did it all, and knows it: its CLI works, the container is gone from it, nothing of it is left.
        string all = podman.Podman("ps", "-a", "--no-trunc", "--format", "{{.ID}}");
        Assert.DoesNotContain(leak, all, StringComparison.Ordinal);
        Assert.Contains(live, all, StringComparison.Ordinal);
        Assert.DoesNotContain(veth, host.Links());
        Assert.False(File.Exists(pin), $"the pin {pin} is left");
        Assert.False(File.Exists(cache), $"the libcni cache {cache} is left");
        Assert.Empty(LeasesOf(leak));
        Assert.DoesNotContain(leak, Firewall(), StringComparison.Ordinal);

        // The live container kept everything.
        Assert.Contains(liveVeth, host.Links());
        Assert.Single(LeasesOf(live));
        Assert.Contains(live, Firewall(), StringComparison.Ordinal);
        Assert.True(File.Exists($"/var/lib/cni/results/{podman.Network}-{live}-eth0"));
        await served.WaitForSampleAsync("veth_remediation_actions_total{action=\"runtime_cleanup\",result=\"deleted\"}", 1);
        Assert.Contains(AuditTrail.Read(served.AuditFile), l => l.Name == veth && l.Result == "deleted" && l.Action == "runtime_cleanup");
    }

    /// <summary>What holds the veth's peer namespace, as the exporter sees it now, with each fd holder's command line.</summary>
    private static string Holders(ServedExporter served, string veth)
    {
        using var snapshot = JsonDocument.Parse(served.Http.GetStringAsync("/api/v1/orphans").GetAwaiter().GetResult());
        var item = Interfaces(snapshot).FirstOrDefault(i => i.GetProperty("name").GetString() == veth);
        if (item.ValueKind != JsonValueKind.Object) return "gone";
        var fds = item.GetProperty("peer").GetProperty("holders").GetProperty("fds").EnumerateArray().Select(f => f.GetInt32())
            .Select(pid => $"{pid} {(File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ') : "gone")}");
        return $"{item.GetProperty("state").GetString()}/{item.GetProperty("reason").GetString()}, fds: {string.Join(" | ", fds)}; runtimes {snapshot.RootElement.GetProperty("runtimes")}";
    }

    private static async Task<JsonElement> RemediateAsync(ServedExporter served, string body)
    {
        var response = await served.PostAsync("/api/v1/remediate", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var json = JsonDocument.Parse(text);
        return Assert.Single(json.RootElement.GetProperty("results").EnumerateArray()).Clone();
    }
}
