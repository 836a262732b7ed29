using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace VethExporter.Cni;

/// <summary>
/// Parses a CNI network configuration as libcni loads it: a conflist (<c>name</c>, <c>cniVersion</c>,
/// <c>plugins</c>) or a single plugin's config (a list of one). For host-local IPAM it reads
/// <c>dataDir</c>, the <c>ranges</c> range sets and the legacy top-level <c>subnet</c>/<c>rangeStart</c>/
/// <c>rangeEnd</c>/<c>gateway</c> form, which host-local puts first as a range set of its own.
/// </summary>
public static class CniConfigParser
{
    public static bool TryParse(byte[] bytes, [NotNullWhen(true)] out CniNetworkConfig? config, out string? error)
    {
        config = null;
        try
        {
            using var document = JsonDocument.Parse(bytes, CniJson.Options);
            return TryParse(document.RootElement, bytes, out config, out error);
        }
        catch (JsonException e)
        {
            error = $"not valid JSON: {e.Message}";
            return false;
        }
    }

    internal static bool TryParse(JsonElement root, byte[] bytes, [NotNullWhen(true)] out CniNetworkConfig? config, out string? error)
    {
        config = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"the config is {CniJson.Describe(root)}, not an object";
            return false;
        }
        if (!CniJson.TryRequiredString(root, "name", out string name, out error)
            || !CniJson.TryOptionalString(root, "cniVersion", out string? version, out error)) return false;

        var plugins = new List<CniPluginConfig>();
        if (root.TryGetProperty("plugins", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                error = $"\"plugins\" is {CniJson.Describe(list)}, not an array";
                return false;
            }
            int i = 0;
            foreach (var element in list.EnumerateArray())
            {
                if (!TryParsePlugin(element, out var plugin, out error))
                {
                    error = $"plugins[{i}]: {error}";
                    return false;
                }
                plugins.Add(plugin);
                i++;
            }
            if (plugins.Count == 0)
            {
                error = "\"plugins\" is empty";
                return false;
            }
        }
        else
        {
            if (!TryParsePlugin(root, out var plugin, out error)) return false;
            plugins.Add(plugin);
        }
        config = new CniNetworkConfig(name, version, plugins, bytes);
        return true;
    }

    private static bool TryParsePlugin(JsonElement element, [NotNullWhen(true)] out CniPluginConfig? plugin, out string? error)
    {
        plugin = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = $"a plugin is {CniJson.Describe(element)}, not an object";
            return false;
        }
        if (!CniJson.TryRequiredString(element, "type", out string type, out error)) return false;

        var capabilities = new List<string>();
        if (element.TryGetProperty("capabilities", out var caps) && caps.ValueKind != JsonValueKind.Null)
        {
            if (caps.ValueKind != JsonValueKind.Object)
            {
                error = $"\"capabilities\" is {CniJson.Describe(caps)}, not an object";
                return false;
            }
            // libcni passes a capability only when the plugin declares it true.
            foreach (var capability in caps.EnumerateObject())
                if (capability.Value.ValueKind == JsonValueKind.True) capabilities.Add(capability.Name);
        }

        HostLocalIpam? hostLocal = null;
        if (element.TryGetProperty("ipam", out var ipam) && ipam.ValueKind != JsonValueKind.Null)
        {
            if (ipam.ValueKind != JsonValueKind.Object)
            {
                error = $"\"ipam\" is {CniJson.Describe(ipam)}, not an object";
                return false;
            }
            if (!CniJson.TryOptionalString(ipam, "type", out string? ipamType, out error))
            {
                error = $"ipam: {error}";
                return false;
            }
            if (ipamType == "host-local" && !TryParseHostLocal(ipam, out hostLocal, out error))
            {
                error = $"ipam: {error}";
                return false;
            }
        }
        plugin = new CniPluginConfig(type, element.GetRawText(), capabilities, hostLocal);
        return true;
    }

    private static bool TryParseHostLocal(JsonElement ipam, [NotNullWhen(true)] out HostLocalIpam? hostLocal, out string? error)
    {
        hostLocal = null;
        if (!CniJson.TryOptionalString(ipam, "dataDir", out string? dataDir, out error)) return false;
        var sets = new List<IReadOnlyList<CniIpRange>>();

        // host-local's legacy form: the range fields on ipam itself, used as the first range set.
        if (ipam.TryGetProperty("subnet", out var subnet) && subnet.ValueKind != JsonValueKind.Null)
        {
            if (!TryParseRange(ipam, out var range, out error)) return false;
            sets.Add([range]);
        }
        if (ipam.TryGetProperty("ranges", out var ranges) && ranges.ValueKind != JsonValueKind.Null)
        {
            if (ranges.ValueKind != JsonValueKind.Array)
            {
                error = $"\"ranges\" is {CniJson.Describe(ranges)}, not an array";
                return false;
            }
            int i = 0;
            foreach (var set in ranges.EnumerateArray())
            {
                if (set.ValueKind != JsonValueKind.Array)
                {
                    error = $"ranges[{i}] is {CniJson.Describe(set)}, not an array";
                    return false;
                }
                var list = new List<CniIpRange>();
                int j = 0;
                foreach (var element in set.EnumerateArray())
                {
                    if (element.ValueKind != JsonValueKind.Object)
                    {
                        error = $"ranges[{i}][{j}] is {CniJson.Describe(element)}, not an object";
                        return false;
                    }
                    if (!TryParseRange(element, out var range, out error))
                    {
                        error = $"ranges[{i}][{j}]: {error}";
                        return false;
                    }
                    list.Add(range);
                    j++;
                }
                sets.Add(list);
                i++;
            }
        }
        hostLocal = new HostLocalIpam(dataDir, sets);
        return true;
    }

    private static bool TryParseRange(JsonElement element, [NotNullWhen(true)] out CniIpRange? range, out string? error)
    {
        range = null;
        if (!CniJson.TryRequiredString(element, "subnet", out string subnet, out error)
            || !CniJson.TryOptionalString(element, "rangeStart", out string? start, out error)
            || !CniJson.TryOptionalString(element, "rangeEnd", out string? end, out error)
            || !CniJson.TryOptionalString(element, "gateway", out string? gateway, out error)) return false;
        range = new CniIpRange(subnet, start, end, gateway);
        return true;
    }
}
