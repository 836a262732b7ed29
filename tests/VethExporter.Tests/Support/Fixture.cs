using System.Buffers.Binary;
using VethExporter.Netlink;

namespace VethExporter.Tests.Support;

/// <summary>Reads fixtures copied next to the test assembly, and replays captured netlink dumps.</summary>
internal static class Fixture
{
    public static byte[] Bytes(string relativePath) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", relativePath));

    public static string Text(string relativePath) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", relativePath));

    /// <summary>Feeds a captured dump (concatenated datagrams) through the same collector the socket code uses.</summary>
    public static List<T> Replay<T>(byte[] dump, ushort replyType, MessageParser<T> parse)
    {
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(dump.AsSpan(8));
        var collector = new ReplyCollector<T>(sequence, portId: 0, replyType, parse, isDump: true);
        var status = collector.Feed(dump);
        Assert.True(status == ReplyStatus.Done, $"replay ended {status}: {collector.Error}");
        return collector.Items;
    }

    public static List<LinkRecord> Links() =>
        Replay<LinkRecord>(Bytes("netlink/links.bin"), NetlinkConstants.RtmNewLink, LinkMessageParser.TryParse);

    public static List<AddressRecord> Addresses() =>
        Replay<AddressRecord>(Bytes("netlink/addresses.bin"), NetlinkConstants.RtmNewAddr, AddressMessageParser.TryParse);

    public static List<QdiscRecord> Qdiscs() =>
        Replay<QdiscRecord>(Bytes("netlink/qdiscs.bin"), NetlinkConstants.RtmNewQdisc, QdiscMessageParser.TryParse);
}
