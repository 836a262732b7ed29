using System.Net;
using System.Text.Json;
using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests.Remediation;

/// <summary>
/// The verified delete path against a real kernel: a fake host with live containers on a bridge,
/// decoys, and orphans of every kind; only what ARCHITECTURE §3 allows may disappear.
/// </summary>
public class RemediationKernelTests
{
    /// <summary>Two live containers that ping each other across br0, plus orphans and decoys.</summary>
    /// <summary>The narrowed configuration these tests judge the mixed host under: bridge ports are kept (the default detaches them).</summary>
    private const string KeepBridgePorts = "--remediation.detach-bridged=false";

    private static void BuildMixedHost(FakeHost host)
    {
        host.AddBridge("br0");
        host.Ip("addr add 192.0.2.254/24 dev br0");
        foreach (var (name, address) in new[] { ("c1", "192.0.2.1"), ("c2", "192.0.2.2") })
        {
            var ns = host.AddNamespace(name);
            host.AddVeth($"vethlive{name}", ns, bridge: "br0");
            Tools.Run("ip", "-n", ns, "addr", "add", $"{address}/24", "dev", "eth0");
            host.StartContainerProcess(ns);
        }
        var leak = host.AddNamespace("leak");
        host.AddVeth("vethorph1", leak);                                  // deletable
        host.AddVeth("vethorph2", leak, peerName: "eth1");                // deletable
        host.AddVeth("vethbrorph", leak, bridge: "br0", peerName: "eth2"); // blocked: bridge_port
        host.AddVeth("vethtcorph", leak, peerName: "eth3");               // blocked: tc
        host.Exec("tc", "qdisc", "add", "dev", "vethtcorph", "root", "tbf", "rate", "1mbit", "burst", "32kbit", "latency", "400ms");
        host.Ip("link add vethdecoy type veth peer name vethdecoyp");      // host plumbing: in use
        host.Ip("addr add 198.51.100.1/24 dev vethdecoy");
    }


    private static bool Pings(FakeHost host) =>
        Tools.TryRun("ip", "netns", "exec", $"{host.Name}-c1", "ping", "-c", "1", "-W", "2", "192.0.2.2");

    private static async Task WaitUntilDeletable(ServedExporter served, params string[] names)
    {
        Assert.True(await Eventually.TrueAsync(() =>
        {
            using var json = JsonDocument.Parse(served.Http.GetStringAsync("/api/v1/orphans").GetAwaiter().GetResult());
            var deletable = json.RootElement.GetProperty("interfaces").EnumerateArray()
                .Where(i => i.GetProperty("deletable").GetBoolean()).Select(i => i.GetProperty("name").GetString()).ToHashSet();
            return names.All(deletable.Contains);
        }, TimeSpan.FromSeconds(20)), "the orphans never became deletable");
    }

    private static async Task<Dictionary<string, JsonElement>> RemediateAsync(ServedExporter served, string body)
    {
        var response = await served.PostAsync("/api/v1/remediate", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("interface").GetString()!, r => r.Clone());
    }

