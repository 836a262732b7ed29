using VethExporter.Netlink;
using VethExporter.Tests.Support;
using static VethExporter.Netlink.NetlinkConstants;
using static VethExporter.Tests.Support.MessageBuilder;

namespace VethExporter.Tests.Netlink;

public class ReplyCollectorTests
{
    private static readonly byte[] Veth0 = Concat(IfInfo(5), Attribute(IflaIfname, Text("veth0")));

    private static ReplyCollector<LinkRecord> Collector(uint portId = 0) =>
        new(sequence: 7, portId, RtmNewLink, LinkMessageParser.TryParse, isDump: true);

    [Fact]
    public void Dump_spanning_datagrams_completes_at_done()
    {
        var collector = Collector();
        Assert.Equal(ReplyStatus.InProgress, collector.Feed(new MessageBuilder().Message(RtmNewLink, NlmFMulti, 7, 0, Veth0).Build()));
        Assert.Equal(ReplyStatus.Done, collector.Feed(new MessageBuilder().Message(NlmsgDone, NlmFMulti, 7, 0, S32(0)).Build()));
        Assert.Equal("veth0", Assert.Single(collector.Items).Name);
    }

    [Fact]
    public void Messages_of_other_requests_or_ports_are_skipped()
    {
        var collector = Collector(portId: 99);
        var datagram = new MessageBuilder()
            .Message(RtmNewLink, NlmFMulti, 6, 99, Veth0)   // an earlier request
            .Message(RtmNewLink, NlmFMulti, 7, 12, Veth0)   // another socket
            .Message(NlmsgDone, NlmFMulti, 7, 99, S32(0))
            .Build();
        Assert.Equal(ReplyStatus.Done, collector.Feed(datagram));
        Assert.Empty(collector.Items);
    }

    [Fact]
    public void Dump_interrupted_flag_asks_for_a_retry()
    {
        var datagram = new MessageBuilder()
            .Message(RtmNewLink, NlmFMulti | NlmFDumpIntr, 7, 0, Veth0)
            .Message(NlmsgDone, NlmFMulti, 7, 0, S32(0))
            .Build();
        Assert.Equal(ReplyStatus.Interrupted, Collector().Feed(datagram));
    }

    [Fact]
    public void Kernel_error_carries_errno()
    {
        var collector = Collector();
        var datagram = new MessageBuilder().Message(NlmsgError, 0, 7, 0, Concat(S32(-1), new byte[16])).Build();
        Assert.Equal(ReplyStatus.Failed, collector.Feed(datagram));
        Assert.Equal(1, collector.KernelErrno);
        Assert.Contains("errno 1", collector.Error);
    }

    [Fact]
    public void Done_with_negative_code_is_a_failed_dump()
    {
        var collector = Collector();
        Assert.Equal(ReplyStatus.Failed, collector.Feed(new MessageBuilder().Message(NlmsgDone, NlmFMulti, 7, 0, S32(-105)).Build()));
        Assert.Equal(105, collector.KernelErrno);
    }

    [Fact]
    public void Acknowledgement_completes_a_request()
    {
        var collector = new ReplyCollector<int>(7, 0, RtmNewLink, (ReadOnlySpan<byte> _, out int i, out string? e) => { i = 0; e = null; return true; }, isDump: false);
        Assert.Equal(ReplyStatus.Done, collector.Feed(new MessageBuilder().Message(NlmsgError, 0, 7, 0, Concat(S32(0), new byte[16])).Build()));
        Assert.Equal(0, collector.KernelErrno);
    }

    [Fact]
    public void Requests_are_well_formed()
    {
        var dump = RequestBuilder.DumpLinks(42);
        var reader = new NetlinkMessageReader(dump);
        Assert.True(reader.TryRead(out var message));
        Assert.Equal(RtmGetLink, message.Type);
        Assert.Equal(NlmFRequest | NlmFDump, message.Flags);
        Assert.Equal(42u, message.Sequence);
        Assert.Equal(IfInfoMsgLength + 8, message.Payload.Length);

        var nsid = RequestBuilder.GetNsidByPid(43, 1234);
        reader = new NetlinkMessageReader(nsid);
        Assert.True(reader.TryRead(out message));
        Assert.Equal(RtmGetNsid, message.Type);
        var attributes = new AttributeReader(message.Payload[RtGenMsgLength..]);
        Assert.True(attributes.TryRead(out ushort type, out var value));
        Assert.Equal(NetnsaPid, type);
        Assert.Equal(1234, BitConverter.ToInt32(value));
    }
}
