using System.Text.Json;
using VethExporter.HostInventory;
using VethExporter.KernelTests.Support;
using VethExporter.Netlink;

namespace VethExporter.KernelTests.Remediation;

/// <summary>
/// The last steps of the delete path: holders looked at again right before acting, pins released only
/// when they are what mountinfo shows, every veth of a released namespace accounted for, and nothing
/// done that the audit file does not say first. Host-wide: a covered pin is a blind spot for every scan.
/// </summary>
[Collection(HostWideTests.Name)]
public class DeletePathKernelTests
{
    [SkippableFact]
    public void The_holder_recheck_sees_a_task_or_an_fd_that_arrived_after_the_scan()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethrecheck1", ctr);
        ulong inode = Inode($"/run/netns/{ctr}");
        using var netlink = RouteNetlinkClient.Open(host.NetnsPath);
        int nsid = netlink.DumpLinks().Single(l => l.Name == "vethrecheck1").LinkNetnsId!.Value;
        var paths = new KernelPaths("/proc", host.NetnsPath);

        Assert.Null(HolderRecheck.FindHolder(paths, netlink, inode, nsid));

        var container = host.StartContainerProcess(ctr);
        Assert.True(SpinWait.SpinUntil(() => ProcInfo.HasNetns(container.Id) && File.ReadAllText($"/proc/{container.Id}/comm").Trim() == "sleep", 5000));
        Assert.Contains("lives in it", HolderRecheck.FindHolder(paths, netlink, inode, nsid), StringComparison.Ordinal);
        container.Kill();
        container.WaitForExit();

        var opener = host.Start("bash", "-c", $"exec 7</run/netns/{ctr}; exec sleep 3600");
        Assert.True(SpinWait.SpinUntil(() => File.Exists($"/proc/{opener.Id}/fd/7") && File.ReadAllText($"/proc/{opener.Id}/comm").Trim() == "sleep", 5000));
        Assert.Contains($"process {opener.Id} holds it open", HolderRecheck.FindHolder(paths, netlink, inode, nsid), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Releasing_a_namespace_plans_counts_and_audits_every_veth_that_goes_with_it()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("rel");
        host.AddVeth("vethsib1", leak);
        host.AddVeth("vethsib2", leak, peerName: "eth1");
        using var audit = new TempAudit(host);

        // Only the first is named; the second dies with the namespace, so it is planned and audited too.
        var (code, output, error) = Exporter.Run(["remediate", "vethsib1", "--remediation.release-netns", .. audit.Flags(host)]);

        Assert.True(code == 0, error);
        Assert.Contains("vethsib1: deleted", output);
        Assert.Contains("vethsib2: deleted", output);
        Assert.False(File.Exists($"/run/netns/{leak}"));
        Assert.Empty(host.Links().Intersect(["vethsib1", "vethsib2"]));
        var lines = AuditTrail.ReadAll(audit.Path);
        Assert.Equal(["intent:vethsib1", "intent:vethsib2", "result:vethsib1", "result:vethsib2"], lines.Select(l => $"{l.Phase}:{l.Name}"));
        Assert.All(lines, l => Assert.Equal("release_netns", l.Action));
        Assert.Equal("vethsib1", lines.Last().GoesWith);
    }

    [SkippableFact]
    public async Task A_namespace_that_also_links_to_a_live_container_is_not_released()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("rel");
        var live = host.AddNamespace("live");
        host.AddVeth("vethrelm1", leak);
        // A veth from the leaked namespace into a third one, where a container lives: releasing the leaked
        // namespace would cut it off without the scan ever having seen that link.
        Tools.Run("ip", "-n", leak, "link", "add", "tolive", "type", "veth", "peer", "name", "eth7", "netns", live);
        Tools.Run("ip", "-n", live, "link", "set", "eth7", "up");
        var container = host.StartContainerProcess(live);
        Assert.True(await Eventually.TrueAsync(() => ProcInfo.HasNetns(container.Id)));
        using var audit = new TempAudit(host);

        var (code, output, error) = Exporter.Run(["remediate", "vethrelm1", "--remediation.release-netns", .. audit.Flags(host)]);

