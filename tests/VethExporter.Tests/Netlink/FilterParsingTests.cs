using System.Buffers.Binary;
using VethExporter.Netlink;
using VethExporter.Tests.Support;
using static VethExporter.Netlink.NetlinkConstants;

namespace VethExporter.Tests.Netlink;

/// <summary>
/// The RTM_GETTFILTER dump of a host veth after a real bandwidth plugin ADD with an egress rate
/// (Fixtures/cni/tc: ip-view.txt shows the same filters through tc).
/// </summary>
public class FilterParsingTests
{
    private static List<FilterRecord> Filters() =>
        Fixture.Replay<FilterRecord>(Fixture.Bytes("cni/tc/filters-ingress.bin"), RtmNewTFilter, FilterMessageParser.TryParse);

    private static int IndexOf(string name)
    {
        var line = Fixture.Text("cni/tc/ip-view.txt").Split('\n').First(l => l.Contains($": {name}", StringComparison.Ordinal) && char.IsDigit(l[0]));
        return int.Parse(line[..line.IndexOf(':')], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Name(string prefix)
    {
        var line = Fixture.Text("cni/tc/ip-view.txt").Split('\n').First(l => char.IsDigit(l[0]) && l.Contains($": {prefix}", StringComparison.Ordinal));
        string rest = line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..];
        return rest[..rest.IndexOfAny(['@', ':'])];
    }

    [Fact]
    public void Bandwidth_u32_filter_redirects_the_veths_ingress_to_its_ifb()
    {
        var filters = Filters();
        Assert.All(filters, f => Assert.Equal("u32", f.Kind));
        Assert.All(filters, f => Assert.Equal(0xFFFF0000u, f.Parent));
        string veth = Fixture.Text("cni/tc/ip-view.txt").Split('\n').First(l => l.StartsWith("# tc filter show dev ", StringComparison.Ordinal))["# tc filter show dev ".Length..].Split(' ')[0];
        Assert.All(filters, f => Assert.Equal(IndexOf(veth), f.Index));

        var withActions = Assert.Single(filters, f => f.Mirred.Count > 0);
        Assert.Equal(0x80000800u, withActions.Handle);  // fh 800::800
        // bandwidth 1.1.1 adds two mirred actions: tc prints "Egress Redirect … stolen" and "… pass".
        Assert.Equal(2, withActions.Mirred.Count);
        int ifb = IndexOf(Name("bwp"));
        Assert.All(withActions.Mirred, m => Assert.Equal((ifb, 1, true), (m.TargetIndex, m.Eaction, m.IsRedirect)));
        Assert.Equal([4, 0], withActions.Mirred.Select(m => m.Action));  // TC_ACT_STOLEN, TC_ACT_OK ("pass")
        Assert.Equal([1u, 2u], withActions.Mirred.Select(m => m.ActionIndex));
    }

    [Fact]
    public void Dump_request_names_the_link_and_the_ingress_parent()
    {
        var request = RequestBuilder.DumpFilters(9, 4, TcHIngress);
        Assert.Equal(HeaderLength + TcMsgLength, request.Length);
        Assert.Equal(RtmGetTFilter, BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(4)));
        Assert.Equal(NlmFRequest | NlmFDump, BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(6)));
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(8)));
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(request.AsSpan(HeaderLength + 4)));
        Assert.Equal(0xFFFFFFF1u, BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(HeaderLength + 12)));
    }

    [Fact]
    public void Short_mirred_parameters_are_an_error_not_a_read_past_the_buffer()
    {
        // The captured u32 filter, with tc_mirred's length cut from 32 to 20 bytes (4 header + 16 of 28).
        var dump = Fixture.Bytes("cni/tc/filters-ingress.bin");
        int at = IndexOfParms(dump);
        dump[at] = 20;
        var collector = new ReplyCollector<FilterRecord>(BinaryPrimitives.ReadUInt32LittleEndian(dump.AsSpan(8)), 0, RtmNewTFilter, FilterMessageParser.TryParse, isDump: true);
        Assert.Equal(ReplyStatus.Failed, collector.Feed(dump));
        Assert.NotNull(collector.Error);
    }

    [Fact]
    public void Truncated_tcmsg_is_an_error()
    {
        Assert.False(FilterMessageParser.TryParse(new byte[12], out _, out string? error));
        Assert.Contains("shorter than tcmsg", error);
    }

    /// <summary>The first TCA_MIRRED_PARMS attribute header (length 32, type 2) after the "mirred" kind string.</summary>
    private static int IndexOfParms(byte[] dump)
    {
        int kind = dump.AsSpan().IndexOf("mirred"u8);
        for (int i = kind; i + 4 <= dump.Length; i += 4)
            if (BinaryPrimitives.ReadUInt16LittleEndian(dump.AsSpan(i)) == 32 && BinaryPrimitives.ReadUInt16LittleEndian(dump.AsSpan(i + 2)) == TcaMirredParms) return i;
        throw new InvalidOperationException("no mirred parameters in the fixture");
    }
}
