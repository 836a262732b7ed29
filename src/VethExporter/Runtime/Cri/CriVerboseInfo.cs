using System.Text.Json;

namespace VethExporter.Runtime.Cri;

/// <summary>
/// What a verbose PodSandboxStatus's info adds: containerd and CRI-O put a JSON object under the key
/// <c>info</c> with the sandbox's <c>pid</c> and its OCI <c>runtimeSpec</c>, whose
/// <c>linux.namespaces[type=network].path</c> is the netns pin.
/// </summary>
public static class CriVerboseInfo
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>The netns path and pid, each null when not said.</summary>
    /// <exception cref="Runtime.RuntimeAnswerException">An <c>info</c> that is not JSON, or a mistyped pid or path.</exception>
    public static (string? NetnsPath, int? Pid) Parse(IReadOnlyDictionary<string, string> info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (!info.TryGetValue("info", out string? json)) return (null, null);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new RuntimeAnswerException($"PodSandboxStatus info: not JSON ({e.Message})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new RuntimeAnswerException("PodSandboxStatus info: not a JSON object");
            int? pid = null;
            if (root.TryGetProperty("pid", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out int value) || value < 0)
                    throw new RuntimeAnswerException("PodSandboxStatus info: pid is not a pid");
                pid = value == 0 ? null : value;
            }
            string? netns = null;
            if (root.TryGetProperty("runtimeSpec", out var spec) && spec.ValueKind == JsonValueKind.Object
                && spec.TryGetProperty("linux", out var linux) && linux.ValueKind == JsonValueKind.Object
                && linux.TryGetProperty("namespaces", out var namespaces) && namespaces.ValueKind == JsonValueKind.Array)
            {
                foreach (var ns in namespaces.EnumerateArray())
                {
                    if (ns.ValueKind != JsonValueKind.Object || !ns.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                        || type.GetString() != "network") continue;
                    if (ns.TryGetProperty("path", out var path))
                    {
                        if (path.ValueKind != JsonValueKind.String) throw new RuntimeAnswerException("PodSandboxStatus info: the network namespace path is not a string");
                        string value = path.GetString()!;
                        if (value.Length > 0 && value[0] != '/') throw new RuntimeAnswerException("PodSandboxStatus info: the network namespace path is not absolute");
                        netns = value.Length == 0 ? null : value;
                    }
                }
            }
            return (netns, pid);
        }
    }
}
