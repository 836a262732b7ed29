using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// Plays a container runtime that calls the real CNI plugins as libcni does, inside a fake host: ADD runs
/// a conflist's plugins in order (each with the list's name and cniVersion, the previous result as
/// prevResult, runtimeConfig holding only the capabilities it declares), and the cache file is written
/// as libcni's cacheAdd writes it (pkg/libcni/api.go: kind cniCacheV1, config as the conflist's bytes,
/// cniArgs pairs, capabilityArgs, result) under <c>&lt;cache&gt;/results/&lt;network&gt;-&lt;id&gt;-&lt;ifName&gt;</c>.
/// Host-local data, the cache and the configs live in a temp dir removed on dispose; the fake host's
/// namespace takes the links and every chain with it.
/// </summary>
public sealed class CniRuntime : IDisposable
{
    public const string PluginDir = "/usr/lib/cni";
    private readonly FakeHost _host;
    private int _containers;

    public CniRuntime(FakeHost host)
    {
        Skip.IfNot(File.Exists(Path.Combine(PluginDir, "bridge")), "needs the CNI plugins (Debian package containernetworking-plugins)");
        _host = host;
        Root = Directory.CreateTempSubdirectory("vxt-cni-").FullName;
        Directory.CreateDirectory(Path.Combine(CacheDir, "results"));
        Directory.CreateDirectory(NetworksDir);
        host.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1");
    }

    public string Root { get; }

    public string CacheDir => Path.Combine(Root, "cache");

    public string NetworksDir => Path.Combine(Root, "networks");

    /// <summary>Flags that point the exporter at this runtime's files and plugins.</summary>
    public string[] ExporterFlags => ["--path.cni-cache", CacheDir, "--path.cni-networks", NetworksDir, "--path.cni-bin", PluginDir];

    /// <summary>ptp with host-local and masquerade: the ptp plugin puts a /32 of the gateway on the host veth.</summary>
    public static string Ptp(string name, string subnet) => $$$"""
        {"cniVersion":"1.0.0","name":"{{{name}}}","plugins":[
          {"type":"ptp","ipMasq":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"{{{subnet}}}"}]]}}]}
        """;

    /// <summary>bridge with masquerade and host-local, portmap and bandwidth (an ifb and tbf qdiscs).</summary>
    public static string BridgePortmapBandwidth(string name, string bridge, string subnet) => $$$"""
        {"cniVersion":"1.0.0","name":"{{{name}}}","plugins":[
          {"type":"bridge","bridge":"{{{bridge}}}","isGateway":true,"ipMasq":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"{{{subnet}}}"}]]}},
          {"type":"portmap","capabilities":{"portMappings":true}},
          {"type":"bandwidth","capabilities":{"bandwidth":true}}]}
        """;

    /// <summary>bridge with the firewall plugin (iptables backend), whose rules name the container's IP.</summary>
    public static string BridgeFirewall(string name, string bridge, string subnet) => $$$"""
        {"cniVersion":"1.0.0","name":"{{{name}}}","plugins":[
          {"type":"bridge","bridge":"{{{bridge}}}","isGateway":true,"ipMasq":true,"ipam":{"type":"host-local","ranges":[[{"subnet":"{{{subnet}}}"}]]}},
          {"type":"firewall","backend":"iptables"}]}
        """;

    public const string PortMappingsAndBandwidth =
        """{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}],"bandwidth":{"ingressRate":1000000,"ingressBurst":100000,"egressRate":2000000,"egressBurst":200000}}""";

    /// <summary>Runs CNI ADD for a new container (its own pinned namespace, optionally a process in it) and caches the result.</summary>
    public CniContainer Add(string conflist, bool withProcess = true, string capabilityArgs = "{}", string pod = "pod")
    {
        var config = JsonNode.Parse(DataDirIn(conflist))!.AsObject();
        string network = config["name"]!.GetValue<string>();
        string id = $"{++_containers:x2}{Guid.NewGuid():N}";
        string ns = _host.AddNamespace($"c{_containers}");
        string netns = $"/run/netns/{ns}";
        var args = new List<(string, string)> { ("IgnoreUnknown", "1"), ("K8S_POD_NAMESPACE", "shop"), ("K8S_POD_NAME", $"{pod}-{_containers}") };
        var capabilities = JsonNode.Parse(capabilityArgs)!.AsObject();
        JsonNode? result = null;
        foreach (var plugin in config["plugins"]!.AsArray())
        {
            var input = Prepared(plugin!.AsObject(), config, result, capabilities);
            result = JsonNode.Parse(RunPlugin("ADD", plugin["type"]!.GetValue<string>(), id, netns, "eth0", args, input));
        }
        byte[] bytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        var cache = new JsonObject
        {
            ["kind"] = "cniCacheV1",
            ["containerId"] = id,
            ["config"] = Convert.ToBase64String(bytes),
            ["ifName"] = "eth0",
            ["networkName"] = network,
            ["netns"] = netns,
            ["cniArgs"] = new JsonArray(args.Select(a => (JsonNode)new JsonArray(a.Item1, a.Item2)).ToArray()),
            ["capabilityArgs"] = capabilities.DeepClone(),
            ["result"] = result!.DeepClone(),
        };
        string cacheFile = Path.Combine(CacheDir, "results", $"{network}-{id}-eth0");
        File.WriteAllText(cacheFile, cache.ToJsonString());
        var holder = withProcess ? _host.StartContainerProcess(ns) : null;
        var hostVeth = result!["interfaces"]!.AsArray().First(i => i!["sandbox"] is null && i["name"]!.GetValue<string>().StartsWith("veth", StringComparison.Ordinal))!;
        var ip = result["ips"]!.AsArray()[0]!["address"]!.GetValue<string>().Split('/')[0];
        return new CniContainer(id, network, ns, netns, hostVeth["name"]!.GetValue<string>(), ip, cacheFile, holder, config.ToJsonString(), result.ToJsonString());
    }

