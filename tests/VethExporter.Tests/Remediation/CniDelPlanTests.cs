using System.Text;
using System.Text.Json;
using VethExporter.Cni;
using VethExporter.Remediation;

namespace VethExporter.Tests.Remediation;

/// <summary>The DEL replay is libcni's DelNetworkList: reverse order, list name and version, prevResult, runtimeConfig by capability.</summary>
public sealed class CniDelPlanTests
{
    private const string Conflist = """
        {"cniVersion":"1.0.0","name":"brnet","plugins":[
          {"type":"bridge","bridge":"cni-br0","ipMasq":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"10.77.2.0/24"}]]}},
          {"type":"portmap","capabilities":{"portMappings":true}},
          {"type":"bandwidth","capabilities":{"bandwidth":true}}]}
        """;

    private const string Result = """{"cniVersion":"1.0.0","interfaces":[{"name":"cni-br0"}],"ips":[{"address":"10.77.2.5/24"}]}""";

    private static CniCacheEntry Entry(string conflist, string? capabilityArgs)
    {
        Assert.True(CniConfigParser.TryParse(Encoding.UTF8.GetBytes(conflist), out var config, out string? error), error);
        return new CniCacheEntry("/var/lib/cni/results/brnet-abc-eth0", "abc", "eth0", "brnet", "/run/netns/cni-1", config,
            [new("IgnoreUnknown", "1"), new("K8S_POD_NAME", "cart")], capabilityArgs, Result, CniResult.Empty, DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void Plugins_run_in_reverse_each_with_the_list_name_version_prevResult_and_only_its_own_capabilities()
    {
        var entry = Entry(Conflist, """{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}],"bandwidth":{"ingressRate":1000}}""");

        var calls = CniDelPlan.From(entry, "/run/netns/cni-1", ["/opt/cni/bin", "/usr/lib/cni"]);

        Assert.Equal(["bandwidth", "portmap", "bridge"], calls.Select(c => c.PluginType));
        var stdin = calls.Select(c => JsonDocument.Parse(c.Stdin).RootElement).ToList();
        Assert.All(stdin, s => Assert.Equal("brnet", s.GetProperty("name").GetString()));
        Assert.All(stdin, s => Assert.Equal("1.0.0", s.GetProperty("cniVersion").GetString()));
        Assert.All(stdin, s => Assert.Equal("10.77.2.5/24", s.GetProperty("prevResult").GetProperty("ips")[0].GetProperty("address").GetString()));
        Assert.Equal(1000, stdin[0].GetProperty("runtimeConfig").GetProperty("bandwidth").GetProperty("ingressRate").GetInt32());
        Assert.False(stdin[0].GetProperty("runtimeConfig").TryGetProperty("portMappings", out _));
        Assert.Equal(8080, stdin[1].GetProperty("runtimeConfig").GetProperty("portMappings")[0].GetProperty("hostPort").GetInt32());
        Assert.False(stdin[2].TryGetProperty("runtimeConfig", out _));
        Assert.Equal("cni-br0", stdin[2].GetProperty("bridge").GetString()); // the plugin's own config is kept

        var env = calls[0].Environment.ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal("DEL", env["CNI_COMMAND"]);
        Assert.Equal("abc", env["CNI_CONTAINERID"]);
        Assert.Equal("/run/netns/cni-1", env["CNI_NETNS"]);
        Assert.Equal("eth0", env["CNI_IFNAME"]);
        Assert.Equal("IgnoreUnknown=1;K8S_POD_NAME=cart", env["CNI_ARGS"]);
        Assert.Equal("/opt/cni/bin:/usr/lib/cni", env["CNI_PATH"]);
    }

    [Fact]
    public void A_namespace_that_is_gone_is_an_empty_CNI_NETNS()
    {
        var calls = CniDelPlan.From(Entry(Conflist, null), "", ["/opt/cni/bin"]);

        Assert.All(calls, c => Assert.Equal("", c.Environment.Single(e => e.Key == "CNI_NETNS").Value));
        Assert.All(calls, c => Assert.False(JsonDocument.Parse(c.Stdin).RootElement.TryGetProperty("runtimeConfig", out _)));
    }

    [Theory]
    [InlineData("0.3.1", false)]
    [InlineData("0.4.0", true)]
    [InlineData("1.1.0", true)]
    public void PrevResult_is_passed_from_spec_0_4_0_on_as_libcni_does(string version, bool expected)
    {
        var calls = CniDelPlan.From(Entry(Conflist.Replace("1.0.0", version, StringComparison.Ordinal), null), "", ["/opt/cni/bin"]);

        Assert.All(calls, c => Assert.Equal(expected, JsonDocument.Parse(c.Stdin).RootElement.TryGetProperty("prevResult", out _)));
    }
}
