using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VethExporter.Cni;

namespace VethExporter.Tests.Cni;

public class CniCacheParserTests
{
    private static readonly DateTimeOffset Modified = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static CniCacheEntry Parse(string path, byte[] bytes)
    {
        Assert.True(CniCacheParser.TryParse(path, bytes, Modified, out var entry, out string? error), error);
        return entry;
    }

    private static string Fails(string path, byte[] bytes)
    {
        Assert.False(CniCacheParser.TryParse(path, bytes, Modified, out _, out string? error));
        Assert.NotNull(error);
        return error;
    }

    private static (string Path, byte[] Bytes) Bridge(Action<JsonObject>? change = null)
    {
        string id = CniFixtures.ContainerId("bridgenet");
        var json = CniFixtures.CacheJson("bridgenet", id, "bridgenet.conflist", "bridge-portmap-bandwidth.json", netns: "/run/netns/cni-1234");
        change?.Invoke(json);
        return ($"/var/lib/cni/results/bridgenet-{id}-eth0", Encoding.UTF8.GetBytes(json.ToJsonString()));
    }

    [Fact]
    public void Podman_cache_file_gives_identity_netns_config_args_and_result()
    {
        string path = CniFixtures.PodmanCacheFile;
        var entry = Parse(path, File.ReadAllBytes(path));
        string name = Path.GetFileName(path);

        Assert.Equal(name, $"{entry.NetworkName}-{entry.ContainerId}-{entry.IfName}");
        Assert.Equal("eth0", entry.IfName);
        Assert.Equal(64, entry.ContainerId.Length);
        // libcni 1.1 writes no netns: it is the sandbox of the result's eth0.
        Assert.StartsWith("/run/netns/netns-", entry.Netns);
        Assert.Equal(entry.Netns, entry.Result.Interfaces.Single(i => i.Name == "eth0").Sandbox);

        Assert.Equal(entry.NetworkName, entry.Config.Name);
        Assert.Equal("0.4.0", entry.Config.CniVersion);
        Assert.Equal(["bridge", "portmap", "firewall", "tuning"], entry.Config.Plugins.Select(p => p.Type));
        Assert.Equal(["ips"], entry.Config.Plugins[0].Capabilities);
        Assert.Equal(["portMappings"], entry.Config.Plugins[1].Capabilities);
        var hostLocal = Assert.IsType<HostLocalIpam>(entry.Config.HostLocal);
        Assert.Null(hostLocal.DataDir);
        Assert.Equal(new CniIpRange("10.77.5.0/24", null, null, "10.77.5.1"), Assert.Single(Assert.Single(hostLocal.RangeSets)));

        Assert.Equal([new("IgnoreUnknown", "1"), new("K8S_POD_NAME", $"ctr-{entry.NetworkName["vxcpod".Length..]}")], entry.CniArgs);
        Assert.Null(entry.Pod);  // podman passes no K8S_POD_NAMESPACE
        using (var caps = JsonDocument.Parse(entry.CapabilityArgsJson!))
            Assert.Equal(8081, caps.RootElement.GetProperty("portMappings")[0].GetProperty("hostPort").GetInt32());
        using (var result = JsonDocument.Parse(entry.ResultJson!))
            Assert.Equal("0.4.0", result.RootElement.GetProperty("cniVersion").GetString());

        var host = entry.Result.HostInterfaces.Select(i => i.Name).ToList();
        Assert.Equal(2, host.Count);
        Assert.Equal("cni-podman1", host[0]);
        Assert.StartsWith("veth", host[1]);
        Assert.All(entry.Result.Interfaces, i => Assert.Matches("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", i.Mac));
        var ip = Assert.Single(entry.Result.Ips);
        Assert.Equal(new CniResultIp("10.77.5.2/24", "10.77.5.1", 2), ip);
        Assert.Equal(Modified, entry.Modified);
        Assert.Same(path, entry.Path);
    }

    [Fact]
    public void Plugin_result_in_libcni_format_keeps_the_netns_field_the_pod_and_the_ifb()
    {
        var (path, bytes) = Bridge();
        var entry = Parse(path, bytes);

        Assert.Equal("/run/netns/cni-1234", entry.Netns);
        Assert.Equal(new CniPod("fixtures", "pod-" + entry.ContainerId), entry.Pod);
        Assert.Equal(["bridge", "portmap", "bandwidth"], entry.Config.Plugins.Select(p => p.Type));
        Assert.Equal(["bandwidth"], entry.Config.Plugins[2].Capabilities);
        string ifb = CniNames.BandwidthIfb("bridgenet", entry.ContainerId);
        Assert.Contains(ifb, entry.Result.HostInterfaces.Select(i => i.Name));
        Assert.Equal(["10.77.2.2/24", "fd77:2::2/64"], entry.Result.Ips.Select(i => i.Address));
        Assert.All(entry.Result.Ips, i => Assert.Equal("eth0", entry.Result.Interfaces[i.Interface!.Value].Name));
        Assert.Equal(CniFixtures.Config("bridgenet.conflist"), entry.Config.Bytes);
    }

