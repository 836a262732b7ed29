using System.Text.Json;
using VethExporter.Classification;
using VethExporter.Cni;
using VethExporter.KernelTests.Support;
using VethExporter.Scanning;

namespace VethExporter.KernelTests.Cni;

/// <summary>
/// Leaked CNI attachments made by the real plugins, called as a runtime calls them, in a fake host:
/// what the kernel keeps and drops, what the scan reports, and what cni_del leaves (nothing).
/// </summary>
[Collection(HostWideTests.Name)]
public sealed class CniAttachmentKernelTests
{
    private static async Task<ScanResult> ScanAsync(FakeHost host, CniRuntime cni)
    {
        using var scanner = new Scanner(new ScannerOptions(new VethExporter.HostInventory.KernelPaths("/proc", host.NetnsPath), ClassificationPolicy.Default)
        {
            Cni = new CniPaths(cni.CacheDir, cni.NetworksDir),
        });
        return await scanner.ScanAsync();
    }

    private static AttachmentVerdict Of(ScanResult scan, CniContainer c) => Assert.Single(scan.Attachments, a => a.Key.ContainerId == c.Id);

    [SkippableFact]
    public async Task Live_pinned_stealth_and_properly_deleted_attachments_are_told_apart()
    {
        using var host = new FakeHost();
        using var cni = new CniRuntime(host);
        var live = cni.Add(CniRuntime.BridgePortmapBandwidth("brnet", "cni-br0", "10.77.2.0/24"), capabilityArgs: CniRuntime.PortMappingsAndBandwidth);
        var pinned = cni.Add(CniRuntime.BridgePortmapBandwidth("brnet", "cni-br0", "10.77.2.0/24"), capabilityArgs: CniRuntime.PortMappingsAndBandwidth);
        var stealth = cni.Add(CniRuntime.Ptp("ptpnet", "10.77.1.0/24"));
        var deleted = cni.Add(CniRuntime.Ptp("ptpnet", "10.77.1.0/24"));
        var firewalled = cni.Add(CniRuntime.BridgeFirewall("fwnet", "cni-fw0", "10.77.3.0/24"));
        CniRuntime.Kill(pinned);
        cni.KillAndUnpin(stealth);
        CniRuntime.Kill(firewalled);
        cni.Delete(deleted);

        // The kernel facts: the stealth leak's veth died with its namespace; its lease and chain did not.
        Assert.DoesNotContain(stealth.HostVeth, host.Links());
        Assert.Contains(pinned.HostVeth, host.Links());
        Assert.Contains(stealth.Ip, cni.Leases("ptpnet"));
        Assert.Contains(stealth.Id, cni.Rules());

        var scan = await ScanAsync(host, cni);

        Assert.DoesNotContain(scan.Attachments, a => a.Key.ContainerId == deleted.Id);
        var l = Of(scan, live);
        Assert.Equal((AttachmentStates.Live, AttachmentReasons.Process, live.HostVeth), (l.State, l.Reason, l.HostInterface?.Name));
        Assert.Equal([live.Ip], l.Leases.Select(x => x.Address.ToString()));

        var p = Of(scan, pinned);
        Assert.Equal((AttachmentStates.Leaked, AttachmentReasons.PinnedNoProcess, pinned.HostVeth), (p.State, p.Reason, p.HostInterface?.Name));
        Assert.Equal(new CniPod("shop", "pod-2"), p.Cache!.Pod);
        Assert.Equal([pinned.Ip], p.Leases.Select(x => x.Address.ToString()));
        Assert.Contains(p.Chains, c => c.Chain.StartsWith("CNI-DN-", StringComparison.Ordinal)); // portmap's
        Assert.Contains(p.Chains, c => c.Table == "nat" && c.Jumps.Any(j => j.StartsWith("-A POSTROUTING", StringComparison.Ordinal))); // bridge's masquerade
        Assert.Equal([CniNames.BandwidthIfb("brnet", pinned.Id)], p.IfbDevices.Select(d => d.Name));
        // Bridge port and tbf block a bare delete of the veth; they are the plugins' own and do not block cni_del.
        Assert.Contains(Blockers.BridgePort, p.InterfaceVerdict!.Blockers);
        Assert.Empty(p.Blockers);

        var s = Of(scan, stealth);
        Assert.Equal((AttachmentStates.Leaked, AttachmentReasons.NetnsGone), (s.State, s.Reason));
        Assert.Null(s.HostInterface);
        Assert.Equal([stealth.Ip], s.Leases.Select(x => x.Address.ToString()));
        Assert.NotEmpty(s.Chains);

        var f = Of(scan, firewalled);
        Assert.Equal(AttachmentStates.Leaked, f.State);
        Assert.NotEmpty(f.IpRules); // the firewall plugin's rules name only the IP
        Assert.All(f.IpRules, r => Assert.Equal(firewalled.Ip, r.Address.ToString()));
    }

