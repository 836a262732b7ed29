using System.Diagnostics;
using VethExporter.Classification;
using VethExporter.KernelTests.Support;
using VethExporter.Scanning;

namespace VethExporter.KernelTests;

/// <summary>
/// Firewall references and firewall doubt on a fake host: rules in each iptables backend, listing tools
/// that are missing, hang or flood, and a pin swapped under a scanner that already opened it. A scan
/// changes nothing, and each test checks that too.
/// </summary>
public class FirewallKernelTests
{
    private static void SkipWithoutTools()
    {
        foreach (var tool in new[] { "iptables-legacy", "ip6tables-legacy", "iptables-nft", "iptables-nft-save", "nft", "nsenter", "mount" })
            Skip.If(Tools.Find(tool) is null, $"needs {tool}");
    }

    private static string[] FirewallLimitations(ScanResult scan) =>
        scan.Limitations.Where(l => l.StartsWith("firewall", StringComparison.Ordinal)).ToArray();

    /// <summary>A fake host with one container namespace and an orphan for each name given.</summary>
    private static FakeHost HostWithOrphans(params string[] names)
    {
        var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        for (int i = 0; i < names.Length; i++) host.AddVeth(names[i], ctr, peerName: $"eth{i}");
        return host;
    }

    private static void AssertAllBlockedByFirewall(ScanResult scan, params string[] names)
    {
        foreach (var name in names) scan.AssertVerdict(name, VethStates.Orphan, Reasons.PinnedNoProcess, null, Blockers.Firewall);
    }

    [SkippableFact]
    public async Task Rules_in_either_iptables_backend_block_the_veth_they_name()
    {
        SkipWithoutTools();
        using var host = HostWithOrphans("vethlg1", "vethnf1", "vethl61", "vethfree1");
        host.Exec("iptables-legacy", "-A", "FORWARD", "-i", "vethlg1", "-j", "DROP");
        // physdev is an extension: nft prints "xt match physdev" without the name, only iptables-nft-save shows it.
        host.Exec("iptables-nft", "-A", "FORWARD", "-m", "physdev", "--physdev-in", "vethnf1", "-j", "DROP");
        host.Exec("ip6tables-legacy", "-A", "FORWARD", "-o", "vethl61", "-j", "DROP");
        var before = host.Links();

        var scan = await host.ScanAsync();

        Assert.Empty(FirewallLimitations(scan));
        AssertAllBlockedByFirewall(scan, "vethlg1", "vethnf1", "vethl61");
        scan.AssertVerdict("vethfree1", VethStates.Orphan, Reasons.PinnedNoProcess, null);
        Assert.Equal(before, host.Links());
    }

    [SkippableFact]
    public async Task A_missing_tool_for_tables_the_namespace_has_blocks_every_orphan()
    {
        SkipWithoutTools();
        using var host = HostWithOrphans("vethmt1", "vethmt2");
        using var tools = new ToolDirectory().WithRealToolsExcept("ip6tables-legacy-save");
        // A legacy IPv6 table that names no veth: only a listing could tell, and its tool is missing.
        host.Exec("ip6tables-legacy", "-A", "INPUT", "-i", "lo", "-j", "ACCEPT");
        var before = host.Links();

        var scan = await host.ScanAsync(firewall: tools.Options());

        AssertAllBlockedByFirewall(scan, "vethmt1", "vethmt2");
        Assert.Contains(FirewallLimitations(scan), l => l.Contains("ip6tables-legacy-save is not installed", StringComparison.Ordinal));
        Assert.Equal(before, host.Links());
    }

    [SkippableFact]
    public async Task A_missing_tool_for_a_backend_the_kernel_proves_empty_blocks_nothing()
    {
        SkipWithoutTools();
        using var host = HostWithOrphans("vethpe1");
        using var tools = new ToolDirectory().WithRealToolsExcept("ip6tables-legacy-save");
        var before = host.Links();

        var scan = await host.ScanAsync(firewall: tools.Options());

        Assert.Empty(FirewallLimitations(scan));
        scan.AssertVerdict("vethpe1", VethStates.Orphan, Reasons.PinnedNoProcess, null);
        Assert.Equal(before, host.Links());
    }