        Assert.True(code == 0, error);
        Assert.Contains("vethrelm1: deleted", output);
        Assert.True(File.Exists($"/run/netns/{leak}"), "the namespace was released");
        Assert.Contains("eth7", Tools.Run("ip", "-n", live, "-o", "link", "show"));
        Assert.Equal("delete", AuditTrail.Read(audit.Path).Single().Action);
    }

    [SkippableFact]
    public void Deleting_one_end_of_a_half_created_pair_needs_the_other_deletable_and_audits_both()
    {
        using var host = new FakeHost();
        host.AddBridge("br0");
        host.Ip("link add vethpa type veth peer name vethpb");
        host.Ip("link add vethqa type veth peer name vethqb");
        host.Ip("link set vethqb master br0"); // the other end is a bridge port: it must not go as a side effect
        using var audit = new TempAudit(host);

        var (code, output, error) = Exporter.Run(["remediate", "vethpa", "vethqa", .. audit.Flags(host)]);

        Assert.True(code == 0, error);
        Assert.Contains("vethpa: deleted", output);
        Assert.Contains("vethpb: deleted", output);
        Assert.Contains("vethqa: refused (pair_end_blocked)", output);
        Assert.Empty(host.Links().Intersect(["vethpa", "vethpb"]));
        Assert.Contains("vethqb", host.Links());
        var lines = AuditTrail.ReadAll(audit.Path).Where(l => l.Name is "vethpa" or "vethpb").ToList();
        Assert.Equal(["intent:vethpa", "intent:vethpb", "result:vethpa", "result:vethpb"], lines.Select(l => $"{l.Phase}:{l.Name}"));
        Assert.Equal("vethpa", lines.Last().GoesWith);
    }

    [SkippableFact]
    public void A_release_that_does_not_fit_max_deletes_deletes_the_named_veth_alone()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("rel");
        host.AddVeth("vethfit1", leak);
        host.AddVeth("vethfit2", leak, peerName: "eth1");
        using var audit = new TempAudit(host);

        var (code, output, error) = Exporter.Run(["remediate", "vethfit1", "--remediation.release-netns", "--remediation.max-deletes", "1", .. audit.Flags(host)]);

        Assert.True(code == 0, error);
        Assert.Contains("vethfit1: deleted", output);
        Assert.DoesNotContain("vethfit2", output);
        Assert.Contains("vethfit2", host.Links());
        Assert.True(File.Exists($"/run/netns/{leak}"));
        Assert.Equal("delete", AuditTrail.Read(audit.Path).Single().Action);
    }

    [SkippableFact]
    public void A_pin_covered_by_another_mount_is_neither_unmounted_nor_unlinked()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("cov");
        host.AddVeth("vethcov1", leak);
        string pin = $"/run/netns/{leak}";
        string cover = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{host.Name}-cover");
        File.WriteAllText(cover, "not a namespace");
        Tools.Run("mount", "--bind", cover, pin);
        using var audit = new TempAudit(host);
        try
        {
            var (code, output, error) = Exporter.Run(["remediate", "vethcov1", "--remediation.release-netns", .. audit.Flags(host)]);

            Assert.True(code == 0, error);
            Assert.Contains("vethcov1: refused", output);
            Assert.Contains("vethcov1", host.Links());
            Assert.Equal(2, File.ReadAllLines("/proc/self/mountinfo").Count(l => l.Split(' ')[4] == pin));
            Assert.Equal("not a namespace", File.ReadAllText(pin));
        }
        finally
        {
            Tools.TryRun("umount", pin);
            File.Delete(cover);
        }
    }

    [SkippableFact]
    public void With_an_audit_file_that_cannot_be_written_nothing_is_deleted()
    {
        using var host = new FakeHost();
        var leak = host.AddNamespace("full");
        host.AddVeth("vethfull1", leak);
        string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{host.Name}-fullfs");
        Directory.CreateDirectory(directory);
        Tools.Run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", directory);
        try
        {
            // Fill the filesystem: the audit file opens, but no line fits any more.
            Tools.TryRun("dd", "if=/dev/zero", $"of={directory}/filler", "bs=4k", "count=64");
            string auditFile = System.IO.Path.Combine(directory, "audit.log");

            var (_, output, _) = Exporter.Run(["remediate", "vethfull1", "--netns", host.NetnsPath, "--remediation.min-age", "0s",
                "--state.file", "/nonexistent/state.json", "--remediation.audit-file", auditFile]);

            Assert.Contains("vethfull1: failed", output);
            Assert.Contains("vethfull1", host.Links());
        }
        finally
        {
            Tools.TryRun("umount", directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    [SkippableFact]
    public void The_audit_file_is_never_opened_through_a_symlink_and_is_kept_owner_only()
    {
        using var host = new FakeHost();
        using var audit = new TempAudit(host);
        string target = audit.Path + ".target";
        File.CreateSymbolicLink(audit.Path, target);

        var (code, _, error) = Exporter.Run(["remediate", "--dry-run", "vethnone", .. audit.Flags(host)]);

        Assert.Equal(2, code);
        Assert.Contains("symbolic link", error);
        Assert.False(File.Exists(target));

        File.Delete(audit.Path);
        File.WriteAllText(audit.Path, "");
        File.SetUnixFileMode(audit.Path, (UnixFileMode)0x1a4); // 0644, as an older release left it
        (code, _, error) = Exporter.Run(["remediate", "--dry-run", "vethnone", .. audit.Flags(host)]);
        Assert.True(code == 0, error);
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(audit.Path));
        Assert.Single(AuditTrail.Read(audit.Path));
    }

    [SkippableFact]
    public async Task Sighup_reopens_the_audit_file_after_rotation_and_ends_nothing()
    {
        using var host = new FakeHost();
        await using var served = await ServedExporter.StartAsync(host);
        using (var response = await served.PostAsync("/api/v1/remediate", """{"interfaces":["vethnone1"],"dryRun":true}"""))
            Assert.True(response.IsSuccessStatusCode);
        File.Move(served.AuditFile, served.AuditFile + ".1");

        Tools.Run("kill", "-HUP", served.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(await Eventually.TrueAsync(() => served.Log.Contains("reopened", StringComparison.Ordinal)), served.Log);
        using (var response = await served.PostAsync("/api/v1/remediate", """{"interfaces":["vethnone2"],"dryRun":true}"""))
            Assert.True(response.IsSuccessStatusCode);

        Assert.False(served.HasExited);
        Assert.Equal(["vethnone1"], AuditTrail.Read(served.AuditFile + ".1").Select(l => l.Name));
        Assert.Equal(["vethnone2"], AuditTrail.Read(served.AuditFile).Select(l => l.Name));
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(served.AuditFile));
    }

    private static ulong Inode(string path) => ulong.Parse(Tools.Run("stat", "-L", "-c", "%i", path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An audit file path of the test's own, removed afterwards.</summary>
    private sealed class TempAudit(FakeHost host) : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{host.Name}-audit.log");

        public string[] Flags(FakeHost h) =>
            ["--netns", h.NetnsPath, "--remediation.min-age", "0s", "--state.file", "/nonexistent/state.json", "--remediation.audit-file", Path];

        public void Dispose()
        {
            File.Delete(Path);
            File.Delete(Path + ".target");
        }
    }
}
