using System.Numerics;
using System.Text;
using VethExporter.Cni;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Cni;

public class CniConfigAndPoolTests
{
    private static CniNetworkConfig Parse(byte[] bytes)
    {
        Assert.True(CniConfigParser.TryParse(bytes, out var config, out string? error), error);
        return config;
    }

    private static string Fails(string json)
    {
        Assert.False(CniConfigParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out string? error));
        return error!;
    }

    [Fact]
    public void Conflist_gives_plugins_in_order_with_their_own_json_and_capabilities()
    {
        var config = Parse(CniFixtures.Config("bridgenet.conflist", "/tmp/data"));
        Assert.Equal("bridgenet", config.Name);
        Assert.Equal("1.0.0", config.CniVersion);
        Assert.Equal(["bridge", "portmap", "bandwidth"], config.Plugins.Select(p => p.Type));
        Assert.Equal(["portMappings"], config.Plugins[1].Capabilities);
        Assert.Contains("\"snat\": true", config.Plugins[1].Json);
        Assert.Null(config.Plugins[1].HostLocal);

        var ipam = Assert.IsType<HostLocalIpam>(config.HostLocal);
        Assert.Equal("/tmp/data", ipam.DataDir);
        Assert.Equal(2, ipam.RangeSets.Count);
        Assert.Equal(new CniIpRange("10.77.2.0/24", null, null, "10.77.2.1"), Assert.Single(ipam.RangeSets[0]));
        Assert.Equal(new CniIpRange("fd77:2::/64", null, null, null), Assert.Single(ipam.RangeSets[1]));
    }

    [Fact]
    public void Legacy_top_level_range_is_the_first_range_set()
    {
        var ipam = Parse(CniFixtures.Config("ptpnet.conflist")).HostLocal!;
        Assert.Equal(new CniIpRange("10.77.1.0/24", "10.77.1.10", "10.77.1.20", "10.77.1.1"), Assert.Single(Assert.Single(ipam.RangeSets)));
    }

    [Fact]
    public void Single_plugin_config_is_a_list_of_one()
    {
        var config = Parse(CniFixtures.Config("tiny.conf"));
        Assert.Equal("tiny", config.Name);
        var plugin = Assert.Single(config.Plugins);
        Assert.Equal("host-local", plugin.Type);
        Assert.Equal("10.77.9.0/29", plugin.HostLocal!.RangeSets[0][0].Subnet);
    }

    [Fact]
    public void Capabilities_declared_false_are_not_passed()
    {
        var config = Parse("""{"name":"n","type":"portmap","capabilities":{"portMappings":true,"bandwidth":false}}"""u8.ToArray());
        Assert.Equal(["portMappings"], config.Plugins[0].Capabilities);
    }

    [Theory]
    [InlineData("""{"name":"n","plugins":{}}""", "\"plugins\" is an object, not an array")]
    [InlineData("""{"name":"n","plugins":[]}""", "\"plugins\" is empty")]
    [InlineData("""{"name":"n","plugins":[{"type":"bridge"},5]}""", "plugins[1]: a plugin is a number, not an object")]
    [InlineData("""{"plugins":[{"type":"bridge"}]}""", "\"name\" is missing or empty")]
    [InlineData("""{"name":"n","type":"bridge","ipam":{"type":"host-local","ranges":[{"subnet":"10.0.0.0/24"}]}}""", "ipam: ranges[0] is an object, not an array")]
    [InlineData("""{"name":"n","type":"bridge","ipam":{"type":"host-local","ranges":[[{"gateway":"10.0.0.1"}]]}}""", "ipam: ranges[0][0]: \"subnet\" is missing or empty")]
    [InlineData("""{"name":"n","type":"bridge","ipam":{"type":"host-local","dataDir":3}}""", "ipam: \"dataDir\" is a number, not a string")]
    [InlineData("""{"name":"n","type":"bridge","capabilities":[]}""", "\"capabilities\" is an array, not an object")]
    public void Bad_configs_say_what_is_wrong(string json, string expected) => Assert.Equal(expected, Fails(json));

    [Fact]
    public void Another_ipam_is_not_host_local()
    {
        var config = Parse("""{"name":"n","type":"bridge","ipam":{"type":"dhcp"}}"""u8.ToArray());
        Assert.Null(config.HostLocal);
    }

    /// <summary>host-local itself, filling 10.77.9.0/29 in the capture, handed out exactly this many before "no IP addresses available".</summary>
    [Fact]
    public void Pool_of_a_slash_29_is_what_the_real_plugin_handed_out()
    {
        var fill = Fixture.Text("cni/leases/tiny-fill.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int handedOut = fill.Count(l => l.EndsWith("/29", StringComparison.Ordinal));
        Assert.Contains("no IP addresses available in range set: 10.77.9.1-10.77.9.6", fill[^1]);
        Assert.Equal(handedOut, Directory.GetFiles(CniFixtures.Dir("leases/networks/tiny")).Count(f => Path.GetFileName(f).StartsWith("10.", StringComparison.Ordinal)));

        var size = HostLocalPool.Size(Parse(CniFixtures.Config("tiny.conf")).HostLocal!);
        Assert.Empty(size.Errors);
        Assert.Equal((UInt128)handedOut, size.Addresses);
        Assert.Equal((UInt128)5, size.Addresses);
    }

    [Fact]
    public void Explicit_range_outside_the_gateway_keeps_every_address()
    {
        var size = HostLocalPool.Size(Parse(CniFixtures.Config("ptpnet.conflist")).HostLocal!);
        Assert.Equal((UInt128)11, size.Addresses);  // .10 to .20, the gateway .1 is outside
    }

    [Fact]
    public void Pools_sum_over_range_sets_and_ipv6_ends_at_the_last_address()
    {
        var size = HostLocalPool.Size(Parse(CniFixtures.Config("bridgenet.conflist")).HostLocal!);
        Assert.Empty(size.Errors);
        // IPv4 /24: .1-.254 less the gateway; IPv6 /64: ::1 to the last address less the default gateway ::1.
        Assert.Equal((UInt128)253 + ((UInt128.One << 64) - 1 - 1), size.Addresses);
    }

    [Theory]
    [InlineData("10.0.0.0/30", null, null, null, 1)]          // .1 .2, gateway .1
    [InlineData("10.0.0.0/30", null, null, "10.0.0.3", 2)]    // gateway the broadcast: outside the range
    [InlineData("10.0.0.0/24", "10.0.0.100", "10.0.0.199", "10.0.0.150", 99)]
    [InlineData("10.0.0.0/24", "10.0.0.0", null, null, 254)]  // the network address itself may be asked for
    [InlineData("fd00::/126", null, null, null, 2)]           // ::1 ::2 ::3, gateway ::1
    [InlineData("fd00::/120", null, "fd00::10", "fd00::ff", 16)]
    public void Pool_size_follows_host_local(string subnet, string? start, string? end, string? gateway, int expected)
    {
        Assert.True(HostLocalPool.TrySize(new CniIpRange(subnet, start, end, gateway), out var size, out string? error), error);
        Assert.Equal((UInt128)expected, size);
    }

    [Theory]
    [InlineData("10.0.0.0/31", null, null, "too small to allocate from")]
    [InlineData("10.0.0.1/32", null, null, "too small to allocate from")]
    [InlineData("fd00::/127", null, null, "too small to allocate from")]
    [InlineData("10.0.0.1/24", null, null, "has host bits set")]
    [InlineData("10.0.0.0/24", "10.0.1.5", null, "rangeStart 10.0.1.5 is not in the subnet")]
    [InlineData("10.0.0.0/24", "10.0.0.50", "10.0.0.40", "rangeEnd 10.0.0.40 is not in the subnet after rangeStart")]
    [InlineData("10.0.0.0/24", "fd00::1", null, "rangeStart fd00::1 is not in the subnet")]
    [InlineData("banana", null, null, "is not an address/prefix")]
    [InlineData("10.0.0.0/33", null, null, "prefix /33 is longer than 32 bits")]
    public void Ranges_host_local_refuses_are_errors(string subnet, string? start, string? end, string expected)
    {
        Assert.False(HostLocalPool.TrySize(new CniIpRange(subnet, start, end, null), out _, out string? error));
        Assert.Equal(expected, error);
        var sum = HostLocalPool.Size(new HostLocalIpam(null, [[new CniIpRange(subnet, start, end, null), new CniIpRange("10.9.0.0/30", null, null, null)]]));
        Assert.Equal((UInt128)1, sum.Addresses);
        Assert.Equal($"range {subnet}: {expected}", Assert.Single(sum.Errors));
    }

    [Fact]
    public void A_whole_ipv6_space_saturates_instead_of_wrapping()
    {
        var size = HostLocalPool.Size(new HostLocalIpam(null, [[new CniIpRange("::/0", null, null, null)], [new CniIpRange("fd00::/64", null, null, null)]]));
        Assert.Equal(UInt128.MaxValue, size.Addresses);
        Assert.True((BigInteger)size.Addresses > 0);
    }
}
