using System.Text.Json;
using VethExporter.Classification;
using VethExporter.HostInventory;
using VethExporter.KernelTests.Support;
using VethExporter.Scanning;

namespace VethExporter.KernelTests;

/// <summary>Every blind spot the scan can detect makes the host view incomplete and names itself.</summary>
[Collection(HostWideTests.Name)]
public class HostViewKernelTests
{
    [SkippableFact]
    public async Task A_procfs_listing_far_short_of_the_kernels_thread_count_is_a_blind_spot()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethshort1", ctr);
        // 150 processes of the test's own, left out of the listing as hidepid or an LSM would hide them:
        // no error, just fewer entries than the kernel counts.
        var hidden = Enumerable.Range(0, 150).Select(_ => host.Start("sleep", "3600").Id).ToHashSet();
        Assert.True(SpinWait.SpinUntil(() => hidden.All(pid => File.Exists($"/proc/{pid}/comm")), 5000));
        using var procfs = new MirroredProcfs(name => !int.TryParse(name, out int pid) || !hidden.Contains(pid));

        using var scanner = new Scanner(new ScannerOptions(new KernelPaths(procfs.Root, host.NetnsPath), ClassificationPolicy.Default));
        var scan = await scanner.ScanAsync();

        Assert.False(scan.HostViewComplete);
        Assert.Contains(scan.Limitations, l => l.Contains("but the kernel counts", StringComparison.Ordinal));
        scan.AssertVerdict("vethshort1", VethStates.Orphan, Reasons.PinnedNoProcess, null, Blockers.HostViewIncomplete);
    }

    [SkippableFact]
    public void An_unprivileged_scan_names_the_fd_tables_it_could_not_read_and_deletes_nothing()
    {
        Skip.If(Tools.Find("setpriv") is null, "needs util-linux (setpriv)");
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethnobody1", ctr);

        // nobody, inside the fake host: the pinned peer sends it to the fd walk, where root's fd tables are shut.
        var (code, output, error) = Exporter.Run(["scan", "--output", "json"], asUser: "nobody", inNetns: host.Name);

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("hostViewComplete").GetBoolean());
        var limitations = json.RootElement.GetProperty("limitations").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains(limitations, l => l.Contains("open fds of", StringComparison.Ordinal));
        var veth = json.RootElement.GetProperty("interfaces").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "vethnobody1");
        Assert.False(veth.GetProperty("deletable").GetBoolean());
        Assert.Contains("vethnobody1", host.Links());
    }
}