    /// <summary>A proper DEL, as libcni's DelNetworkList: reverse order, prevResult = the cached result; then the cache file goes.</summary>
    public void Delete(CniContainer container, string capabilityArgs = "{}")
    {
        var config = JsonNode.Parse(container.Config)!.AsObject();
        var plugins = config["plugins"]!.AsArray().Reverse().ToList();
        var capabilities = JsonNode.Parse(capabilityArgs)!.AsObject();
        foreach (var plugin in plugins)
        {
            var input = Prepared(plugin!.AsObject(), config, JsonNode.Parse(container.Result), capabilities);
            RunPlugin("DEL", plugin["type"]!.GetValue<string>(), container.Id, container.NetnsPath, "eth0",
                [("IgnoreUnknown", "1")], input);
        }
        File.Delete(container.CacheFile);
    }

    /// <summary>The leak of a killed container whose runtime never ran DEL: the process dies, the pin stays.</summary>
    public static void Kill(CniContainer container)
    {
        container.Holder?.Kill();
        container.Holder?.WaitForExit();
    }

    /// <summary>The stealth leak: the process dies and the pin goes too, so the kernel tears the namespace and its veth down.</summary>
    public void KillAndUnpin(CniContainer container)
    {
        Kill(container);
        _host.DeleteNamespace(container.Namespace);
    }

    public string[] Leases(string network) =>
        Directory.Exists(Path.Combine(NetworksDir, network))
            ? Directory.GetFiles(Path.Combine(NetworksDir, network)).Select(f => Path.GetFileName(f))
                .Where(n => n != "lock" && !n.StartsWith("last_reserved_ip", StringComparison.Ordinal)).ToArray()
            : [];

    /// <summary>Both iptables backends' rules in the fake host, as one text.</summary>
    public string Rules() => _host.Exec("iptables-save") + _host.Exec("sh", "-c", "iptables-legacy-save 2>/dev/null || true");

    private string DataDirIn(string conflist) =>
        JsonNode.Parse(conflist)!.AsObject() is var config && config["plugins"]!.AsArray().Select(p => p!["ipam"]).OfType<JsonObject>().ToList() is var ipams
            ? Rewrite(config, ipams)
            : conflist;

    private string Rewrite(JsonObject config, List<JsonObject> ipams)
    {
        foreach (var ipam in ipams) ipam["dataDir"] = NetworksDir;
        return config.ToJsonString();
    }

    private static string Prepared(JsonObject plugin, JsonObject config, JsonNode? prevResult, JsonObject capabilities)
    {
        var input = plugin.DeepClone().AsObject();
        input["name"] = config["name"]!.GetValue<string>();
        input["cniVersion"] = config["cniVersion"]!.GetValue<string>();
        if (prevResult is not null) input["prevResult"] = prevResult.DeepClone();
        var runtime = new JsonObject();
        if (plugin["capabilities"] is JsonObject declared)
        {
            foreach (var (name, on) in declared)
            {
                if (on?.GetValue<bool>() == true && capabilities[name] is { } value) runtime[name] = value.DeepClone();
            }
        }
        if (runtime.Count > 0) input["runtimeConfig"] = runtime;
        return input.ToJsonString();
    }

    private string RunPlugin(string command, string type, string id, string netns, string ifName, List<(string Key, string Value)> args, string stdin)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["netns", "exec", _host.Name, Path.Combine(PluginDir, type)]) start.ArgumentList.Add(a);
        start.Environment["CNI_COMMAND"] = command;
        start.Environment["CNI_CONTAINERID"] = id;
        start.Environment["CNI_NETNS"] = netns;
        start.Environment["CNI_IFNAME"] = ifName;
        start.Environment["CNI_ARGS"] = string.Join(';', args.Select(a => $"{a.Key}={a.Value}"));
        start.Environment["CNI_PATH"] = PluginDir;
        using var process = Process.Start(start)!;
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(true);
            throw new InvalidOperationException($"CNI {command} {type} hung");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"CNI {command} {type} exited {process.ExitCode}: {output.Result} {error.Result}");
        return output.Result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <param name="Holder">The container's process, or null for a pod that never had one.</param>
public sealed record CniContainer(string Id, string Network, string Namespace, string NetnsPath, string HostVeth, string Ip, string CacheFile,
    Process? Holder, string Config, string Result);
