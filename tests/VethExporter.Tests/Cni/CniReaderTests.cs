using System.Text;
using VethExporter.Cni;
using VethExporter.Interop;
using VethExporter.Netlink;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Cni;

public class CniReaderTests
{
    /// <summary>A cache dir and a networks dir laid out as on a node where podman ran: the real cache file and lease.</summary>
    private static CniPaths PodmanNode(TempDirectory temp)
    {
        string results = Path.Combine(temp.Path, "cache", "results");
        Directory.CreateDirectory(results);
        File.Copy(CniFixtures.PodmanCacheFile, Path.Combine(results, Path.GetFileName(CniFixtures.PodmanCacheFile)));
        string networks = Path.Combine(temp.Path, "networks");
        foreach (string dir in Directory.GetDirectories(CniFixtures.Dir("podman/networks")))
        {
            string to = Path.Combine(networks, Path.GetFileName(dir));
            Directory.CreateDirectory(to);
            foreach (string file in Directory.GetFiles(dir)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        return new CniPaths(Path.Combine(temp.Path, "cache"), networks);
    }

    [Fact]
    public void Podman_node_gives_the_entry_its_lease_and_a_gone_netns()
    {
        using var temp = new TempDirectory();
        var inventory = CniReader.Read(PodmanNode(temp), netlink: null, hostLinks: []);

        Assert.Empty(inventory.Errors);
        var entry = Assert.Single(inventory.Entries);
        var lease = Assert.Single(inventory.Leases);
        Assert.Equal((entry.NetworkName, entry.ContainerId, entry.IfName), (lease.Network, lease.ContainerId, lease.IfName));
        // The capture's pin is long gone: missing, not doubt.
        var fact = inventory.NetnsPaths[entry.Netns!];
        Assert.True(fact.Gone);
        Assert.Equal("missing", fact.Detail);
        Assert.Empty(inventory.Redirects);
    }

    [Fact]
    public void Bad_cache_files_are_each_an_error_and_the_good_one_is_read()
    {
        using var temp = new TempDirectory();
        var paths = PodmanNode(temp);
        string good = Path.Combine(paths.ResultsDir, Path.GetFileName(CniFixtures.PodmanCacheFile));
        byte[] bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(Path.Combine(paths.ResultsDir, "net-truncated-eth0"), bytes[..(bytes.Length / 3)]);
        using (var huge = File.Create(Path.Combine(paths.ResultsDir, "net-huge-eth0"))) huge.SetLength(CniFiles.CacheFileCap + 1);
        File.WriteAllText(Path.Combine(paths.ResultsDir, "net-deep-eth0"), "{\"kind\":\"cniCacheV1\",\"result\":" + new string('[', 5000) + new string(']', 5000) + "}");
        File.CreateSymbolicLink(Path.Combine(paths.ResultsDir, "net-link-eth0"), good);
        Directory.CreateDirectory(Path.Combine(paths.ResultsDir, "net-dir-eth0"));

        var inventory = CniReader.Read(paths, null, []);
        Assert.Single(inventory.Entries);
        Assert.Single(inventory.Leases);
        var errors = inventory.Errors.ToDictionary(e => Path.GetFileName(e.Path), e => e.Error);
        Assert.Equal(["net-deep-eth0", "net-huge-eth0", "net-link-eth0", "net-truncated-eth0"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("not valid JSON", errors["net-truncated-eth0"]);
        Assert.Equal($"larger than {CniFiles.CacheFileCap} bytes: not read", errors["net-huge-eth0"]);
        Assert.Contains("depth", errors["net-deep-eth0"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal("a symbolic link: not followed", errors["net-link-eth0"]);
    }

    [SkippableFact]
    public void A_fifo_in_the_cache_dir_is_refused_without_hanging()
    {
        using var temp = new TempDirectory();
        string results = Path.Combine(temp.Path, "results");
        Directory.CreateDirectory(results);
        string fifo = Path.Combine(results, "net-fifo-eth0");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        Skip.IfNot(File.Exists(fifo), "mkfifo is not available");

        var errors = new List<CniReadError>();
        Assert.Empty(CniCacheReader.Read(results, errors));
        Assert.Equal(new CniReadError(fifo, "not a regular file"), Assert.Single(errors));
    }

    [Fact]
    public void No_cache_dir_is_no_entries_and_no_error()
    {
        using var temp = new TempDirectory();
        var inventory = CniReader.Read(new CniPaths(temp.File("nothing"), temp.File("nothing/networks")), null, []);
        Assert.Equal(CniInventory.Empty.Entries, inventory.Entries);
        Assert.Empty(inventory.Errors);
    }

    [Fact]
    public void A_configs_own_data_dir_is_read_as_well_as_the_default()
    {
        var entry = CniEntry("bridgenet.conflist", "/srv/custom");
        Assert.Equal(["/var/lib/cni/networks", "/srv/custom"], CniReader.DataDirs(new CniPaths(), [entry, entry]));
    }

    private static CniCacheEntry CniEntry(string config, string dataDir)
    {
        Assert.True(CniConfigParser.TryParse(CniFixtures.Config(config, dataDir), out var parsed, out _));
        return new CniCacheEntry("/x", "c", "eth0", parsed.Name, null, parsed, [], null, null, CniResult.Empty, DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void Netns_classification_goes_by_what_was_opened()
    {
        const ulong nsfs = 4;
        Assert.Equal(new NetnsPathFact("/p", 4026532000, null), NetnsPathProbe.Classify("/p", 0, new OpenedFileIdentity(nsfs, 4026532000, false, false), nsfs));
        var unmounted = NetnsPathProbe.Classify("/p", 0, new OpenedFileIdentity(2049, 77, IsRegular: true, false), nsfs);
        Assert.True(unmounted.Gone);
        Assert.StartsWith("a plain file", unmounted.Detail);
        Assert.True(NetnsPathProbe.Classify("/p", Errno.ENOENT, default, nsfs).Gone);
        Assert.True(NetnsPathProbe.Classify("/proc/123/ns/net", Errno.ESRCH, default, nsfs).Gone);
        Assert.StartsWith("cannot be opened", NetnsPathProbe.Classify("/p", Errno.EACCES, default, nsfs).Doubt);
        Assert.Equal("a symbolic link, not a namespace pin", NetnsPathProbe.Classify("/p", Errno.ELOOP, default, nsfs).Doubt);
        Assert.Equal("a directory, not a namespace", NetnsPathProbe.Classify("/p", 0, new OpenedFileIdentity(2049, 5, false, IsDirectory: true), nsfs).Doubt);
    }

    [Fact]
    public void A_proc_path_is_trusted_only_with_its_cached_sandbox_interface_inside()
    {
        var fact = new NetnsPathFact("/proc/42/ns/net", 4026532000, null);
        LinkRecord[] links = [new(1, "lo", null, null, null, null, OperState.Unknown, true, "00:00:00:00:00:00", false), new(2, "eth0", "veth", null, 7, 0, OperState.Up, true, "5a:6d:51:f7:92:e3", false)];

        Assert.Same(fact, NetnsPathProbe.CheckSandbox(fact, [new CniResultInterface("eth0", "5A:6D:51:F7:92:E3", fact.Path)], links));
        Assert.Contains("pid may be another's", NetnsPathProbe.CheckSandbox(fact, [new CniResultInterface("eth0", "5a:6d:51:f7:92:e4", fact.Path)], links).Doubt);
        Assert.Contains("pid may be another's", NetnsPathProbe.CheckSandbox(fact, [new CniResultInterface("eth1", "5a:6d:51:f7:92:e3", fact.Path)], links).Doubt);
        Assert.Contains("no cached interface", NetnsPathProbe.CheckSandbox(fact, [], links).Doubt);
        Assert.Equal(4026532000ul, NetnsPathProbe.CheckSandbox(fact, [], links).Inode);
    }

    [Fact]
    public void Real_paths_our_own_netns_a_plain_file_and_a_directory()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("unmounted-pin"), "");
        Directory.CreateDirectory(temp.File("dir"));
        Assert.Equal(0, PosixFile.Stat("/proc/self/ns/net", out _, out ulong own));
        string proc = $"/proc/{Environment.ProcessId}/ns/net";

        CniCacheEntry Entry(string netns, string sandboxName, string mac) =>
            CniEntry("tiny.conf", "/x") with { Netns = netns, Result = new CniResult([new CniResultInterface(sandboxName, mac, netns)], []) };

        // Our own namespace always has lo with the zero MAC: the sandbox check passes on it and fails on a name not there.
        var facts = NetnsPathProbe.Probe(
            [Entry(proc, "lo", "00:00:00:00:00:00"), Entry("/proc/self/ns/net", "vxc-none0", "02:00:00:00:00:01"),
             Entry(temp.File("unmounted-pin"), "eth0", "x"), Entry(temp.File("dir"), "eth0", "x"), Entry(temp.File("missing"), "eth0", "x")],
            new CniPaths(), []);

        Assert.Equal(new NetnsPathFact(proc, own, null), facts[proc]);
        Assert.Equal(own, facts["/proc/self/ns/net"].Inode);
        Assert.Contains("vxc-none0", facts["/proc/self/ns/net"].Doubt);
        Assert.True(facts[temp.File("unmounted-pin")].Gone);
        Assert.Equal("a directory, not a namespace", facts[temp.File("dir")].Doubt);
        Assert.Equal("missing", facts[temp.File("missing")].Detail);
    }

    [Fact]
    public void Proc_paths_are_looked_up_under_the_hosts_proc()
    {
        var paths = new CniPaths(ProcRoot: "/host/proc");
        Assert.Equal("/host/proc/42/ns/net", paths.Resolve("/proc/42/ns/net"));
        Assert.Equal("/run/netns/cni-1", paths.Resolve("/run/netns/cni-1"));
        Assert.Equal("/proc/42/ns/net", new CniPaths().Resolve("/proc/42/ns/net"));
    }

    [Fact]
    public void Ifb_redirects_come_from_ingress_filters_of_the_given_links()
    {
        QdiscRecord[] qdiscs = [new(4, 0x10000, 0xFFFFFFFF, "tbf"), new(4, 0xFFFF0000, 0xFFFFFFF1, "ingress"), new(7, 0xFFFF0000, 0xFFFFFFF1, "clsact"), new(9, 0xFFFF0000, 0xFFFFFFF1, "ingress")];
        Assert.Equal([4, 7], IfbRedirectReader.LinksWithIngress(qdiscs, [4, 7, 8]));

        var filters = Fixture.Replay<FilterRecord>(Fixture.Bytes("cni/tc/filters-ingress.bin"), NetlinkConstants.RtmNewTFilter, FilterMessageParser.TryParse);
        var redirect = Assert.Single(IfbRedirectReader.Redirects(filters));  // two mirred actions, one redirect
        Assert.Equal(filters[0].Index, redirect.FromIndex);
        Assert.Equal(filters.SelectMany(f => f.Mirred).First().TargetIndex, redirect.ToIndex);
    }
}
