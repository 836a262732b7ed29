using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VethExporter.Cni;

namespace VethExporter.Remediation;

/// <summary>One plugin call of a DEL replay: the plugin's type, its stdin and the CNI_* environment.</summary>
public sealed record CniInvocation(string PluginType, byte[] Stdin, IReadOnlyList<KeyValuePair<string, string>> Environment);

/// <summary>
/// A DEL replayed exactly as libcni's DelNetworkList (or DelNetwork for a single config) runs it from its
/// cache (pkg/libcni/api.go): plugins in reverse order; each gets its own config object with the list's
/// <c>name</c> and <c>cniVersion</c>, <c>prevResult</c> = the cached result (from spec 0.4.0 on, as libcni
/// does), and <c>runtimeConfig</c> = the cached capability args the plugin declares in its
/// <c>capabilities</c>; CNI_ARGS is the cached args joined as <c>K=V;K=V</c>. Pure.
/// </summary>
public static class CniDelPlan
{
    private static readonly Version PrevResultFrom = new(0, 4, 0);

    /// <param name="netns">CNI_NETNS: the pin when the namespace is alive, empty when it is gone.</param>
    /// <param name="pluginDirs">CNI_PATH: where the plugins (and those they call, such as host-local) are found.</param>
    public static List<CniInvocation> From(CniCacheEntry entry, string netns, IReadOnlyList<string> pluginDirs)
    {
        var config = entry.Config;
        bool withPrevResult = entry.ResultJson is not null && AtLeast(config.CniVersion, PrevResultFrom);
        var capabilityArgs = entry.CapabilityArgsJson is null ? null : JsonNode.Parse(entry.CapabilityArgsJson) as JsonObject;
        var environment = new List<KeyValuePair<string, string>>
        {
            new("CNI_COMMAND", "DEL"),
            new("CNI_CONTAINERID", entry.ContainerId),
            new("CNI_NETNS", netns),
            new("CNI_IFNAME", entry.IfName),
            new("CNI_ARGS", string.Join(';', entry.CniArgs.Select(a => $"{a.Key}={a.Value}"))),
            new("CNI_PATH", string.Join(':', pluginDirs)),
        };

        var invocations = new List<CniInvocation>(config.Plugins.Count);
        for (int i = config.Plugins.Count - 1; i >= 0; i--)
        {
            var plugin = config.Plugins[i];
            var stdin = JsonNode.Parse(plugin.Json) as JsonObject
                ?? throw new FormatException($"plugin {plugin.Type}: its config is not an object");
            stdin["name"] = config.Name;
            if (config.CniVersion is not null) stdin["cniVersion"] = config.CniVersion;
            if (withPrevResult) stdin["prevResult"] = JsonNode.Parse(entry.ResultJson!);
            var runtimeConfig = new JsonObject();
            foreach (string capability in plugin.Capabilities)
            {
                if (capabilityArgs?[capability] is { } value) runtimeConfig[capability] = value.DeepClone();
            }
            if (runtimeConfig.Count > 0) stdin["runtimeConfig"] = runtimeConfig;
            invocations.Add(new CniInvocation(plugin.Type, Encoding.UTF8.GetBytes(stdin.ToJsonString(Compact)), environment));
        }
        return invocations;
    }

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>libcni compares spec versions numerically; an absent or unreadable one counts as older.</summary>
    private static bool AtLeast(string? version, Version minimum) =>
        version is not null && Version.TryParse(version, out var v) && v >= minimum;
}
