using VethExporter.Classification;
using VethExporter.Cni;
using VethExporter.HostInventory;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Classification;

public sealed class AttachmentJudgeTests
{
    private const string Live = "aaaaaaaa11111111";
    private const string Pinned = "bbbbbbbb22222222";
    private const string Gone = "cccccccc33333333";

    private static (List<AttachmentVerdict> Attachments, List<VethVerdict> Verdicts) Judge(InventoryBuilder hosts, CniBuilder cni,
        ClassificationPolicy? policy = null)
    {
        var inventory = hosts.Build();
        policy ??= ClassificationPolicy.Default;
        var context = BlockerContext.From(inventory, new HashSet<string>(), policy);
        var verdicts = Classifier.Classify(inventory, policy).Select(v => v with { Blockers = BlockerRules.Evaluate(v, context) }).ToList();
        return (cni.Judge(inventory, verdicts), verdicts);
    }

    private static AttachmentVerdict Only(List<AttachmentVerdict> attachments, string containerId) =>
        Assert.Single(attachments, a => a.Key.ContainerId == containerId);

    [Fact]
    public void A_live_container_its_pinned_leak_and_a_namespace_gone_are_told_apart_by_the_kernel()
    {
        var hosts = new InventoryBuilder().Bridge("cni0")
            .Veth("veth1", 0, master: "cni0", mac: "02:00:00:00:01:aa").Namespace(0, pids: [100], pins: ["/run/netns/cni-live"])
            .Veth("veth2", 1, master: "cni0", mac: "02:00:00:00:01:bb").Namespace(1, pins: ["/run/netns/cni-pinned"]);
        var cni = new CniBuilder()
            .Attachment("podnet", Live, "veth1", "02:00:00:00:01:aa", "/run/netns/cni-live", "10.22.0.2")
            .Attachment("podnet", Pinned, "veth2", "02:00:00:00:01:BB", "/run/netns/cni-pinned", "10.22.0.3")
            .Attachment("podnet", Gone, "veth3", "02:00:00:00:01:cc", "/run/netns/cni-gone", "10.22.0.4")
            .Path("/run/netns/cni-live", 4026532000).Path("/run/netns/cni-pinned", 4026532001).Path("/run/netns/cni-gone", null);

        var (attachments, _) = Judge(hosts, cni);

        var live = Only(attachments, Live);
        Assert.Equal((AttachmentStates.Live, AttachmentReasons.Process), (live.State, live.Reason));
        Assert.Equal("veth1", live.HostInterface?.Name);
        Assert.Empty(live.Blockers);

        var pinned = Only(attachments, Pinned);
        Assert.Equal((AttachmentStates.Leaked, AttachmentReasons.PinnedNoProcess), (pinned.State, pinned.Reason));
        Assert.Equal("veth2", pinned.HostInterface?.Name); // MACs compare without case
        Assert.Equal(4026532001UL, pinned.NetnsInode);
        Assert.True(pinned.PinLeaked);
        // The bridge port is the bridge plugin's own: it does not block cni_del, although it blocks a bare delete.
        Assert.Empty(pinned.Blockers);
        Assert.True(pinned.Deletable);
        Assert.Equal(["/var/lib/cni/networks/podnet/10.22.0.3"], pinned.Leases.Select(l => l.Path));
        Assert.Equal(["CNI-bbbbbbbb"], pinned.Chains.Select(c => c.Chain));

        var gone = Only(attachments, Gone);
        Assert.Equal((AttachmentStates.Leaked, AttachmentReasons.NetnsGone), (gone.State, gone.Reason));
        Assert.Null(gone.HostInterface);
        Assert.False(gone.PinLeaked);
        Assert.Equal(["10.22.0.4/24"], gone.Ips);
    }

    [Fact]
    public void A_host_veth_of_the_same_name_with_another_mac_is_not_the_cached_one()
    {
        // The name was reused by a later container: the cached veth is gone, so is its namespace.
        var hosts = new InventoryBuilder().Veth("veth2", 0, mac: "02:00:00:00:01:ff").Namespace(0, pids: [200]);
        var cni = new CniBuilder().Attachment("podnet", Gone, "veth2", "02:00:00:00:01:bb", "/run/netns/cni-gone", "10.22.0.4")
            .Path("/run/netns/cni-gone", null);

        var gone = Only(Judge(hosts, cni).Attachments, Gone);

        Assert.Null(gone.HostInterface);
        Assert.Equal(AttachmentReasons.NetnsGone, gone.Reason);
    }