    [SkippableFact]
    public async Task Dry_run_changes_nothing_and_a_real_request_deletes_exactly_the_deletable_orphans()
    {
        using var host = new FakeHost();
        BuildMixedHost(host);
        await using var served = await ServedExporter.StartAsync(host, null, KeepBridgePorts);
        await WaitUntilDeletable(served, "vethorph1", "vethorph2");
        Assert.True(Pings(host), "the live containers could not reach each other before remediation");
        var before = host.Links();

        var dry = await RemediateAsync(served, """{"all":true,"dryRun":true}""");
        Assert.Equal("would_delete", dry["vethorph1"].GetProperty("result").GetString());
        Assert.Equal(before, host.Links());

        var results = await RemediateAsync(served, """{"all":true,"dryRun":false}""");

        Assert.Equal("deleted", results["vethorph1"].GetProperty("result").GetString());
        Assert.Equal("deleted", results["vethorph2"].GetProperty("result").GetString());
        Assert.Equal("refused", results["vethbrorph"].GetProperty("result").GetString());
        Assert.Equal(["bridge_port"], results["vethbrorph"].GetProperty("blockers").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(["tc"], results["vethtcorph"].GetProperty("blockers").EnumerateArray().Select(b => b.GetString()));
        Assert.False(results.ContainsKey("vethlivec1")); // "all" covers orphans only

        var after = host.Links();
        Assert.Equal(before.Except(["vethorph1", "vethorph2"]).Order(), after.Order());
        Assert.True(Pings(host), "the live containers lost connectivity");

        var audit = await File.ReadAllLinesAsync(served.AuditFile);
        Assert.Contains(audit, l => l.Contains("\"name\":\"vethorph1\"", StringComparison.Ordinal) && l.Contains("\"result\":\"deleted\"", StringComparison.Ordinal));
        Assert.Contains(audit, l => l.Contains("\"name\":\"vethbrorph\"", StringComparison.Ordinal) && l.Contains("\"result\":\"refused\"", StringComparison.Ordinal));
        await served.WaitForSampleAsync("veth_remediation_actions_total{action=\"delete\",result=\"deleted\"}", 2);
        await served.WaitForSampleAsync("veth_orphan_lifetime_seconds_count{bridge=\"none\",outcome=\"remediated\"}", 2);
    }

    [SkippableFact]
    public async Task Named_interfaces_get_a_result_each_and_live_ones_are_refused()
    {
        using var host = new FakeHost();
        BuildMixedHost(host);
        await using var served = await ServedExporter.StartAsync(host, null, KeepBridgePorts);
        await WaitUntilDeletable(served, "vethorph1");

        var results = await RemediateAsync(served, """{"interfaces":["vethlivec1","vethdecoy","nosuchveth","vethorph1"],"dryRun":false}""");

        Assert.Equal("refused", results["vethlivec1"].GetProperty("result").GetString());
        Assert.Equal(["not_orphan"], results["vethlivec1"].GetProperty("blockers").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal("refused", results["vethdecoy"].GetProperty("result").GetString());
        Assert.Equal("not_found", results["nosuchveth"].GetProperty("result").GetString());
        Assert.Equal("deleted", results["vethorph1"].GetProperty("result").GetString());
        Assert.Contains("vethlivec1", host.Links());
        Assert.Contains("vethdecoy", host.Links());
        Assert.True(Pings(host));
    }

    [SkippableFact]
    public async Task Bad_credentials_and_bad_bodies_change_nothing()
    {
        using var host = new FakeHost();
        BuildMixedHost(host);
        await using var served = await ServedExporter.StartAsync(host, null, KeepBridgePorts);
        await WaitUntilDeletable(served, "vethorph1");
        var before = host.Links();
        const string all = """{"all":true,"dryRun":false}""";

        Assert.Equal(HttpStatusCode.Unauthorized, (await served.PostAsync("/api/v1/remediate", all, token: null)).StatusCode);
        var wrong = await served.PostAsync("/api/v1/remediate", all, token: "not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain(ServedExporter.Token, await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await served.PostAsync("/api/v1/alertmanager", "{}", token: "nope")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await served.PostAsync("/api/v1/remediate", "{\"all\":")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await served.PostAsync("/api/v1/remediate", """{"interfaces":["$(reboot)"]}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await served.PostAsync("/api/v1/remediate", """{"all":"yes"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await served.PostAsync("/api/v1/remediate", "{\"interfaces\":[\"" + new string('a', 70_000) + "\"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await served.PostAsync("/api/v1/alertmanager", """{"version":"4","alerts":"x"}""")).StatusCode);
        // A repeated key is no licence: either value would be a guess.
        Assert.Equal(HttpStatusCode.BadRequest, (await served.PostAsync("/api/v1/remediate", """{"all":true,"dryRun":true,"dryRun":false}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await served.PostAsync("/api/v1/remediate", """{"all":true}""")).StatusCode);
        using (var form = new HttpRequestMessage(HttpMethod.Post, "/api/v1/remediate") { Content = new StringContent(all, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") })
        {
            form.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServedExporter.Token);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await served.Http.SendAsync(form)).StatusCode);
        }

        Assert.Equal(before, host.Links());
        Assert.Equal(3, await served.SampleAsync("veth_remediation_auth_failures_total"));
        Assert.DoesNotContain(ServedExporter.Token, served.Log);
    }

    [SkippableFact]
    public async Task A_token_file_that_goes_away_or_back_to_the_placeholder_lets_nobody_in()
    {
        using var host = new FakeHost();
        BuildMixedHost(host);
        await using var served = await ServedExporter.StartAsync(host, null, KeepBridgePorts);
        await WaitUntilDeletable(served, "vethorph1");
        var before = host.Links();
        string tokenFile = Path.Combine(served.Directory, "token");
        const string all = """{"all":true,"dryRun":false}""";

        File.Delete(tokenFile);
        await Task.Delay(1100);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await served.PostAsync("/api/v1/remediate", all)).StatusCode);
        File.WriteAllText(tokenFile, "REPLACE-ME-WITH-A-RANDOM-TOKEN\n");
        await Task.Delay(1100);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await served.PostAsync("/api/v1/remediate", all)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await served.PostAsync("/api/v1/remediate", all, token: "REPLACE-ME-WITH-A-RANDOM-TOKEN")).StatusCode);
        Assert.Equal(before, host.Links());
        Assert.Contains("remediation endpoints refuse every request (503)", served.Log);

        // A new token of the right kind works at once, without a restart.
        File.WriteAllText(tokenFile, "rotated-token-0123456789\n");
        await Task.Delay(1100);
        Assert.Equal(HttpStatusCode.Unauthorized, (await served.PostAsync("/api/v1/remediate", """{"all":true,"dryRun":true}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await served.PostAsync("/api/v1/remediate", """{"all":true,"dryRun":true}""", token: "rotated-token-0123456789")).StatusCode);
        Assert.Equal(before, host.Links());
    }

    [SkippableTheory]
    [InlineData("REPLACE-ME-WITH-A-RANDOM-TOKEN", "placeholder")]
    [InlineData("short-token", "shorter than 16 bytes")]
    public void Serve_refuses_to_start_with_an_unusable_token(string content, string why)
    {
        using var host = new FakeHost();
        string directory = Directory.CreateTempSubdirectory("vxt-token-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "token"), content + "\n");
            var (code, _, error) = Exporter.Run(["serve", "--netns", host.NetnsPath, "--web.listen-address", "127.0.0.1:0",
                "--state.file", Path.Combine(directory, "state.json"), "--remediation.audit-file", Path.Combine(directory, "audit.log"),
                "--remediation.token-file", Path.Combine(directory, "token")]);
            Assert.Equal(2, code);
            Assert.Contains(why, error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Without_a_token_file_the_endpoints_do_not_exist()
    {
        using var host = new FakeHost();
        string directory = Directory.CreateTempSubdirectory("vxt-serve-").FullName;
        await using var served = await ServedExporter.StartAsync(host, directory, withToken: false);
        Assert.Equal(HttpStatusCode.NotFound, (await served.PostAsync("/api/v1/remediate", """{"all":true,"dryRun":false}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await served.PostAsync("/api/v1/alertmanager", "{}")).StatusCode);
    }

    [SkippableFact]
    public async Task Young_orphans_are_refused_as_too_young()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("leak");
        host.AddVeth("vethyoung", leak);
        await using var served = await ServedExporter.StartAsync(host, null, "--remediation.min-age", "1h");
        await served.WaitForSampleAsync("veth_orphans_detected_total{bridge=\"none\",reason=\"pinned_no_process\"}", 1);

        var results = await RemediateAsync(served, """{"interfaces":["vethyoung"],"dryRun":false}""");

        Assert.Equal("refused", results["vethyoung"].GetProperty("result").GetString());
        Assert.Equal(["too_young"], results["vethyoung"].GetProperty("blockers").EnumerateArray().Select(b => b.GetString()));
        Assert.Contains("vethyoung", host.Links());
    }

