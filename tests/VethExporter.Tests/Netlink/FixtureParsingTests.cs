using VethExporter.Netlink;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Netlink;

/// <summary>
/// Parses dumps captured from a real kernel (see Fixtures/netlink/ip-view.txt for the `ip -d link`
/// view of the same namespace) and checks each field against what iproute2 printed.
/// </summary>
public class FixtureParsingTests
{
    private readonly List<LinkRecord> _links = Fixture.Links();

    private LinkRecord Link(string name) => _links.Single(l => l.Name == name);

    [Fact]
    public void Link_dump_lists_every_device_once()
    {
        Assert.Equal(["lo", "br0", "veth1a2b3c", "cali0f1e2d3c", "hostpair1", "hostpair0", "vethtap0"], _links.Select(l => l.Name));
        Assert.Equal(_links.Count, _links.Select(l => l.Index).Distinct().Count());
    }

    [Theory]
    [InlineData("lo", null)]
    [InlineData("br0", "bridge")]
    [InlineData("veth1a2b3c", "veth")]
    [InlineData("cali0f1e2d3c", "veth")]
    [InlineData("hostpair0", "veth")]
    [InlineData("vethtap0", "tun")]
    public void Kind_comes_from_IFLA_INFO_KIND_not_the_name(string name, string? kind)
    {
        Assert.Equal(kind, Link(name).Kind);
        Assert.Equal(kind == "veth", Link(name).IsVeth);
    }

    [Fact]
    public void Container_veth_has_master_peer_index_and_peer_netns_id()
    {
        var veth = Link("veth1a2b3c");
        Assert.Equal(Link("br0").Index, veth.MasterIndex);
        Assert.Equal(2, veth.PeerIndex); // "@if2": ifindex in the container namespace
        Assert.Equal(0, veth.LinkNetnsId);
        Assert.Equal(IpView.MacOf("veth1a2b3c"), veth.Mac);
        Assert.True(veth.AdminUp);
        Assert.False(veth.XdpAttached);
    }

    [Fact]
    public void Host_pair_has_no_netns_id_and_ends_point_at_each_other()
    {
        var a = Link("hostpair0");
        var b = Link("hostpair1");
        Assert.Null(a.LinkNetnsId);
        Assert.Null(b.LinkNetnsId);
        Assert.Equal(b.Index, a.PeerIndex);
        Assert.Equal(a.Index, b.PeerIndex);
        Assert.Equal(OperState.LowerLayerDown, a.OperState);
        Assert.Equal(OperState.Down, b.OperState);
        Assert.False(b.AdminUp);
    }

    [Fact]
    public void Every_mac_matches_what_ip_printed()
    {
        Assert.All(_links.Where(l => l.Name != "lo"), l => Assert.Equal(IpView.MacOf(l.Name), l.Mac));
    }

    [Fact]
    public void Bridge_mac_is_inherited_from_its_first_port()
    {
        Assert.Equal(Link("veth1a2b3c").Mac, Link("br0").Mac);
    }

    [Fact]
    public void Addresses_distinguish_configured_from_automatic_link_local()
    {
        var addresses = Fixture.Addresses();
        var configured = addresses.Where(a => !a.IsAutomaticLinkLocal && a.Index == Link("hostpair0").Index).ToList();
        Assert.Single(configured);
        Assert.Equal(new byte[] { 192, 0, 2, 1 }, configured[0].Address);
        Assert.Equal(24, configured[0].PrefixLength);

        var bridgeLinkLocal = addresses.Single(a => a.Index == Link("br0").Index);
        Assert.True(bridgeLinkLocal.IsAutomaticLinkLocal);
    }

    [Fact]
    public void Qdiscs_separate_kernel_defaults_from_configured_ones()
    {
        var qdiscs = Fixture.Qdiscs();
        var configured = qdiscs.Where(q => q.IsConfigured).ToList();
        var tbf = Assert.Single(configured);
        Assert.Equal("tbf", tbf.Kind);
        Assert.Equal(Link("cali0f1e2d3c").Index, tbf.Index);
        Assert.Equal(IpView.QdiscHandle("tbf", "cali0f1e2d3c"), tbf.Handle);
        Assert.All(qdiscs.Except(configured), q => Assert.Equal("noqueue", q.Kind));
    }

    [Fact]
    public void Nsid_replies_carry_the_id_or_not_assigned()
    {
        var bytes = Fixture.Bytes("netlink/nsids.bin");
        var ids = new List<int>();
        var reader = new NetlinkMessageReader(bytes);
        while (reader.TryRead(out var message))
        {
            Assert.Equal(NetlinkConstants.RtmNewNsid, message.Type);
            Assert.True(NsidMessageParser.TryParse(message.Payload, out int nsid, out var error), error);
            ids.Add(nsid);
        }
        Assert.Null(reader.Error);
        // The fake host itself has no id in its own space; the container namespace got id 0 from the link dump.
        Assert.Equal([NetlinkConstants.NsidNotAssigned, 0], ids);
    }
}