    [Fact]
    public void Doubt_is_unknown_never_leaked()
    {
        var hosts = new InventoryBuilder()
            .Veth("veth1", 0, mac: "02:00:00:00:01:aa").Namespace(0, pins: ["/run/netns/a"])
            .Veth("veth2", 1, mac: "02:00:00:00:01:bb"); // peer namespace with no visible holder
        var cni = new CniBuilder()
            // The cached path now reaches another namespace than the veth's peer.
            .Attachment("podnet", "1111111100000000", "veth1", "02:00:00:00:01:aa", "/run/netns/a", "10.22.0.2").Path("/run/netns/a", 4026539999)
            .Attachment("podnet", "2222222200000000", "veth2", "02:00:00:00:01:bb", "/run/netns/b", "10.22.0.3").Path("/run/netns/b", null)
            .Attachment("podnet", "3333333300000000", "veth3", "02:00:00:00:01:cc", "/proc/77/ns/net", "10.22.0.4")
            .Path("/proc/77/ns/net", null, doubt: "the cached interface is not in the namespace of pid 77")
            // No host interface in the result (macvlan-like): a missing path cannot prove the namespace died.
            .Attachment("macnet", "4444444400000000", null, null, "/run/netns/d", "10.22.0.5").Path("/run/netns/d", null)
            .Attachment("podnet", "5555555500000000", "veth5", "02:00:00:00:01:dd", "", "10.22.0.6");

        var attachments = Judge(hosts, cni).Attachments;

        Assert.All(attachments, a => Assert.Equal(AttachmentStates.Unknown, a.State));
        Assert.All(attachments, a => Assert.False(a.Deletable));
        Assert.Equal(AttachmentReasons.NetnsMismatch, Only(attachments, "1111111100000000").Reason);
        Assert.Equal(Reasons.NoVisibleHolder, Only(attachments, "2222222200000000").Reason);
        Assert.Equal(AttachmentReasons.NetnsUnverified, Only(attachments, "3333333300000000").Reason);
        Assert.Equal(AttachmentReasons.NetnsGoneUnconfirmed, Only(attachments, "4444444400000000").Reason);
        Assert.Equal(AttachmentReasons.NoNetns, Only(attachments, "5555555500000000").Reason);
    }

    [Fact]
    public void A_bridge_whose_mac_changed_does_not_prove_a_namespace_gone()
    {
        // The result names cni0 with the MAC it had then; the bridge is still there with another. The veth is
        // absent but so is the netns path: without a host end truly gone this could be a view problem, not a death.
        var hosts = new InventoryBuilder().Bridge("cni0", mac: "02:00:00:00:00:99");
        var cni = new CniBuilder().Attachment("podnet", Gone, "veth3", null, "/run/netns/x", "10.22.0.4").Path("/run/netns/x", null);

        var gone = Only(Judge(hosts, cni).Attachments, Gone);

        Assert.Equal((AttachmentStates.Unknown, AttachmentReasons.NetnsGoneUnconfirmed), (gone.State, gone.Reason));
    }

    [Fact]
    public void Firewall_rules_of_an_ip_are_the_attachment_s_only_while_its_lease_holds_it()
    {
        // The lease of .4 is gone (a half-done DEL); the IP may be a new container's now, and so its rules.
        var cni = new CniBuilder()
            .Attachment("podnet", Gone, "veth3", "02:00:00:00:01:cc", "/run/netns/x", "10.22.0.4", chain: false).Path("/run/netns/x", null)
            .IpRule("10.22.0.4");
        var withoutLease = new CniBuilder()
            .Attachment("podnet", Gone, "veth3", "02:00:00:00:01:cc", "/run/netns/x", "10.22.0.4", chain: false, lease: false).Path("/run/netns/x", null)
            .IpRule("10.22.0.4");

        Assert.Single(Only(Judge(new InventoryBuilder(), cni).Attachments, Gone).IpRules);
        Assert.Empty(Only(Judge(new InventoryBuilder(), withoutLease).Attachments, Gone).IpRules);
    }

