using VethExporter.HostInventory;
using VethExporter.KernelTests.Support;
using VethExporter.Netlink;

namespace VethExporter.KernelTests;

/// <summary>The kernel behaviour the design rests on, checked against the running kernel.</summary>
public class KernelFactsTests
{
    [SkippableFact]
    public async Task A_veth_pair_dies_with_the_peer_namespace()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethdies1", ctr);
        Assert.Contains("vethdies1", host.Exec("ip", "-o", "link", "show"));

        host.DeleteNamespace(ctr);

        Assert.True(await Eventually.TrueAsync(() => !host.Exec("ip", "-o", "link", "show").Contains("vethdies1", StringComparison.Ordinal)),
            "the host end outlived its peer's namespace");
    }

    [SkippableFact]
    public void Getlink_reports_kind_master_peer_index_and_peer_netns_id()
    {
        using var host = new FakeHost();
        host.AddBridge("br0");
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethfact1", ctr, bridge: "br0", peerName: "eth7");
        host.Ip("tuntap add dev vethfact2 mode tap");
        int peerIndex = int.Parse(PeerIndexInside(ctr, "eth7"));

        using var client = RouteNetlinkClient.Open(host.NetnsPath);
        var links = client.DumpLinks();

        var veth = links.Single(l => l.Name == "vethfact1");
        Assert.Equal("veth", veth.Kind);
        Assert.Equal(links.Single(l => l.Name == "br0").Index, veth.MasterIndex);
        Assert.Equal(peerIndex, veth.PeerIndex);
        Assert.True(veth.LinkNetnsId >= 0);
        Assert.Equal("tun", links.Single(l => l.Name == "vethfact2").Kind);
    }

    [SkippableFact]
    public void Getnsid_by_pid_and_by_fd_agree_with_the_link_netns_id()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethnsid1", ctr);
        var process = host.StartContainerProcess(ctr);

        using var client = RouteNetlinkClient.Open(host.NetnsPath);
        int linkNsid = client.DumpLinks().Single(l => l.Name == "vethnsid1").LinkNetnsId!.Value;
        using var pin = Interop.PosixFile.TryOpen($"/run/netns/{ctr}", 0, out _)!;

        Assert.Equal(new NsidAnswer(linkNsid, 0), client.GetNsidByFd(pin.Fd));
        Assert.True(SpinWait.SpinUntil(() => client.GetNsidByPid(process.Id).Nsid == linkNsid, 5000), "pid lookup disagreed");
        // The fake host has no id for itself.
        using var self = Interop.PosixFile.TryOpen(host.NetnsPath, 0, out _)!;
        Assert.Equal(NetlinkConstants.NsidNotAssigned, client.GetNsidByFd(self.Fd).Nsid);
    }

    [SkippableFact]
    public async Task Nsfs_pins_are_seen_in_every_mount_namespace()
    {
        using var host = new FakeHost();
        var ctr = host.AddNamespace("c1");
        host.AddVeth("vethmnt1", ctr);
        // Re-pin the namespace inside a private mount namespace only, then drop the shared pin: the
        // classic Docker leak, where only a shim's mount namespace still holds the netns.
        var shim = host.Start("unshare", "--mount", "--propagation", "private", "sh", "-c",
            $"mount -t tmpfs vxt /mnt && touch /mnt/{ctr} && mount --bind /run/netns/{ctr} /mnt/{ctr} && echo ready && exec sleep 3600");
        Assert.Equal("ready", await shim.StandardOutput.ReadLineAsync());
        host.DeleteNamespace(ctr);

        var scan = await host.ScanAsync();

        var verdict = scan.Verdict("vethmnt1");
        Assert.Equal((Classification.VethStates.Orphan, Classification.Reasons.PinnedNoProcess), (verdict.State, verdict.Reason));
        Assert.Equal([$"/mnt/{ctr}"], verdict.Peer.Mounts);
        var pin = scan.Inventory.Namespaces.Single(n => n.Nsid == verdict.Peer.NetnsId).Pins.Single();
        Assert.False(pin.InOwnMountNs);
    }

    private static string PeerIndexInside(string ns, string name) =>
        Tools.Run("ip", "netns", "exec", ns, "cat", $"/sys/class/net/{name}/ifindex").Trim();
}
