using System.Text.Json;

namespace VethExporter.Runtime;

/// <summary>What <c>GET /version</c> says: which engine answers, and its version.</summary>
/// <param name="Name"><c>podman</c> when a component is "Podman Engine" (podman's compatible service), else <c>docker</c>.</param>
public sealed record DockerVersion(string Name, string? Version, string? ApiVersion);

/// <summary>One entry of <c>GET /containers/json?all=1</c>.</summary>
public sealed record DockerListedContainer(string Id, string? Name, string State);

/// <summary>What <c>GET /containers/{id}/json</c> says of a container.</summary>
public sealed record DockerContainer(
    string Id,
    string? Name,
    string Status,
    bool Running,
    int? Pid,
    string? SandboxKey,
    string? PodNamespace,
    string? PodName);

/// <summary>
/// The Docker Engine API's answers, parsed with JsonDocument (no reflection), strictly: a missing or mistyped
/// field we rely on is a <see cref="RuntimeAnswerException"/>, never a guess.
/// </summary>
public static class DockerJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    public static DockerVersion ParseVersion(ReadOnlyMemory<byte> body)
    {
        using var doc = Parse(body, "/version");
        var root = RequireObject(doc.RootElement, "/version");
        string? version = OptionalString(root, "Version", "/version");
        string? api = OptionalString(root, "ApiVersion", "/version");
        bool podman = false;
        if (root.TryGetProperty("Components", out var components) && components.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in components.EnumerateArray())
            {
                if (c.ValueKind == JsonValueKind.Object && c.TryGetProperty("Name", out var n) && n.ValueKind == JsonValueKind.String
                    && n.GetString()!.Contains("Podman", StringComparison.OrdinalIgnoreCase))
                {
                    podman = true;
                    if (c.TryGetProperty("Version", out var v) && v.ValueKind == JsonValueKind.String) version = v.GetString();
                }
            }
        }
        return new DockerVersion(podman ? RuntimeNames.Podman : RuntimeNames.Docker, version, api);
    }

    /// <exception cref="RuntimeAnswerException">Not an array of containers with an Id and a State, or more than <paramref name="maxCount"/>.</exception>
    public static List<DockerListedContainer> ParseList(ReadOnlyMemory<byte> body, int maxCount)
    {
        const string what = "/containers/json";
        using var doc = Parse(body, what);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new RuntimeAnswerException($"{what}: not a JSON array but {doc.RootElement.ValueKind}");
        int count = doc.RootElement.GetArrayLength();
        if (count > maxCount) throw new RuntimeAnswerException($"{what}: {count} containers, more than the {maxCount} we read");
        var list = new List<DockerListedContainer>(count);
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var c = RequireObject(item, what);
            string id = RequireId(c, what);
            string state = RequireString(c, "State", what);
            string? name = null;
            if (c.TryGetProperty("Names", out var names) && names.ValueKind == JsonValueKind.Array)
            {
                foreach (var n in names.EnumerateArray())
                {
                    if (n.ValueKind == JsonValueKind.String) { name = TrimSlash(n.GetString()); break; }
                }
            }
            list.Add(new DockerListedContainer(id, name, state));
        }
        return list;
    }

    /// <exception cref="RuntimeAnswerException">Not a container with Id, State.Status and State.Running.</exception>
    public static DockerContainer ParseInspect(ReadOnlyMemory<byte> body)
    {
        const string what = "/containers/{id}/json";
        using var doc = Parse(body, what);
        var root = RequireObject(doc.RootElement, what);
        string id = RequireId(root, what);
        if (!root.TryGetProperty("State", out var stateElement)) throw new RuntimeAnswerException($"{what}: no State");
        var state = RequireObject(stateElement, what + " State");
        string status = RequireString(state, "Status", what + " State");
        if (!state.TryGetProperty("Running", out var running) || running.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            throw new RuntimeAnswerException($"{what}: State.Running is not a boolean");
        int? pid = null;
        if (state.TryGetProperty("Pid", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out int value) || value < 0)
                throw new RuntimeAnswerException($"{what}: State.Pid is not a pid");
            pid = value == 0 ? null : value;
        }
        string? sandboxKey = null;
        if (root.TryGetProperty("NetworkSettings", out var net) && net.ValueKind == JsonValueKind.Object)
        {
            sandboxKey = OptionalString(net, "SandboxKey", what + " NetworkSettings");
            if (sandboxKey is { Length: 0 }) sandboxKey = null;
            if (sandboxKey is not null && sandboxKey[0] != '/') throw new RuntimeAnswerException($"{what}: NetworkSettings.SandboxKey is not an absolute path");
        }
        string? podNamespace = null, podName = null;
        if (root.TryGetProperty("Config", out var config) && config.ValueKind == JsonValueKind.Object
            && config.TryGetProperty("Labels", out var labels) && labels.ValueKind == JsonValueKind.Object)
        {
            // Kubernetes through dockershim / cri-dockerd labels its containers with the pod.
            podNamespace = OptionalString(labels, "io.kubernetes.pod.namespace", what + " Labels");
            podName = OptionalString(labels, "io.kubernetes.pod.name", what + " Labels");
        }
        return new DockerContainer(id, TrimSlash(OptionalString(root, "Name", what)), status, running.GetBoolean(), pid, sandboxKey, podNamespace, podName);
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> body, string what)
    {
        try
        {
            return JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            throw new RuntimeAnswerException($"{what}: not JSON ({e.Message})", e);
        }
    }

    private static JsonElement RequireObject(JsonElement e, string what) =>
        e.ValueKind == JsonValueKind.Object ? e : throw new RuntimeAnswerException($"{what}: expected an object, not {e.ValueKind}");

    private static string RequireString(JsonElement o, string name, string what) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new RuntimeAnswerException($"{what}: {name} is missing or not a string");

    private static string? OptionalString(JsonElement o, string name, string what)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new RuntimeAnswerException($"{what}: {name} is not a string");
    }

    /// <summary>A full container id: 64 lowercase hex digits (Docker and podman alike).</summary>
    private static string RequireId(JsonElement o, string what)
    {
        string id = RequireString(o, "Id", what);
        if (!IsContainerId(id)) throw new RuntimeAnswerException($"{what}: Id \"{Shorten(id)}\" is not a full container id");
        return id;
    }

    public static bool IsContainerId(string id) => id.Length == 64 && id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private static string? TrimSlash(string? name) => name is { Length: > 0 } && name[0] == '/' ? name[1..] : name;

    internal static string Shorten(string s, int max = 160) => s.Length <= max ? s : s[..max] + "…";
}