    [Fact]
    public void A_cache_without_result_or_capability_args_is_still_an_entry()
    {
        var (path, bytes) = Bridge(j => { j.Remove("result"); j.Remove("capabilityArgs"); j.Remove("cniArgs"); j.Remove("netns"); });
        var entry = Parse(path, bytes);
        Assert.Null(entry.ResultJson);
        Assert.Null(entry.CapabilityArgsJson);
        Assert.Null(entry.Netns);
        Assert.Empty(entry.CniArgs);
        Assert.Empty(entry.Result.Interfaces);
    }

    [Fact]
    public void Truncated_file_is_invalid_json()
    {
        var (path, bytes) = Bridge();
        Assert.StartsWith("not valid JSON", Fails(path, bytes[..(bytes.Length / 2)]));
        Assert.StartsWith("not valid JSON", Fails(path, []));
    }

    [Fact]
    public void Deep_nesting_stops_at_the_depth_limit()
    {
        var (path, _) = Bridge();
        string deep = new string('[', 10_000) + new string(']', 10_000);
        string text = """{"kind":"cniCacheV1","containerId":"x","ifName":"eth0","networkName":"n","capabilityArgs":{"a":""" + deep + "}}";
        string error = Fails(path, Encoding.UTF8.GetBytes(text));
        Assert.Contains("not valid JSON", error);
        Assert.Contains("depth", error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("containerId", "42", "\"containerId\" is a number, not a string")]
    [InlineData("ifName", "\"\"", "\"ifName\" is missing or empty")]
    [InlineData("kind", "\"cniCacheV2\"", "kind \"cniCacheV2\" is not cniCacheV1")]
    [InlineData("config", "\"%%%not base64%%%\"", "\"config\" is not valid base64")]
    [InlineData("config", "{}", "\"config\" is an object, not a base64 string")]
    [InlineData("config", "\"bm90IGpzb24=\"", "config: not valid JSON")]
    [InlineData("config", "\"eyJuYW1lIjoieCJ9\"", "config: \"type\" is missing or empty")]
    [InlineData("cniArgs", "[[\"a\"]]", "cniArgs[0] is not a [key, value] pair of strings")]
    [InlineData("cniArgs", "{\"a\":\"b\"}", "\"cniArgs\" is an object, not an array")]
    [InlineData("capabilityArgs", "[1]", "\"capabilityArgs\" is an array, not an object")]
    [InlineData("result", "\"ok\"", "result: it is a string, not an object")]
    [InlineData("result", "{\"interfaces\":{}}", "result: \"interfaces\" is an object, not an array")]
    [InlineData("result", "{\"interfaces\":[{\"name\":7}]}", "result: interfaces[0]: \"name\" is a number, not a string")]
    [InlineData("result", "{\"interfaces\":[],\"ips\":[{\"address\":\"10.0.0.2/24\",\"interface\":3}]}", "result: ips[0]: \"interface\" is not an index into the 0 interfaces")]
    public void Wrong_types_and_garbage_name_the_field(string field, string json, string expected)
    {
        var (path, bytes) = Bridge(j => j[field] = JsonNode.Parse(json));
        Assert.StartsWith(expected, Fails(path, bytes));
    }

    [Fact]
    public void Not_an_object_or_no_kind_is_not_a_cache_file()
    {
        var (path, _) = Bridge();
        Assert.Equal("the cache file is an array, not an object", Fails(path, "[]"u8.ToArray()));
        Assert.Equal("no \"kind\": not a libcni cache file", Fails(path, "{}"u8.ToArray()));
    }

    [Fact]
    public void A_file_whose_name_libcni_would_not_look_up_is_refused()
    {
        var (path, bytes) = Bridge();
        Assert.Contains("which libcni would look it up by", Fails(path + ".bak", bytes));
    }

    [Fact]
    public void Spec_0_2_result_gives_its_addresses()
    {
        var (path, bytes) = Bridge(j => j["result"] = JsonNode.Parse("""{"cniVersion":"0.2.0","ip4":{"ip":"10.1.0.5/16","gateway":"10.1.0.1"}}"""));
        var entry = Parse(path, bytes);
        Assert.Equal(new CniResultIp("10.1.0.5/16", "10.1.0.1", null), Assert.Single(entry.Result.Ips));
    }
}
