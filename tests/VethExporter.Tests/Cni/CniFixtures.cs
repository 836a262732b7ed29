using System.Text;
using System.Text.Json.Nodes;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Cni;

/// <summary>The captures in Fixtures/cni (see its README): their container ids are random per capture, so they are read back from the files.</summary>
internal static class CniFixtures
{
    public static string Dir(string relative) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "cni", relative);

    public static string PodmanCacheFile => Directory.GetFiles(Dir("podman")).Single(f => Path.GetFileName(f).StartsWith("vxcpod", StringComparison.Ordinal));

    /// <summary>The container id host-local recorded for the one lease of a fixture network.</summary>
    public static string ContainerId(string network) =>
        File.ReadAllText(Directory.GetFiles(Dir($"leases/networks/{network}")).Single(f => char.IsDigit(Path.GetFileName(f)[0]) && Path.GetFileName(f).Contains('.'))).Split("\r\n")[0];

    /// <summary>A config template with its data dir filled in, as the capture used it.</summary>
    public static byte[] Config(string name, string dataDir = "/var/lib/vxc-test") =>
        Encoding.UTF8.GetBytes(Fixture.Text($"cni/conf/{name}.in").Replace("@DATADIR@", dataDir, StringComparison.Ordinal));

    /// <summary>
    /// A cache file exactly as libcni's cachedInfo marshals it (config as base64 of the conflist bytes), from
    /// a result the real plugins returned; <paramref name="netns"/> as libcni 1.2+ adds it.
    /// </summary>
    public static JsonObject CacheJson(string network, string containerId, string configName, string resultFixture, string? netns = null)
    {
        var cache = new JsonObject
        {
            ["kind"] = "cniCacheV1",
            ["containerId"] = containerId,
            ["config"] = Convert.ToBase64String(Config(configName)),
            ["ifName"] = "eth0",
            ["networkName"] = network,
        };
        if (netns is not null) cache["netns"] = netns;
        cache["cniArgs"] = new JsonArray(new JsonArray("IgnoreUnknown", "1"), new JsonArray("K8S_POD_NAMESPACE", "fixtures"), new JsonArray("K8S_POD_NAME", "pod-" + containerId));
        cache["capabilityArgs"] = JsonNode.Parse("""{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}],"bandwidth":{"egressRate":2000000,"egressBurst":200000}}""");
        cache["result"] = JsonNode.Parse(Fixture.Text($"cni/results/{resultFixture}"));
        return cache;
    }
}
