using System.Text.RegularExpressions;
using VethExporter.Classification;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Classification;

public class BlockerRulesTests
{
    private static List<string> BlockersOf(InventoryBuilder builder, string name, ClassificationPolicy? policy = null, string[]? firewall = null)
    {
        policy ??= ClassificationPolicy.Default;
        var inventory = builder.Build();
        var verdict = Classifier.Classify(inventory, policy).Single(v => v.Link.Name == name);
        return BlockerRules.Evaluate(verdict, BlockerContext.From(inventory, (firewall ?? []).ToHashSet(), policy));
    }

    private static InventoryBuilder PinnedOrphan(string? master = null, string? mac = null, bool xdp = false) =>
        new InventoryBuilder().Bridge("br0", mac: "02:aa:aa:aa:aa:aa").Veth("veth1", 0, master: master, mac: mac, xdp: xdp).Namespace(0, pins: ["/run/netns/c"]);

    [Fact]
    public void A_clean_pinned_orphan_has_no_blockers()
    {
        Assert.Empty(BlockersOf(PinnedOrphan(), "veth1"));
    }

    [Fact]
    public void Each_static_blocker_is_named()
    {
        Assert.Equal([Blockers.BridgePort], BlockersOf(PinnedOrphan(master: "br0"), "veth1"));
        Assert.Equal([Blockers.Tc], BlockersOf(PinnedOrphan().Qdisc("veth1", 0x80010000, "tbf"), "veth1"));
        Assert.Equal([Blockers.Xdp], BlockersOf(PinnedOrphan(xdp: true), "veth1"));
        Assert.Equal([Blockers.Addresses], BlockersOf(PinnedOrphan().Address("veth1", [10, 1, 2, 3]), "veth1"));
        Assert.Equal([Blockers.Firewall], BlockersOf(PinnedOrphan(), "veth1", firewall: ["veth1"]));
        var protect = ClassificationPolicy.Default with { Protect = new Regex("^veth1$") };
        Assert.Equal([Blockers.Protected], BlockersOf(PinnedOrphan(), "veth1", protect));
        Assert.Equal([Blockers.HostViewIncomplete], BlockersOf(PinnedOrphan().Incomplete(), "veth1"));
    }

    [Fact]
    public void Kernel_default_qdiscs_and_link_local_addresses_do_not_block()
    {
        var builder = PinnedOrphan().Qdisc("veth1", 0, "noqueue")
            .Address("veth1", [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9], 10);
        Assert.Empty(BlockersOf(builder, "veth1"));
    }

    [Fact]
    public void Detach_bridged_replaces_bridge_port_with_the_mac_source_check()
    {
        var policy = ClassificationPolicy.Default with { DetachBridged = true };
        Assert.Empty(BlockersOf(PinnedOrphan(master: "br0"), "veth1", policy));
        Assert.Equal([Blockers.BridgeMacSource], BlockersOf(PinnedOrphan(master: "br0", mac: "02:aa:aa:aa:aa:aa"), "veth1", policy));
    }

    [Theory]
    [InlineData(false, false, true, true)]
    [InlineData(true, false, false, true)]
    [InlineData(false, true, true, false)]
    public void Unremediable_reasons_need_their_opt_in(bool allowNoHolder, bool allowStuck, bool noHolderBlocked, bool stuckBlocked)
    {
        var policy = ClassificationPolicy.Default with { AllowNoVisibleHolder = allowNoHolder, AllowPeerNetnsStuck = allowStuck };
        var noHolder = new InventoryBuilder().Veth("veth1", 5);
        Assert.Equal(noHolderBlocked, BlockersOf(noHolder, "veth1", policy).Contains(Blockers.ReasonNotRemediable));

        var stuckBuilder = new InventoryBuilder().Veth("veth1", -1);
        var inventory = stuckBuilder.Build();
        var dying = new Dictionary<int, TimeSpan> { [stuckBuilder.Index("veth1")] = TimeSpan.FromHours(1) };
        var verdict = Classifier.Classify(inventory, policy, dying).Single();
        Assert.Equal(Reasons.PeerNetnsStuck, verdict.Reason);
        Assert.Equal(stuckBlocked, BlockerRules.Evaluate(verdict, BlockerContext.From(inventory, new HashSet<string>(), policy)).Contains(Blockers.ReasonNotRemediable));
    }

    [Fact]
    public void Blockers_are_computed_only_for_orphans()
    {
        var builder = new InventoryBuilder().Bridge("br0").Veth("veth1", 0, master: "br0").Namespace(0, pids: [1]);
        Assert.Empty(BlockersOf(builder, "veth1"));
    }
}
