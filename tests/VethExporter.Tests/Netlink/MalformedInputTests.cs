using VethExporter.Netlink;
using VethExporter.Tests.Support;
using static VethExporter.Netlink.NetlinkConstants;
using static VethExporter.Tests.Support.MessageBuilder;

namespace VethExporter.Tests.Netlink;

/// <summary>Malformed replies end with a clear error: never an exception, never a read past the buffer.</summary>
public class MalformedInputTests
{
    private static ReplyCollector<LinkRecord> LinkCollector(uint sequence = 7) =>
        new(sequence, portId: 0, RtmNewLink, LinkMessageParser.TryParse, isDump: true);

    [Fact]
    public void Truncated_header_is_reported()
    {
        var collector = LinkCollector();
        Assert.Equal(ReplyStatus.Failed, collector.Feed(new byte[10]));
        Assert.Contains("truncated netlink header", collector.Error);
    }

    [Fact]
    public void Message_length_beyond_the_datagram_is_reported()
    {
        var datagram = new MessageBuilder().Message(RtmNewLink, NlmFMulti, 7, 0, IfInfo(1), lengthOverride: 4096).Build();
        var collector = LinkCollector();
        Assert.Equal(ReplyStatus.Failed, collector.Feed(datagram));
        Assert.Contains("does not fit", collector.Error);
    }

    [Fact]
    public void Message_length_below_the_header_is_reported()
    {
        var datagram = new MessageBuilder().Message(RtmNewLink, NlmFMulti, 7, 0, IfInfo(1), lengthOverride: 8).Build();
        var collector = LinkCollector();
        Assert.Equal(ReplyStatus.Failed, collector.Feed(datagram));
        Assert.NotNull(collector.Error);
    }

    [Fact]
    public void Payload_shorter_than_ifinfomsg_is_reported()
    {
        var datagram = new MessageBuilder().Message(RtmNewLink, NlmFMulti, 7, 0, new byte[8]).Build();
        var collector = LinkCollector();
        Assert.Equal(ReplyStatus.Failed, collector.Feed(datagram));
        Assert.Contains("shorter than ifinfomsg", collector.Error);
    }

    [Fact]
    public void Attribute_length_overrunning_the_message_is_reported()
    {
        var payload = Concat(IfInfo(3), Attribute(IflaIfname, Text("veth0"), lengthOverride: 200));
        Assert.False(LinkMessageParser.TryParse(payload, out _, out var error));
        Assert.Contains("attribute length 200", error);
    }

    [Fact]
    public void Zero_length_attribute_is_reported_not_looped_on()
    {
        var payload = Concat(IfInfo(3), Attribute(IflaIfname, Text("veth0")), new byte[] { 0, 0, 3, 0, 0, 0, 0, 0 });
        Assert.False(LinkMessageParser.TryParse(payload, out _, out var error));
        Assert.Contains("attribute length 0", error);
    }

    [Fact]
    public void Nested_attribute_overrun_is_reported()
    {
        var linkInfo = Attribute(IflaLinkinfo, Attribute(IflaInfoKind, Text("veth"), lengthOverride: 60));
        var payload = Concat(IfInfo(3), Attribute(IflaIfname, Text("veth0")), linkInfo);
        Assert.False(LinkMessageParser.TryParse(payload, out _, out var error));
        Assert.Contains("IFLA_LINKINFO", error);
    }

    [Fact]
    public void Short_fixed_size_attributes_are_ignored_not_read_past()
    {
        var payload = Concat(IfInfo(3), Attribute(IflaIfname, Text("veth0")), Attribute(IflaMaster, [1, 2]), Attribute(IflaLinkNetnsid, [9]));
        Assert.True(LinkMessageParser.TryParse(payload, out var link, out _));
        Assert.Null(link.MasterIndex);
        Assert.Null(link.LinkNetnsId);
    }

    [Fact]
    public void Link_without_a_name_is_rejected()
    {
        Assert.False(LinkMessageParser.TryParse(IfInfo(3), out _, out var error));
        Assert.Contains("no IFLA_IFNAME", error);
    }

    [Fact]
    public void Xdp_attachment_is_read_from_the_nested_attribute()
    {
        var xdp = Attribute(IflaXdp, Concat(Attribute(IflaXdpAttached, [1]), Attribute(IflaXdpProgId, U32(42))));
        var payload = Concat(IfInfo(3), Attribute(IflaIfname, Text("veth0")), xdp);
        Assert.True(LinkMessageParser.TryParse(payload, out var link, out _));
        Assert.True(link.XdpAttached);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_prefix_of_a_real_dump_fails_cleanly_or_parses(int fixture)
    {
        string[] files = ["netlink/links.bin", "netlink/addresses.bin", "netlink/qdiscs.bin"];
        var dump = Fixture.Bytes(files[fixture]);
        for (int length = 0; length < dump.Length; length++)
        {
            var collector = LinkCollector(BitConverter.ToUInt32(dump, 8));
            var status = collector.Feed(dump.AsSpan(0, length));
            Assert.True(status is ReplyStatus.InProgress or ReplyStatus.Failed, $"prefix {length}: {status}");
            if (status == ReplyStatus.Failed) Assert.False(string.IsNullOrEmpty(collector.Error));
        }
    }

    [Fact]
    public void Random_and_mutated_input_never_throws()
    {
        var random = new Random(20261127);
        var real = Fixture.Bytes("netlink/links.bin");
        for (int round = 0; round < 20_000; round++)
        {
            byte[] input;
            if (round % 2 == 0)
            {
                input = new byte[random.Next(0, 512)];
                random.NextBytes(input);
            }
            else
            {
                input = real[..random.Next(0, real.Length)];
                for (int flips = random.Next(1, 8); flips > 0 && input.Length > 0; flips--)
                    input[random.Next(input.Length)] = (byte)random.Next(256);
            }

            var collector = LinkCollector(BitConverter.ToUInt32(real, 8));
            var status = collector.Feed(input);
            if (status == ReplyStatus.Failed) Assert.NotNull(collector.Error);
            _ = AddressMessageParser.TryParse(input, out _, out _);
            _ = QdiscMessageParser.TryParse(input, out _, out _);
            _ = NsidMessageParser.TryParse(input, out _, out _);
            _ = LinkMessageParser.TryParse(input, out _, out _);
        }
    }
}
