using VethExporter.Classification;
using VethExporter.HostInventory;
using VethExporter.KernelTests.Support;
using VethExporter.Scanning;

namespace VethExporter.KernelTests;

/// <summary>
/// Namespace ids kept between scans: a steady-state scan does not ask for them again, and no churn of
/// namespaces (deaths, new ones, reused ids and inodes) ever makes a long-lived scanner judge differently
/// from a fresh one.
/// </summary>
[Collection(HostWideTests.Name)]
public class NsidCacheKernelTests
{
    [SkippableFact]
    public async Task A_second_scan_asks_for_no_id_it_already_knows()
    {
        using var host = new FakeHost();
        for (int i = 0; i < 8; i++) host.AddVeth($"vethkeep{i}", host.AddNamespace($"k{i}"));
        using var scanner = new Scanner(new ScannerOptions(new KernelPaths("/proc", host.NetnsPath), ClassificationPolicy.Default));

        var first = await scanner.ScanAsync();
        int firstLookups = scanner.LastNsidLookups;
        var second = await scanner.ScanAsync();
        int secondLookups = scanner.LastNsidLookups;

        int withIds = second.Inventory.Namespaces.Count(n => n.Nsid is not null && n.Inode is not null);
        Assert.True(withIds >= 8, $"only {withIds} namespaces with ids");
        Assert.True(secondLookups <= firstLookups - 8, $"first scan {firstLookups} lookups, second {secondLookups}");
        Assert.Equal(Judged(first), Judged(second));
    }

    [SkippableFact]
    public async Task Through_namespace_deaths_and_reused_ids_a_long_lived_scanner_judges_as_a_fresh_one()
    {
        using var host = new FakeHost();
        var options = new ScannerOptions(new KernelPaths("/proc", host.NetnsPath), ClassificationPolicy.Default);
        using var kept = new Scanner(options);
        var live = new List<(string Ns, System.Diagnostics.Process? Process)>();
        int next = 0;
        void Add(bool withProcess)
        {
            string ns = host.AddNamespace($"r{next}");
            host.AddVeth($"vethr{next}", ns);
            next++;
            live.Add((ns, withProcess ? host.StartContainerProcess(ns) : null));
        }
        for (int i = 0; i < 6; i++) Add(withProcess: i % 2 == 0);
        await WaitForProcesses(live);
        await kept.ScanAsync();

        for (int round = 0; round < 5; round++)
        {
            // Kill and remove the oldest two (their ids are freed), start others: the kernel hands the
            // lowest free ids, and often the same inodes, to the new namespaces.
            var gone = new List<string>();
            foreach (var (ns, process) in live.Take(2).ToList())
            {
                process?.Kill();
                process?.WaitForExit();
                host.DeleteNamespace(ns);
                live.RemoveAt(0);
                gone.Add($"vethr{ns[(ns.LastIndexOf('-') + 2)..]}");
            }
            // The kernel destroys a namespace (and its veths) a moment after the last reference goes.
            Assert.True(await Eventually.TrueAsync(() => !host.Links().Intersect(gone).Any()), "the removed namespaces' veths stayed");
            Add(withProcess: round % 2 == 1);
            Add(withProcess: round % 2 == 0);
            await WaitForProcesses(live);

            var cached = await kept.ScanAsync();
            using var fresh = new Scanner(options);
            var truth = await fresh.ScanAsync();
            Assert.True(Judged(truth).SequenceEqual(Judged(cached)),
                $"round {round}:\nfresh:\n{string.Join('\n', Judged(truth))}\nkept:\n{string.Join('\n', Judged(cached))}");
        }
    }

    [SkippableFact]
    public async Task Two_namespaces_reborn_on_each_others_ids_keep_their_own_holders()
    {
        using var host = new FakeHost();
        var options = new ScannerOptions(new KernelPaths("/proc", host.NetnsPath), ClassificationPolicy.Default);
        using var kept = new Scanner(options);
        string a = host.AddNamespace("a"), b = host.AddNamespace("b");
        host.AddVeth("vethswa", a);
        host.AddVeth("vethswb", b);
        var before = await kept.ScanAsync(); // kept: inode(a) → id(a), inode(b) → id(b)
        ulong inodeA = before.Verdict("vethswa").Peer.NetnsInode!.Value, inodeB = before.Verdict("vethswb").Peer.NetnsInode!.Value;

        host.DeleteNamespace(a);
        host.DeleteNamespace(b);
        Assert.True(await Eventually.TrueAsync(() => !host.Links().Intersect(["vethswa", "vethswb"]).Any()));
        // The kernel hands out the lowest free inode. Namespaces are made one by one until two are born on
        // a's and b's inodes (the kernel frees them a moment after the veths go; other dead namespaces'
        // inodes go to the fillers): c on a's, d on b's.
        string? c = null, d = null;
        var fillers = new List<string>();
        for (int i = 0; i < 300 && (c is null || d is null); i++)
        {
            string ns = host.AddNamespace($"f{i}");
            ulong inode = Inode($"/run/netns/{ns}");
            if (inode == inodeA) c = ns;
            else if (inode == inodeB) d = ns;
            else fillers.Add(ns);
            if (i % 20 == 19) await Task.Delay(200);
        }
        // Where other namespaces are born and die meanwhile (a busy host, tests beside this one), another may
        // take those inodes first: the verdicts must hold all the same, on whatever inodes c and d got.
        bool reborn = c is not null && d is not null;
        c ??= fillers[0];
        d ??= fillers[1];
        var process = host.StartContainerProcess(c!);
        Assert.True(await Eventually.TrueAsync(() => ProcInfo.HasNetns(process.Id) && File.ReadAllText($"/proc/{process.Id}/comm").Trim() == "sleep"));
        // Made in the other order, their veths get the lowest free ids the other way round: d a's id, c b's.
        host.AddVeth("vethswd", d!);
        host.AddVeth("vethswc", c!);

        var after = await kept.ScanAsync();

        after.AssertVerdict("vethswc", VethStates.InUse, Reasons.Process, null);
        after.AssertVerdict("vethswd", VethStates.Orphan, Reasons.PinnedNoProcess, null);
        using var fresh = new Scanner(options);
        Assert.Equal(Judged(await fresh.ScanAsync()), Judged(after));
        if (reborn)
        {
            // The swap the cache must survive: c on a's inode with b's id, d on b's inode with a's id.
            Assert.Equal(inodeA, after.Verdict("vethswc").Peer.NetnsInode);
            Assert.Equal(before.Verdict("vethswa").Peer.NetnsId, after.Verdict("vethswd").Peer.NetnsId);
        }
    }

    private static ulong Inode(string path) => ulong.Parse(Tools.Run("stat", "-L", "-c", "%i", path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every veth's verdict and the holders it rests on.</summary>
    private static List<string> Judged(ScanResult scan) => scan.Verdicts
        .Select(v => $"{v.Link.Name} {v.State}/{v.Reason} nsid={v.Peer.NetnsId} inode={v.Peer.NetnsInode} pids={string.Join(',', v.Peer.Processes)} mounts={string.Join(',', v.Peer.Mounts)}")
        .Order(StringComparer.Ordinal)
        .ToList();

    private static async Task WaitForProcesses(IEnumerable<(string Ns, System.Diagnostics.Process? Process)> live)
    {
        foreach (var (_, process) in live)
        {
            if (process is null) continue;
            Assert.True(await Eventually.TrueAsync(() => ProcInfo.HasNetns(process.Id) && File.ReadAllText($"/proc/{process.Id}/comm").Trim() == "sleep"));
        }
    }
}
