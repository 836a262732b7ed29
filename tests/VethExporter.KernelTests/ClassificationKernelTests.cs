using VethExporter.Classification;
using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests;

/// <summary>
/// Each situation of ARCHITECTURE §2 built for real in a fake host namespace, scanned, and checked for
/// state, reason, bridge and static blockers.
/// </summary>
public class ClassificationKernelTests
{
    [SkippableFact]
    public async Task Live_container_on_a_bridge_is_in_use()
    {
        using var host = new FakeHost();
        host.AddBridge("br0");
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethlive1", ctr, bridge: "br0");
        var process = host.StartContainerProcess(ctr);
        Assert.True(await Eventually.TrueAsync(() => ProcInfo.HasNetns(process.Id) && File.ReadAllText($"/proc/{process.Id}/comm").Trim() == "sleep"));

        var scan = await host.ScanAsync();

        Assert.True(scan.HostViewComplete, string.Join("; ", scan.Limitations));
        scan.AssertVerdict("vethlive1", VethStates.InUse, Reasons.Process, "br0");
        Assert.Contains(process.Id, scan.Verdict("vethlive1").Peer.Processes);
    }

    [SkippableFact]
    public async Task Live_container_with_admin_down_host_end_is_in_use()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethdown1", ctr, up: false);
        var process = host.StartContainerProcess(ctr);
        Assert.True(await Eventually.TrueAsync(() => File.ReadAllText($"/proc/{process.Id}/comm").Trim() == "sleep"));

        var scan = await host.ScanAsync();

