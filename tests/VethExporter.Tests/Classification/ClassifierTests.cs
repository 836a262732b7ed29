using VethExporter.Classification;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Classification;

public class ClassifierTests
{
    private static VethVerdict Classify(InventoryBuilder builder, string name, IReadOnlyDictionary<int, TimeSpan>? dying = null) =>
        Classifier.Classify(builder.Build(), ClassificationPolicy.Default, dying).Single(v => v.Link.Name == name);

    public static TheoryData<string, InventoryBuilder, string, string> Situations() => new()
    {
        { "live container", new InventoryBuilder().Veth("veth1", 0).Namespace(0, pids: [100], pins: ["/run/netns/c"]), VethStates.InUse, Reasons.Process },
        { "held by fd only", new InventoryBuilder().Veth("veth1", 0).Namespace(0, fdPids: [200]), VethStates.InUse, Reasons.Fd },
        { "pinned and held by fd", new InventoryBuilder().Veth("veth1", 0).Namespace(0, pins: ["/run/netns/c"], fdPids: [200]), VethStates.InUse, Reasons.Fd },
        { "pinned, no process", new InventoryBuilder().Veth("veth1", 0).Namespace(0, pins: ["/run/netns/c"]), VethStates.Orphan, Reasons.PinnedNoProcess },
        { "nothing visible", new InventoryBuilder().Veth("veth1", 3), VethStates.Orphan, Reasons.NoVisibleHolder },
        { "peer netns dying", new InventoryBuilder().Veth("veth1", -1), VethStates.Transient, Reasons.PeerNetnsDying },
        { "half-created pair", new InventoryBuilder().HostPair("veth1", "veth1p"), VethStates.Orphan, Reasons.HalfCreated },
        { "host pair with address", new InventoryBuilder().HostPair("veth1", "veth1p").Address("veth1p", [10, 0, 0, 1]), VethStates.InUse, Reasons.HostPlumbing },
        { "host pair between two bridges", new InventoryBuilder().Bridge("br0").Bridge("br1").HostPair("veth1", "veth1p", "br0", "br1"), VethStates.InUse, Reasons.HostPlumbing },
        { "half-created, host end bridged", new InventoryBuilder().Bridge("br0").HostPair("veth1", "veth1p", "br0"), VethStates.Orphan, Reasons.HalfCreated },
        { "half-created, only link-local v6", new InventoryBuilder().HostPair("veth1", "veth1p").Address("veth1", [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 10), VethStates.Orphan, Reasons.HalfCreated },
    };

    [Theory]
    [MemberData(nameof(Situations))]
    public void Classifies_by_who_holds_the_peer_namespace(string situation, InventoryBuilder builder, string state, string reason)
    {
        var verdict = Classify(builder, "veth1");
        Assert.True(verdict.State == state && verdict.Reason == reason, $"{situation}: got {verdict.State}/{verdict.Reason}");
    }

    [Fact]
    public void Two_namespaces_claiming_one_id_fail_nothing_and_pool_their_holders()
    {
        // A pinned-only namespace and a live one both answer nsid 0: the live holder wins, no identity is kept.
        var builder = new InventoryBuilder().Veth("veth1", 0)
            .Namespace(0, pins: ["/tmp/x/pin"], inode: 4026532100)
            .Namespace(0, pids: [321], inode: 4026532101);
        var verdict = Classify(builder, "veth1");
        Assert.Equal((VethStates.InUse, Reasons.Process), (verdict.State, verdict.Reason));
        Assert.Null(verdict.Peer.NetnsInode);
        Assert.Equal([321], verdict.Peer.Processes);
    }

    [Fact]
    public void Name_and_operstate_play_no_part()
    {
        var builder = new InventoryBuilder()
            .Veth("eth-looks-fine", 0, up: false).Namespace(0, pins: ["/run/netns/x"])
            .Veth("veth-not-really", null, kind: "tun");
        var verdicts = Classifier.Classify(builder.Build(), ClassificationPolicy.Default);
        var verdict = Assert.Single(verdicts);
        Assert.Equal("eth-looks-fine", verdict.Link.Name);
        Assert.Equal(Reasons.PinnedNoProcess, verdict.Reason);
    }

    [Fact]
    public void Peer_dying_past_the_grace_period_is_stuck()
    {
        var builder = new InventoryBuilder().Veth("veth1", -1);
        int index = builder.Index("veth1");
        var young = Classify(builder, "veth1", new Dictionary<int, TimeSpan> { [index] = TimeSpan.FromMinutes(1) });
        var old = Classify(builder, "veth1", new Dictionary<int, TimeSpan> { [index] = TimeSpan.FromMinutes(6) });
        Assert.Equal((VethStates.Transient, Reasons.PeerNetnsDying), (young.State, young.Reason));
        Assert.Equal((VethStates.Orphan, Reasons.PeerNetnsStuck), (old.State, old.Reason));
    }

    [Fact]
    public void Bridge_is_the_master_name_and_peer_holders_are_reported()
    {
        var builder = new InventoryBuilder().Bridge("docker0").Veth("veth1", 4, master: "docker0", peerIndex: 7)
            .Namespace(4, pins: ["/run/docker/netns/abc", "/run/docker/netns/abc"], inode: 4026532999);
        var verdict = Classify(builder, "veth1");
        Assert.Equal("docker0", verdict.Bridge);
        Assert.Equal(7, verdict.Peer.Index);
        Assert.Equal(4, verdict.Peer.NetnsId);
        Assert.Equal(4026532999UL, verdict.Peer.NetnsInode);
        Assert.Equal(["/run/docker/netns/abc"], verdict.Peer.Mounts);
        Assert.Empty(verdict.Blockers); // the classifier leaves blockers to BlockerRules
    }

    [Fact]
    public void Host_pair_whose_peer_does_not_point_back_is_never_an_orphan()
    {
        var builder = new InventoryBuilder().Veth("veth1", null, peerIndex: 999);
        var verdict = Classify(builder, "veth1");
        Assert.Equal(VethStates.InUse, verdict.State);
    }
}