    [SkippableFact]
    public async Task Extensions_nft_cannot_print_without_the_family_tool_block_every_orphan()
    {
        SkipWithoutTools();
        using var host = HostWithOrphans("vethex1", "vethex2");
        using var tools = new ToolDirectory().WithRealToolsExcept("iptables-nft-save", "iptables-save");
        host.Exec("iptables-nft", "-A", "FORWARD", "-m", "physdev", "--physdev-in", "vethex1", "-j", "DROP");
        var before = host.Links();

        var scan = await host.ScanAsync(firewall: tools.Options());

        AssertAllBlockedByFirewall(scan, "vethex1", "vethex2");
        Assert.Contains(FirewallLimitations(scan), l => l.Contains("iptables-nft-save is not installed", StringComparison.Ordinal));
        Assert.Equal(before, host.Links());
    }

    [SkippableFact]
    public async Task A_hung_listing_is_killed_at_its_deadline_and_blocks_every_orphan()
    {
        SkipWithoutTools();
        using var host = HostWithOrphans("vethhg1", "vethhg2");
        string pidFile = Path.Combine(Path.GetTempPath(), $"vxt-hung-{Guid.NewGuid():N}");
        using var tools = new ToolDirectory().WithRealToolsExcept().WithScript("nft", $"echo $$ > {pidFile}\nexec sleep 600");
        var before = host.Links();
        try
        {
            var clock = Stopwatch.StartNew();
            var scan = await host.ScanAsync(firewall: tools.Options(timeout: TimeSpan.FromSeconds(2)));
            clock.Stop();

            AssertAllBlockedByFirewall(scan, "vethhg1", "vethhg2");
            Assert.Contains(FirewallLimitations(scan), l => l.Contains("nft did not finish within 2 s and was stopped", StringComparison.Ordinal));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the scan took {clock.Elapsed}");
            int pid = int.Parse(File.ReadAllText(pidFile).Trim());
            Assert.True(ProcInfo.State(pid) is null or 'Z', $"the hung listing {pid} is still running");
            Assert.Equal(before, host.Links());
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [SkippableFact]
    public async Task A_flooding_listing_is_stopped_at_the_cap_and_blocks_every_orphan()
    {
        SkipWithoutTools();
        using var host = HostWithOrphans("vethfl1", "vethfl2");
        using var tools = new ToolDirectory().WithRealToolsExcept().WithScript("nft", "exec yes 'iifname \"vethfl1\" drop'");
        var before = host.Links();

        var clock = Stopwatch.StartNew();
        var scan = await host.ScanAsync(firewall: tools.Options(outputCap: 4 * 1024 * 1024));
        clock.Stop();

        AssertAllBlockedByFirewall(scan, "vethfl1", "vethfl2");
        Assert.Contains(FirewallLimitations(scan), l => l.Contains("nft wrote more than 4194304 bytes and was stopped", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the scan took {clock.Elapsed}");
        Assert.Equal(before, host.Links());
    }

    [SkippableFact]
    public async Task Listings_come_from_the_namespace_opened_even_after_its_path_leads_to_another()
    {
        SkipWithoutTools();
        using var host = HostWithOrphans("vethsw1", "vethsw2");
        string other = host.AddNamespace("other");
        host.Exec("iptables-nft", "-A", "FORWARD", "-i", "vethsw1", "-j", "DROP");
        Tools.Run("ip", "netns", "exec", other, "iptables-nft", "-A", "FORWARD", "-i", "vethsw2", "-j", "DROP");
        var before = host.Links();
        // A second path to the fake host, swapped later by unmounting it and binding the other namespace
        // there. Replaced, not covered: a covered pin is a blind spot to every scan on the machine.
        string alias = $"{host.NetnsPath}-path";
        File.WriteAllText(alias, "");
        try
        {
            Tools.Run("mount", "--bind", host.NetnsPath, alias);
            using var scanner = host.OpenScanner(netnsPath: alias);
            // Detached, as ip netns del does: the scanner's open file keeps the old mount busy.
            Tools.Run("umount", "--lazy", alias);
            Tools.Run("mount", "--bind", $"/run/netns/{other}", alias);
            // The path now leads to the other namespace, whose rule names vethsw2...
            Assert.Contains("vethsw2", Tools.Run("ip", "netns", "exec", Path.GetFileName(alias), "iptables-nft-save"));

            var scan = await scanner.ScanAsync();

            // ...but links and rules both still come from the namespace the scanner opened.
            Assert.Empty(FirewallLimitations(scan));
            scan.AssertVerdict("vethsw1", VethStates.Orphan, Reasons.PinnedNoProcess, null, Blockers.Firewall);
            scan.AssertVerdict("vethsw2", VethStates.Orphan, Reasons.PinnedNoProcess, null);
        }
        finally
        {
            Tools.TryRun("umount", "--lazy", alias);
            File.Delete(alias);
        }
        Assert.Equal(before, host.Links());
    }
}