        scan.AssertVerdict("vethdown1", VethStates.InUse, Reasons.Process, null);
        Assert.False(scan.Verdict("vethdown1").Link.AdminUp);
    }

    [SkippableFact]
    public async Task Pinned_namespace_without_process_on_a_bridge_is_an_orphan_blocked_as_bridge_port()
    {
        using var host = new FakeHost();
        host.AddBridge("docker0");
        var ctr = host.AddNamespace("c1");
        host.AddVeth("veth9f8e7d6", ctr, bridge: "docker0");

        var scan = await host.ScanAsync();

        scan.AssertVerdict("veth9f8e7d6", VethStates.Orphan, Reasons.PinnedNoProcess, "docker0", Blockers.BridgePort);
        Assert.Equal([$"/run/netns/{ctr}"], scan.Verdict("veth9f8e7d6").Peer.Mounts);
        Assert.Equal(Netlink.OperState.Up, scan.Verdict("veth9f8e7d6").Link.OperState); // a pinned leak is UP: operstate says nothing
    }

    [SkippableFact]
    public async Task Pinned_namespace_without_process_and_without_bridge_is_a_deletable_orphan()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("cali0123abcd", ctr);

        var scan = await host.ScanAsync();

        scan.AssertVerdict("cali0123abcd", VethStates.Orphan, Reasons.PinnedNoProcess, null);
    }

    [SkippableFact]
    public async Task Pinned_namespace_whose_last_process_is_a_zombie_is_an_orphan()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethzomb1", ctr);
        // The child runs in the namespace and exits; its parent execs into sleep and never reaps it.
        var parent = host.Start("sh", "-c", $"ip netns exec {ctr} sleep 0.2 & exec sleep 3600");
        int zombie = 0;
        Assert.True(await Eventually.TrueAsync(() =>
        {
            zombie = ProcInfo.Children(parent.Id).FirstOrDefault();
            return zombie != 0 && ProcInfo.State(zombie) == 'Z';
        }), "the child never became a zombie");
        Assert.False(ProcInfo.HasNetns(zombie)); // the kernel released the zombie's namespaces

        var scan = await host.ScanAsync();

        scan.AssertVerdict("vethzomb1", VethStates.Orphan, Reasons.PinnedNoProcess, null);
        Assert.DoesNotContain(zombie, scan.Verdict("vethzomb1").Peer.Processes);
    }

    [SkippableFact]
    public async Task Zombie_group_leader_with_a_live_thread_is_in_use()
    {
        Skip.If(Tools.Find("python3") is null && !File.Exists("/usr/bin/python3"), "needs python3 to make a thread outlive its group leader");
        using var host = new FakeHost();
        host.Ip("link add veththr1 type veth peer name veththr1p");
        host.Ip("link set veththr1 up");
        // A process in a namespace of its own (no pin): its main thread exits, a second thread lives on.
        const string program = "import threading, time, ctypes, sys\n" +
            "threading.Thread(target=time.sleep, args=(3600,)).start()\n" +
            "sys.stdin.readline()\n" +
            "ctypes.CDLL(None).pthread_exit(None)\n";
        var process = host.Start("unshare", "--net", "python3", "-c", program);
        int pid = process.Id;
        Assert.True(await Eventually.TrueAsync(() => ProcInfo.Threads(pid).Length == 2), "python did not start its thread");
        host.Ip($"link set veththr1p netns {pid}");
        await process.StandardInput.WriteLineAsync("go");
        await process.StandardInput.FlushAsync();
        Assert.True(await Eventually.TrueAsync(() => ProcInfo.State(pid) == 'Z'), "the group leader did not exit");
        int thread = ProcInfo.Threads(pid).Single(t => t != pid);
        Assert.True(ProcInfo.HasNetns(pid, thread));

        var scan = await host.ScanAsync();

        scan.AssertVerdict("veththr1", VethStates.InUse, Reasons.Process, null);
        Assert.Equal([pid], scan.Verdict("veththr1").Peer.Processes);
    }

    [SkippableFact]
    public async Task Namespace_held_only_by_an_open_fd_of_an_outside_process_is_in_use()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethfd1", ctr);
        var holder = host.Start("sh", "-c", $"exec 3</run/netns/{ctr}; echo ready; exec sleep 3600");
        Assert.Equal("ready", await holder.StandardOutput.ReadLineAsync());
        host.DeleteNamespace(ctr); // the pin is gone; only fd 3 keeps the namespace (and the veth) alive

        var scan = await host.ScanAsync();

        scan.AssertVerdict("vethfd1", VethStates.InUse, Reasons.Fd, null);
        Assert.Equal([holder.Id], scan.Verdict("vethfd1").Peer.Fds);
        Assert.Empty(scan.Verdict("vethfd1").Peer.Mounts);
    }

    [SkippableFact]
    public async Task Half_created_pair_is_an_orphan_and_deliberate_host_pair_is_in_use()
    {
        using var host = new FakeHost();
        host.Ip("link add vethhalf1 type veth peer name vethhalf1p");
        host.Ip("link add vethplumb1 type veth peer name vethplumb1p");
        host.Ip("addr add 192.0.2.1/24 dev vethplumb1");
        host.Ip("link set vethplumb1 up");
        host.Ip("link set vethplumb1p up");

        var scan = await host.ScanAsync();

        scan.AssertVerdict("vethhalf1", VethStates.Orphan, Reasons.HalfCreated, null);
        scan.AssertVerdict("vethhalf1p", VethStates.Orphan, Reasons.HalfCreated, null);
        scan.AssertVerdict("vethplumb1", VethStates.InUse, Reasons.HostPlumbing, null);
        scan.AssertVerdict("vethplumb1p", VethStates.InUse, Reasons.HostPlumbing, null);
    }

    [SkippableFact]
    public async Task Non_veth_device_named_veth_never_appears()
    {
        using var host = new FakeHost();
        host.Ip("tuntap add dev vethtap0 mode tap");
        var ctr = host.AddNamespace("c1");
        host.AddVeth("realveth1", ctr);

        var scan = await host.ScanAsync();

        Assert.Contains(scan.Inventory.Links, l => l.Name == "vethtap0" && l.Kind == "tun");
        Assert.Equal(["realveth1"], scan.Verdicts.Select(v => v.Link.Name));
    }

    [SkippableFact]
    public async Task Orphan_with_a_tc_qdisc_is_blocked_by_tc()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethtc1", ctr);
        host.Exec("tc", "qdisc", "add", "dev", "vethtc1", "root", "tbf", "rate", "1mbit", "burst", "32kbit", "latency", "400ms");

        var scan = await host.ScanAsync();

        scan.AssertVerdict("vethtc1", VethStates.Orphan, Reasons.PinnedNoProcess, null, Blockers.Tc);
    }

    [SkippableFact]
    public async Task Orphan_referenced_by_an_iptables_rule_is_blocked_by_firewall()
    {
        Skip.If(Tools.Find("iptables") is null, "needs iptables");
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethfw1", ctr);
        host.AddVeth("vethfw2", ctr, peerName: "eth1");
        host.Exec("iptables", "-A", "FORWARD", "-i", "vethfw1", "-j", "DROP");

        var scan = await host.ScanAsync();

        scan.AssertVerdict("vethfw1", VethStates.Orphan, Reasons.PinnedNoProcess, null, Blockers.Firewall);
        scan.AssertVerdict("vethfw2", VethStates.Orphan, Reasons.PinnedNoProcess, null);
    }

    [SkippableFact]
    public async Task Orphan_with_an_address_is_blocked_by_addresses()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethaddr1", ctr);
        host.Ip("addr add 198.51.100.1/24 dev vethaddr1");

        var scan = await host.ScanAsync();

        scan.AssertVerdict("vethaddr1", VethStates.Orphan, Reasons.PinnedNoProcess, null, Blockers.Addresses);
    }

    [SkippableFact]
    public async Task Peer_namespace_deleted_while_scanning_never_breaks_a_scan()
    {
        using var host = new FakeHost();
        string[] allowed =
        [
            $"{VethStates.Orphan}/{Reasons.PinnedNoProcess}",
            $"{VethStates.Orphan}/{Reasons.NoVisibleHolder}",
            $"{VethStates.Transient}/{Reasons.PeerNetnsDying}",
        ];
        for (int round = 0; round < 10; round++)
        {
            var ctr = host.AddNamespace($"d{round}");
            host.AddVeth($"vethgone{round}", ctr);
            var deletion = Task.Run(() => host.DeleteNamespace(ctr));
            var scan = await host.ScanAsync();
            await deletion;

            foreach (var verdict in scan.Verdicts.Where(v => v.Link.Name == $"vethgone{round}"))
                Assert.Contains($"{verdict.State}/{verdict.Reason}", allowed);
        }
        // Once teardown finishes the kernel has removed both ends.
        Assert.True(await Eventually.TrueAsync(() => !host.Exec("ip", "-o", "link", "show").Contains("vethgone", StringComparison.Ordinal)));
    }
}