    [Fact]
    public void Leases_and_chains_no_cache_entry_explains_are_unknown_and_grouped_by_container()
    {
        var cni = new CniBuilder()
            .Lease("podnet", "10.22.0.9", "dddddddd44444444", "eth0")
            .Lease("podnet", "fd00::9", "dddddddd44444444", "eth0")
            .Chain("podnet", "dddddddd44444444", "CNI-dddddddd")
            .Chain("other", "eeeeeeee55555555", "CNI-eeeeeeee");

        var attachments = Judge(new InventoryBuilder(), cni).Attachments;

        Assert.Equal(2, attachments.Count);
        var stray = Only(attachments, "dddddddd44444444");
        Assert.Equal((AttachmentStates.Unknown, AttachmentReasons.NoCacheEntry, "eth0"), (stray.State, stray.Reason, stray.Key.IfName));
        Assert.Equal(2, stray.Leases.Count);
        Assert.Single(stray.Chains);
        Assert.Null(stray.Cache);
        Assert.Equal("", Only(attachments, "eeeeeeee55555555").Key.IfName);
    }

    [Fact]
    public void A_lease_of_another_interface_of_the_same_container_is_not_this_attachment_s()
    {
        var cni = new CniBuilder()
            .Attachment("podnet", Gone, "veth3", "02:00:00:00:01:cc", "/run/netns/x", "10.22.0.4").Path("/run/netns/x", null)
            .Lease("podnet", "10.22.0.5", Gone, "net1")
            .Lease("podnet", "10.22.0.6", Gone, null) // the older id-only form: not one of this attachment's IPs
            .Lease("podnet", "10.22.0.7", Gone, null);
        var ownIdOnly = new CniBuilder()
            .Attachment("podnet", Gone, "veth3", "02:00:00:00:01:cc", "/run/netns/x", "10.22.0.4", lease: false).Path("/run/netns/x", null)
            .Lease("podnet", "10.22.0.4", Gone, null);

        var attachments = Judge(new InventoryBuilder(), cni).Attachments;

        var gone = Single(attachments, a => a.Cache is not null);
        Assert.Equal(["10.22.0.4"], gone.Leases.Select(l => l.Address.ToString()));
        Assert.Equal(["10.22.0.4"], Only(Judge(new InventoryBuilder(), ownIdOnly).Attachments, Gone).Leases.Select(l => l.Address.ToString()));
        var stray = Single(attachments, a => a.Cache is null);
        Assert.Equal("net1", stray.Key.IfName);
        Assert.Equal(3, stray.Leases.Count);
    }

    [Fact]
    public void Ifb_devices_come_from_the_cached_result_and_from_the_veth_s_redirect()
    {
        var builder = new InventoryBuilder()
            .Veth("veth2", 1, mac: "02:00:00:00:01:bb").Namespace(1, pins: ["/run/netns/p"])
            .Veth("bwp1234", null, kind: "ifb")
            .Veth("bwp9999", null, kind: "ifb");
        var cni = new CniBuilder()
            .Attachment("podnet", Pinned, "veth2", "02:00:00:00:01:bb", "/run/netns/p", "10.22.0.3", ifbs: ["bwp1234"])
            .Path("/run/netns/p", 4026532001)
            .Redirect(builder.Index("veth2"), builder.Index("bwp9999"));

        var pinned = Only(Judge(builder, cni).Attachments, Pinned);

        Assert.Equal(["bwp1234", "bwp9999"], pinned.IfbDevices.Select(l => l.Name));
    }

