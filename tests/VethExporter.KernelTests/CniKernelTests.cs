using System.Diagnostics;
using System.Text.Json.Nodes;
using VethExporter.Cni;
using VethExporter.Firewall;
using VethExporter.Interop;
using VethExporter.KernelTests.Support;
using VethExporter.Netlink;

namespace VethExporter.KernelTests;

/// <summary>
/// The CNI readers against the real plugins (/usr/lib/cni) run in a fake host: the ifb redirect of the
/// bandwidth plugin through our own filter dump, the chains through the scan's firewall listing pass, and
/// netns paths that are pins, unmounted pins and /proc paths.
/// </summary>
public class CniKernelTests
{
    private const string PluginDir = "/usr/lib/cni";

    private static void SkipWithoutPlugins()
    {
        foreach (var plugin in new[] { "bridge", "host-local", "bandwidth", "portmap" })
            Skip.IfNot(File.Exists(Path.Combine(PluginDir, plugin)), $"needs the CNI plugin {plugin} in {PluginDir}");
        Skip.If(Tools.Find("iptables-nft-save") is null || Tools.Find("nsenter") is null, "needs iptables-nft-save and nsenter");
    }

    /// <summary>One plugin's ADD inside the fake host, as a runtime calls it; returns its result.</summary>
    private static JsonNode Add(FakeHost host, string plugin, JsonObject config, string containerId, string ctr)
    {
        var start = new ProcessStartInfo(Tools.Find("ip")!) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", host.Name, "env", "CNI_COMMAND=ADD", $"CNI_CONTAINERID={containerId}", $"CNI_NETNS=/run/netns/{ctr}", "CNI_IFNAME=eth0", $"CNI_PATH={PluginDir}", Path.Combine(PluginDir, plugin) })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(config.ToJsonString());
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), $"{plugin} ADD did not finish");
        Assert.True(process.ExitCode == 0, $"{plugin} ADD failed: {output} {error}");
        return JsonNode.Parse(output)!;
    }

    /// <summary>bridge (ipMasq) + portmap + bandwidth with an egress rate, chained as libcni does; returns the final result.</summary>
    private static JsonNode BridgePortmapBandwidth(FakeHost host, string dataDir, string containerId, string ctr)
    {
        var bridge = JsonNode.Parse("""
            {"cniVersion":"1.0.0","name":"kt","type":"bridge","bridge":"ktbr0","isGateway":true,"ipMasq":true,
             "ipam":{"type":"host-local","ranges":[[{"subnet":"10.78.1.0/24"}]]}}
            """)!.AsObject();
        bridge["ipam"]!["dataDir"] = dataDir;
        var result = Add(host, "bridge", bridge, containerId, ctr);
        var portmap = JsonNode.Parse("""{"cniVersion":"1.0.0","name":"kt","type":"portmap","capabilities":{"portMappings":true},"runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}}""")!.AsObject();
        portmap["prevResult"] = result.DeepClone();
        result = Add(host, "portmap", portmap, containerId, ctr);
        var bandwidth = JsonNode.Parse("""{"cniVersion":"1.0.0","name":"kt","type":"bandwidth","capabilities":{"bandwidth":true},"runtimeConfig":{"bandwidth":{"egressRate":2000000,"egressBurst":200000}}}""")!.AsObject();
        bandwidth["prevResult"] = result.DeepClone();
        return Add(host, "bandwidth", bandwidth, containerId, ctr);
    }

    private static List<LinkRecord> Links(FakeHost host)
    {
        using var client = RouteNetlinkClient.Open(host.NetnsPath);
        return client.DumpLinks();
    }

    [SkippableFact]
    public async Task Real_plugins_ifb_redirect_and_chains_are_found()
    {
        SkipWithoutPlugins();
        using var host = new FakeHost();
        string data = Directory.CreateTempSubdirectory("veth-exporter-cni-").FullName;
        try
        {
            await FoundInTheFakeHost(host, data);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task FoundInTheFakeHost(FakeHost host, string data)
    {
        string ctr = host.AddNamespace("c1");
        string id = "kt" + Guid.NewGuid().ToString("N");
        var result = BridgePortmapBandwidth(host, data, id, ctr);

        var links = Links(host);
        string ifbName = CniNames.BandwidthIfb("kt", id);
        Assert.Contains(ifbName, result["interfaces"]!.AsArray().Select(i => (string?)i!["name"]));
        var ifb = links.Single(l => l.Name == ifbName);
        var veth = links.Single(l => l.IsVeth);

        var errors = new List<CniReadError>();
        using (var client = RouteNetlinkClient.Open(host.NetnsPath))
        {
            var redirects = IfbRedirectReader.Read(client, [veth.Index], errors);
            Assert.Empty(errors);
            Assert.Equal(new IfbRedirect(veth.Index, ifb.Index), Assert.Single(redirects));
            Assert.Empty(IfbRedirectReader.Read(client, [ifb.Index], errors));  // the ifb's own root qdisc is tbf, no ingress
        }

        using var netns = NamespaceFile.Open(host.NetnsPath);
        var rules = await new FirewallRuleReader(netns, FirewallOptions.Default).ReadAsync([], CancellationToken.None);
        var chains = rules.Cni.Chains.Where(c => c.Source.Family == "ip").ToList();
        Assert.Equal(
            new[] { CniNames.MasqueradeChain("kt", id), CniNames.PortmapDnatChain("kt", id) }.Order(StringComparer.Ordinal),
            chains.Select(c => c.Chain).Order(StringComparer.Ordinal));
        Assert.All(chains, c => Assert.Equal(("kt", id, "nft"), (c.Network, c.ContainerId, c.Source.Backend)));
        Assert.All(chains, c => Assert.NotEmpty(c.Jumps));
    }

    [SkippableFact]
    public void Pins_unmounted_pins_and_proc_paths()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root");
        using var host = new FakeHost();
        string pinned = host.AddNamespace("pin");
        string gone = host.AddNamespace("gone");
        string withProcess = host.AddNamespace("proc");
        host.AddVeth("ktveth0", withProcess);
        var sleeper = host.StartContainerProcess(withProcess);
        string mac = Tools.Run("ip", "-n", withProcess, "-o", "link", "show", "eth0").Split("link/ether ")[1].Split(' ')[0];
        Assert.Equal(0, PosixFile.Stat($"/run/netns/{pinned}", out _, out ulong pinnedInode));

        // An unmounted pin leaves the plain file behind.
        Tools.Run("umount", $"/run/netns/{gone}");
        Assert.True(File.Exists($"/run/netns/{gone}"));
        string proc = $"/proc/{Eventually(() => ChildPid(sleeper.Id))}/ns/net";

        CniCacheEntry Entry(string netns, string name, string cachedMac)
        {
            Assert.True(CniConfigParser.TryParse("""{"name":"kt","type":"bridge"}"""u8.ToArray(), out var config, out _));
            return new CniCacheEntry("/x", "c", "eth0", "kt", netns, config, [], null, null,
                new CniResult([new CniResultInterface(name, cachedMac, netns)], []), DateTimeOffset.UnixEpoch);
        }
        try
        {
            var facts = NetnsPathProbe.Probe(
                [Entry($"/run/netns/{pinned}", "eth0", "x"), Entry($"/run/netns/{gone}", "eth0", "x"), Entry(proc, "eth0", mac)],
                new CniPaths(), []);
            Assert.Equal(new NetnsPathFact($"/run/netns/{pinned}", pinnedInode, null), facts[$"/run/netns/{pinned}"]);
            Assert.True(facts[$"/run/netns/{gone}"].Gone);
            Assert.StartsWith("a plain file", facts[$"/run/netns/{gone}"].Detail);
            Assert.Null(facts[proc].Doubt);
            Assert.NotNull(facts[proc].Inode);

            var reused = NetnsPathProbe.Probe([Entry(proc, "eth0", "02:00:00:00:00:99")], new CniPaths(), []);
            Assert.Contains("pid may be another's", reused[proc].Doubt);
        }
        finally
        {
            File.Delete($"/run/netns/{gone}");
        }
    }

    /// <summary>ip netns exec forks sleep, or execs it: the process inside the namespace.</summary>
    private static int ChildPid(int pid)
    {
        string comm = File.ReadAllText($"/proc/{pid}/comm").Trim();
        if (comm == "sleep") return pid;
        string children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Trim();
        return children.Length == 0 ? 0 : int.Parse(children.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int Eventually(Func<int> probe)
    {
        for (int i = 0; i < 50; i++)
        {
            try
            {
                int pid = probe();
                if (pid > 0 && File.ReadAllText($"/proc/{pid}/comm").Trim() == "sleep") return pid;
            }
            catch (IOException)
            {
            }
            Thread.Sleep(100);
        }
        throw new TimeoutException("the container process did not start");
    }
}