    [SkippableFact]
    public async Task Remediating_everything_with_default_flags_removes_each_leaked_attachment_completely_and_nothing_live()
    {
        using var host = new FakeHost();
        using var cni = new CniRuntime(host);
        var live = cni.Add(CniRuntime.BridgePortmapBandwidth("brnet", "cni-br0", "10.77.2.0/24"), capabilityArgs: CniRuntime.PortMappingsAndBandwidth);
        var pinned = cni.Add(CniRuntime.BridgePortmapBandwidth("brnet", "cni-br0", "10.77.2.0/24"), capabilityArgs: CniRuntime.PortMappingsAndBandwidth);
        var stealth = cni.Add(CniRuntime.BridgePortmapBandwidth("brnet", "cni-br0", "10.77.2.0/24"), capabilityArgs: CniRuntime.PortMappingsAndBandwidth);
        var ptpLive = cni.Add(CniRuntime.Ptp("ptpnet", "10.77.1.0/24"));
        var ptpPinned = cni.Add(CniRuntime.Ptp("ptpnet", "10.77.1.0/24"));
        var ptpStealth = cni.Add(CniRuntime.Ptp("ptpnet", "10.77.1.0/24"));
        var fwLeak = cni.Add(CniRuntime.BridgeFirewall("fwnet", "cni-fw0", "10.77.3.0/24"));
        var fwLive = cni.Add(CniRuntime.BridgeFirewall("fwnet", "cni-fw0", "10.77.3.0/24"));
        CniContainer[] leaked = [pinned, stealth, ptpPinned, ptpStealth, fwLeak];
        CniContainer[] alive = [live, ptpLive, fwLive];
        CniRuntime.Kill(pinned);
        cni.KillAndUnpin(stealth);
        CniRuntime.Kill(ptpPinned);
        cni.KillAndUnpin(ptpStealth);
        CniRuntime.Kill(fwLeak);
        string ifbOfPinned = CniNames.BandwidthIfb("brnet", pinned.Id), ifbOfStealth = CniNames.BandwidthIfb("brnet", stealth.Id);
        Assert.Contains(ifbOfStealth, host.Links()); // the ifb outlives the namespace

        Assert.All(alive, c => Assert.True(ReachesGateway(c), $"{c.Network} container had no network before remediation"));
        // Default flags but the token, min-age (the harness sets 0s) and where this host's CNI files are.
        await using var served = await ServedExporter.StartAsync(host, null, cni.ExporterFlags);
        await served.WaitForSampleAsync("veth_cni_attachments{network=\"brnet\",state=\"leaked\"}", 2);
        await served.WaitForSampleAsync("veth_cni_attachments{network=\"ptpnet\",state=\"leaked\"}", 2);
        // Deletable once seen in two scans.
        Assert.True(await Eventually.TrueAsync(() => DeletableAttachments(served) == leaked.Length, TimeSpan.FromSeconds(30)),
            await served.Http.GetStringAsync("/api/v1/orphans"));

        using (var dry = await served.PostAsync("/api/v1/remediate", """{"all":true,"dryRun":true}"""))
        {
            string body = await dry.Content.ReadAsStringAsync();
            Assert.True(dry.IsSuccessStatusCode, body);
            using var doc = JsonDocument.Parse(body);
            var wouldGo = doc.RootElement.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("result").GetString() == "would_delete").ToList();
            Assert.Equal(leaked.Length, wouldGo.Count);
            Assert.All(wouldGo, r => Assert.Equal("cni_del", r.GetProperty("action").GetString()));
            Assert.All(leaked, c => Assert.Contains(c.CacheFile, body));
        }
        Assert.All(leaked, c => Assert.True(File.Exists(c.CacheFile), "a dry run touched " + c.CacheFile));

        using (var real = await served.PostAsync("/api/v1/remediate", """{"all":true,"dryRun":false}"""))
        {
            string body = await real.Content.ReadAsStringAsync();
            Assert.True(real.IsSuccessStatusCode, body);
            using var doc = JsonDocument.Parse(body);
            var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
            Assert.True(results.Count == leaked.Length && results.All(r => r.GetProperty("result").GetString() == "deleted"), body);
            // The stealth leaks have no interface, and their results still name them.
            Assert.Equal(2, results.Count(r => r.GetProperty("interface").ValueKind == JsonValueKind.Null && r.GetProperty("attachment").ValueKind == JsonValueKind.Object));
        }