    [Fact]
    public void Leaked_attachments_keep_the_blockers_that_are_not_the_plugins_business()
    {
        var hosts = new InventoryBuilder()
            .Veth("veth2", 1, mac: "02:00:00:00:01:bb", xdp: true).Namespace(1, pins: ["/run/netns/p"])
            .Address("veth2", [10, 22, 0, 1]).Qdisc("veth2", 0x10000, "tbf")
            .Incomplete();
        var cni = new CniBuilder()
            .Attachment("podnet", Pinned, "veth2", "02:00:00:00:01:bb", "/run/netns/p", "10.22.0.3").Path("/run/netns/p", 4026532001)
            .ChainsIncomplete();
        var policy = ClassificationPolicy.Default with { Protect = new System.Text.RegularExpressions.Regex("^veth2$") };

        var (attachments, verdicts) = Judge(hosts, cni, policy);

        var pinned = Only(attachments, Pinned);
        Assert.Equal([Blockers.HostViewIncomplete, Blockers.Xdp, Blockers.Protected, Blockers.Firewall], pinned.Blockers);
        Assert.DoesNotContain(Blockers.Addresses, pinned.Blockers);
        Assert.DoesNotContain(Blockers.Tc, pinned.Blockers);
        // The veth's own verdict is unchanged: a bare delete still respects them.
        Assert.Contains(Blockers.Addresses, Assert.Single(verdicts).Blockers);
        Assert.Contains(Blockers.Tc, verdicts[0].Blockers);
    }

    [Fact]
    public void A_namespace_alive_without_its_veth_is_judged_by_its_holders()
    {
        var hosts = new InventoryBuilder()
            .Namespace(5, pins: ["/run/netns/p"], inode: 4026533005)
            .Namespace(6, fdPids: [300], pins: ["/run/netns/f"], inode: 4026533006);
        var cni = new CniBuilder()
            .Attachment("podnet", Pinned, "veth2", "02:00:00:00:01:bb", "/run/netns/p", "10.22.0.3").Path("/run/netns/p", 4026533005)
            .Attachment("podnet", Live, "veth1", "02:00:00:00:01:aa", "/run/netns/f", "10.22.0.2").Path("/run/netns/f", 4026533006);

        var attachments = Judge(hosts, cni).Attachments;

        Assert.Equal((AttachmentStates.Leaked, AttachmentReasons.PinnedNoProcess), (Only(attachments, Pinned).State, Only(attachments, Pinned).Reason));
        Assert.Equal((AttachmentStates.Live, AttachmentReasons.Fd), (Only(attachments, Live).State, Only(attachments, Live).Reason));
    }

    [Fact]
    public void Chains_listed_without_comments_are_known_by_their_hashed_names_and_firewall_rules_by_the_ip()
    {
        var cni = new CniBuilder()
            .Attachment("podnet", Gone, "veth3", "02:00:00:00:01:cc", "/run/netns/x", "10.22.0.4", chain: false).Path("/run/netns/x", null)
            .UncommentedChain(CniNames.MasqueradeChain("podnet", Gone))
            .UncommentedChain(CniNames.PortmapDnatChain("podnet", Gone))
            .UncommentedChain(CniNames.MasqueradeChain("podnet", Live))
            .IpRule("10.22.0.4").IpRule("10.22.0.5");

        var gone = Only(Judge(new InventoryBuilder(), cni).Attachments, Gone);

        Assert.Equal([CniNames.MasqueradeChain("podnet", Gone), CniNames.PortmapDnatChain("podnet", Gone)], gone.Chains.Select(c => c.Chain));
        Assert.Equal("10.22.0.4", Assert.Single(gone.IpRules).Address.ToString());
    }

    [Fact]
    public void The_pod_comes_from_the_cached_cni_args()
    {
        var cni = new CniBuilder().Attachment("podnet", Gone, "veth3", "02:00:00:00:01:cc", "/run/netns/x", "10.22.0.4",
            args: [("IgnoreUnknown", "1"), ("K8S_POD_NAMESPACE", "shop"), ("K8S_POD_NAME", "cart-7d9")]).Path("/run/netns/x", null);

        var gone = Only(Judge(new InventoryBuilder(), cni).Attachments, Gone);

        Assert.Equal(new CniPod("shop", "cart-7d9"), gone.Cache?.Pod);
    }

    private static AttachmentVerdict Single(List<AttachmentVerdict> list, Func<AttachmentVerdict, bool> predicate) => Assert.Single(list, a => predicate(a));
}
