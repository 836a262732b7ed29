using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace VethExporter.Cni;

/// <summary>
/// Parses one libcni cache file (libcni's <c>cachedInfo</c>, kind <c>cniCacheV1</c>): <c>containerId</c>,
/// <c>config</c> (Go <c>[]byte</c>, so a base64 string of the conflist or single config), <c>ifName</c>,
/// <c>networkName</c>, <c>cniArgs</c> (<c>[[key, value], …]</c>), <c>capabilityArgs</c> and <c>result</c>.
/// libcni before 1.2 (podman 4.3, containerd 1.6) writes no <c>netns</c>: the netns is then the
/// <c>sandbox</c> of the result's interface named <c>ifName</c>.
/// </summary>
public static class CniCacheParser
{
    public const string KindV1 = "cniCacheV1";

    /// <param name="path">The cache file; its name must be <c>&lt;networkName&gt;-&lt;containerId&gt;-&lt;ifName&gt;</c>, as libcni looks it up.</param>
    public static bool TryParse(string path, byte[] bytes, DateTimeOffset modified, [NotNullWhen(true)] out CniCacheEntry? entry, out string? error)
    {
        entry = null;
        try
        {
            using var document = JsonDocument.Parse(bytes, CniJson.Options);
            return TryParse(path, document.RootElement, modified, out entry, out error);
        }
        catch (JsonException e)
        {
            error = $"not valid JSON: {e.Message}";
            return false;
        }
    }

    private static bool TryParse(string path, JsonElement root, DateTimeOffset modified, [NotNullWhen(true)] out CniCacheEntry? entry, out string? error)
    {
        entry = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = $"the cache file is {CniJson.Describe(root)}, not an object";
            return false;
        }
        if (!CniJson.TryOptionalString(root, "kind", out string? kind, out error)) return false;
        if (kind != KindV1)
        {
            error = kind is null ? "no \"kind\": not a libcni cache file" : $"kind \"{kind}\" is not {KindV1}";
            return false;
        }
        if (!CniJson.TryRequiredString(root, "containerId", out string containerId, out error)
            || !CniJson.TryRequiredString(root, "ifName", out string ifName, out error)
            || !CniJson.TryRequiredString(root, "networkName", out string network, out error)
            || !CniJson.TryOptionalString(root, "netns", out string? netns, out error)) return false;

        string expectedName = $"{network}-{containerId}-{ifName}";
        if (Path.GetFileName(path) != expectedName)
        {
            error = $"the file's name is not {expectedName}, which libcni would look it up by";
            return false;
        }

        if (!TryParseConfig(root, out var config, out error)
            || !TryParseArgs(root, out var args, out error)) return false;

        string? capabilityArgs = null;
        if (root.TryGetProperty("capabilityArgs", out var caps) && caps.ValueKind != JsonValueKind.Null)
        {
            if (caps.ValueKind != JsonValueKind.Object)
            {
                error = $"\"capabilityArgs\" is {CniJson.Describe(caps)}, not an object";
                return false;
            }
            capabilityArgs = caps.GetRawText();
        }

        string? resultJson = null;
        var result = CniResult.Empty;
        if (root.TryGetProperty("result", out var raw) && raw.ValueKind != JsonValueKind.Null)
        {
            if (!CniResultParser.TryParse(raw, out result, out error))
            {
                error = $"result: {error}";
                return false;
            }
            resultJson = raw.GetRawText();
        }

        netns ??= result.Interfaces.FirstOrDefault(i => i.Name == ifName && !string.IsNullOrEmpty(i.Sandbox))?.Sandbox;
        entry = new CniCacheEntry(path, containerId, ifName, network, netns, config, args, capabilityArgs, resultJson, result, modified);
        return true;
    }

    private static bool TryParseConfig(JsonElement root, [NotNullWhen(true)] out CniNetworkConfig? config, out string? error)
    {
        config = null;
        if (!root.TryGetProperty("config", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            error = "no \"config\": a DEL could not be replayed";
            return false;
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"\"config\" is {CniJson.Describe(element)}, not a base64 string";
            return false;
        }
        if (!element.TryGetBytesFromBase64(out var bytes))
        {
            error = "\"config\" is not valid base64";
            return false;
        }
        if (!CniConfigParser.TryParse(bytes, out config, out error))
        {
            error = $"config: {error}";
            return false;
        }
        return true;
    }

    private static bool TryParseArgs(JsonElement root, out IReadOnlyList<KeyValuePair<string, string>> args, out string? error)
    {
        args = [];
        error = null;
        if (!root.TryGetProperty("cniArgs", out var element) || element.ValueKind == JsonValueKind.Null) return true;
        if (element.ValueKind != JsonValueKind.Array)
        {
            error = $"\"cniArgs\" is {CniJson.Describe(element)}, not an array";
            return false;
        }
        var list = new List<KeyValuePair<string, string>>();
        int i = 0;
        foreach (var pair in element.EnumerateArray())
        {
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2
                || pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
            {
                error = $"cniArgs[{i}] is not a [key, value] pair of strings";
                return false;
            }
            list.Add(new KeyValuePair<string, string>(pair[0].GetString()!, pair[1].GetString()!));
            i++;
        }
        args = list;
        return true;
    }
}