    [SkippableFact]
    public async Task Parallel_requests_and_scans_never_double_delete()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("leak");
        string[] names = Enumerable.Range(0, 6).Select(i => $"vethpar{i}").ToArray();
        for (int i = 0; i < names.Length; i++) host.AddVeth(names[i], leak, peerName: $"eth{i}");
        await using var served = await ServedExporter.StartAsync(host, null, "--remediation.max-deletes", "3");
        await WaitUntilDeletable(served, names);

        var requests = Enumerable.Range(0, 24).Select(i => served.PostAsync("/api/v1/remediate",
            i % 3 == 0 ? """{"all":true,"dryRun":false}""" : $$"""{"interfaces":["{{names[i % names.Length]}}","{{names[(i + 1) % names.Length]}}"],"dryRun":false}"""));
        var scrapes = Enumerable.Range(0, 24).Select(_ => served.Http.GetAsync("/metrics"));
        var responses = await Task.WhenAll(requests);
        await Task.WhenAll(scrapes);

        var deletedPerName = new Dictionary<string, int>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            foreach (var result in json.RootElement.GetProperty("results").EnumerateArray())
            {
                string outcome = result.GetProperty("result").GetString()!;
                Assert.NotEqual("failed", outcome);
                if (outcome == "deleted") deletedPerName[result.GetProperty("interface").GetString()!] = deletedPerName.GetValueOrDefault(result.GetProperty("interface").GetString()!) + 1;
            }
        }
        Assert.Equal(names.Order(), deletedPerName.Keys.Order());
        Assert.All(deletedPerName.Values, count => Assert.Equal(1, count));
        Assert.Empty(host.Links().Intersect(names));
    }

    [SkippableFact]
    public async Task Release_netns_removes_the_stale_pin_and_the_kernel_removes_both_ends()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("rel");
        host.AddVeth("vethrel1", leak);
        host.AddVeth("vethrel2", leak, peerName: "eth1");
        await using var served = await ServedExporter.StartAsync(host, null, "--remediation.release-netns");
        await WaitUntilDeletable(served, "vethrel1", "vethrel2");

        var results = await RemediateAsync(served, """{"all":true,"dryRun":false}""");

        Assert.Equal("release_netns", results["vethrel1"].GetProperty("action").GetString());
        Assert.Equal("deleted", results["vethrel1"].GetProperty("result").GetString());
        Assert.Equal("deleted", results["vethrel2"].GetProperty("result").GetString());
        Assert.False(File.Exists($"/run/netns/{leak}"));
        Assert.Empty(host.Links().Intersect(["vethrel1", "vethrel2"]));
    }

    [SkippableFact]
    public async Task Detach_bridged_deletes_a_bridged_orphan_unless_the_bridge_mac_comes_from_it()
    {
        using var host = new FakeHost();
        host.AddBridge("br0");
        var leak = host.AddNamespace("leak");
        host.AddVeth("vethporta", leak, bridge: "br0");
        host.AddVeth("vethportb", leak, bridge: "br0", peerName: "eth1");
        // A bridge without a MAC of its own takes the lowest of its ports' MACs.
        string source = Mac(host, "br0") == Mac(host, "vethporta") ? "vethporta" : "vethportb";
        string other = source == "vethporta" ? "vethportb" : "vethporta";
        Assert.Equal(Mac(host, "br0"), Mac(host, source));
        await using var served = await ServedExporter.StartAsync(host, null, "--remediation.detach-bridged");
        await WaitUntilDeletable(served, other);

        var results = await RemediateAsync(served, """{"all":true,"bridge":"br0","dryRun":false}""");

        Assert.Equal(["bridge_mac_source"], results[source].GetProperty("blockers").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal("detach_delete", results[other].GetProperty("action").GetString());
        Assert.Equal("deleted", results[other].GetProperty("result").GetString());
        Assert.Contains(source, host.Links());
        Assert.DoesNotContain(other, host.Links());
    }

    private static string Mac(FakeHost host, string link) =>
        host.Exec("cat", $"/sys/class/net/{link}/address").Trim();

    [SkippableFact]
    public void Cli_remediate_runs_the_same_path_with_dry_run()
    {
        using var host = new FakeHost();
        host.AddBridge("br0");
        var leak = host.AddNamespace("leak");
        host.AddVeth("vethcli1", leak);
        host.AddVeth("vethcli2", leak, bridge: "br0", peerName: "eth1");
        string audit = Path.Combine(Path.GetTempPath(), $"{host.Name}-audit.log");
        string[] common = ["--netns", host.NetnsPath, "--remediation.min-age", "0s", "--state.file", "/nonexistent/state.json", "--remediation.audit-file", audit,
            "--remediation.detach-bridged=false"];
        try
        {
            var (code, output, error) = Exporter.Run(["remediate", "--dry-run", "vethcli1", "vethcli2", .. common]);
            Assert.True(code == 0, error);
            Assert.Contains("vethcli1: would_delete", output);
            Assert.Contains("vethcli2: refused (bridge_port)", output);
            Assert.Contains("vethcli1", host.Links());

            (code, output, error) = Exporter.Run(["remediate", "vethcli1", "vethcli2", .. common]);
            Assert.True(code == 0, error);
            Assert.Contains("vethcli1: deleted", output);
            Assert.DoesNotContain("vethcli1", host.Links());
            Assert.Contains("vethcli2", host.Links());
            // Two decisions per run, and the one deletion's intent written before it.
            Assert.Equal(4, AuditTrail.Read(audit).Count);
            Assert.Equal(["vethcli1"], AuditTrail.ReadAll(audit).Where(l => l.Phase == "intent").Select(l => l.Name));

            (code, _, error) = Exporter.Run(["remediate", "veth;rm", .. common]);
            Assert.Equal(2, code);
            Assert.Contains("not a valid interface name", error);
        }
        finally
        {
            File.Delete(audit);
        }
    }
}