        // Nothing of a leaked attachment remains.
        var links = host.Links();
        string rules = cni.Rules();
        foreach (var c in leaked)
        {
            Assert.False(File.Exists(c.CacheFile), c.CacheFile);
            Assert.DoesNotContain(c.HostVeth, links);
            Assert.DoesNotContain(c.Ip, cni.Leases(c.Network));
            Assert.DoesNotContain(c.Id, rules);
            Assert.DoesNotContain($"{c.Ip}/32", rules);
            Assert.False(File.Exists(c.NetnsPath), c.NetnsPath);
        }
        Assert.DoesNotContain(ifbOfPinned, links);
        Assert.DoesNotContain(ifbOfStealth, links);
        // Every live container keeps its veth, lease, chains, cache and reaches its gateway.
        foreach (var c in alive)
        {
            Assert.True(File.Exists(c.CacheFile));
            Assert.Contains(c.HostVeth, links);
            Assert.Contains(c.Ip, cni.Leases(c.Network));
            Assert.Contains(c.Id, rules);
            Assert.True(ReachesGateway(c), $"{c.Network} container lost its network");
        }
        string audit = await File.ReadAllTextAsync(served.AuditFile);
        Assert.Contains("\"action\":\"cni_del\"", audit);
        Assert.Contains("DEL portmap: ok", audit);
    }

    private static bool ReachesGateway(CniContainer c)
    {
        string gateway = c.Network switch { "ptpnet" => "10.77.1.1", "fwnet" => "10.77.3.1", _ => "10.77.2.1" };
        return Tools.TryRun("ip", "netns", "exec", c.Namespace, "ping", "-c", "1", "-W", "2", gateway);
    }

    private static int DeletableAttachments(ServedExporter served)
    {
        using var doc = JsonDocument.Parse(served.Http.GetStringAsync("/api/v1/orphans").GetAwaiter().GetResult());
        return doc.RootElement.GetProperty("attachments").EnumerateArray().Count(a => a.GetProperty("deletable").GetBoolean());
    }

    [SkippableFact]
    public async Task A_plugin_that_hangs_is_missing_or_untrusted_fails_that_attachment_alone_and_touches_nothing()
    {
        using var host = new FakeHost();
        using var cni = new CniRuntime(host);
        var hanging = cni.Add(CniRuntime.Ptp("ptpnet", "10.77.1.0/24"));
        var missing = cni.Add(CniRuntime.BridgeFirewall("fwnet", "cni-fw0", "10.77.3.0/24"));
        CniRuntime.Kill(hanging);
        CniRuntime.Kill(missing);

        // A plugin directory of our own: a ptp that never answers, host-local as shipped, no bridge or firewall.
        string bin = Directory.CreateTempSubdirectory("vxt-cnibin-").FullName;
        try
        {
            File.SetUnixFileMode(bin, (UnixFileMode)0b111_101_101);
            File.WriteAllText(Path.Combine(bin, "ptp"), "#!/bin/sh\nexec sleep 3600\n");
            File.SetUnixFileMode(Path.Combine(bin, "ptp"), (UnixFileMode)0b111_101_101);
            File.Copy(Path.Combine(CniRuntime.PluginDir, "host-local"), Path.Combine(bin, "host-local"));
            await using var served = await ServedExporter.StartAsync(host, null,
                ["--path.cni-cache", cni.CacheDir, "--path.cni-networks", cni.NetworksDir, "--path.cni-bin", bin]);
            Assert.True(await Eventually.TrueAsync(() => DeletableAttachments(served) == 2, TimeSpan.FromSeconds(30)));

            using var response = await served.PostAsync("/api/v1/remediate", """{"all":true,"dryRun":false}""");
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            using var doc = JsonDocument.Parse(body);
            var results = doc.RootElement.GetProperty("results").EnumerateArray()
                .ToDictionary(r => r.GetProperty("attachment").GetProperty("containerId").GetString()!);
            Assert.Equal("failed", results[hanging.Id].GetProperty("result").GetString());
            Assert.Contains("did not finish within 10 s", results[hanging.Id].GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal("refused", results[missing.Id].GetProperty("result").GetString());
            Assert.Equal(["plugin_unusable"], results[missing.Id].GetProperty("blockers").EnumerateArray().Select(b => b.GetString()));
            Assert.Contains($"plugin firewall is in none of {bin}", results[missing.Id].GetProperty("error").GetString(), StringComparison.Ordinal);

            // Nothing of either attachment was touched: the DEL stopped before anything of ours ran.
            foreach (var c in new[] { hanging, missing })
            {
                Assert.True(File.Exists(c.CacheFile));
                Assert.Contains(c.Ip, cni.Leases(c.Network));
                Assert.Contains(c.HostVeth, host.Links());
                Assert.True(File.Exists(c.NetnsPath));
            }
            Assert.Contains(hanging.Id, cni.Rules());
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }
}
