namespace VethExporter.Runtime;

/// <summary>Which API a runtime socket speaks.</summary>
public enum RuntimeApi
{
    /// <summary>The Docker Engine API: dockerd, and podman's Docker-compatible service.</summary>
    DockerEngine,

    /// <summary>The CRI RuntimeService v1 over gRPC: containerd, CRI-O.</summary>
    Cri,
}

/// <param name="Configured">Named by a flag; a probed default that does not exist is no runtime, a configured one is.</param>
public sealed record RuntimeEndpoint(RuntimeApi Api, string SocketPath, bool Configured)
{
    /// <summary>The runtime's name before it answers, from the socket's path: the answer (/version, Version) wins.</summary>
    public string GuessedName => Api switch
    {
        RuntimeApi.DockerEngine => SocketPath.Contains("podman", StringComparison.Ordinal) ? RuntimeNames.Podman : RuntimeNames.Docker,
        _ => SocketPath.Contains("crio", StringComparison.Ordinal) || SocketPath.Contains("cri-o", StringComparison.Ordinal)
            ? RuntimeNames.CriO : RuntimeNames.Containerd,
    };
}

/// <summary>The runtime names of the contract (§7).</summary>
public static class RuntimeNames
{
    public const string Docker = "docker";
    public const string Podman = "podman";
    public const string Containerd = "containerd";
    public const string CriO = "cri-o";
}

/// <summary>
/// The runtime sockets to ask. Given sockets (<c>--runtime.docker-socket</c>, <c>--runtime.cri-socket</c>, each
/// repeatable, a path or <c>unix:///path</c>) replace the probed defaults; without any, the defaults are asked when
/// they exist.
/// </summary>
public sealed record RuntimeEndpoints(IReadOnlyList<RuntimeEndpoint> Endpoints)
{
    public static readonly IReadOnlyList<string> DefaultDockerSockets = ["/run/docker.sock", "/run/podman/podman.sock"];

    public static readonly IReadOnlyList<string> DefaultCriSockets = ["/run/containerd/containerd.sock", "/run/crio/crio.sock"];

    /// <summary>The probed defaults: asked only when the path exists.</summary>
    public static RuntimeEndpoints Defaults { get; } = new(
        [
            .. DefaultDockerSockets.Select(p => new RuntimeEndpoint(RuntimeApi.DockerEngine, p, Configured: false)),
            .. DefaultCriSockets.Select(p => new RuntimeEndpoint(RuntimeApi.Cri, p, Configured: false)),
        ]);

    /// <summary>
    /// From the flags' values. With none given, the defaults; with any given, exactly those (both kinds: naming
    /// only a CRI socket means no Docker socket is probed either). <c>none</c> names no socket: given alone, no runtime is asked.
    /// </summary>
    /// <exception cref="FormatException">A value that is neither an absolute path nor <c>unix:///path</c>.</exception>
    public static RuntimeEndpoints FromFlags(IReadOnlyCollection<string> dockerSockets, IReadOnlyCollection<string> criSockets)
    {
        if (dockerSockets.Count == 0 && criSockets.Count == 0) return Defaults;
        var endpoints = new List<RuntimeEndpoint>();
        foreach (string value in dockerSockets.Where(v => v != None)) Add(endpoints, new RuntimeEndpoint(RuntimeApi.DockerEngine, ParseSocket(value), Configured: true));
        foreach (string value in criSockets.Where(v => v != None)) Add(endpoints, new RuntimeEndpoint(RuntimeApi.Cri, ParseSocket(value), Configured: true));
        return new RuntimeEndpoints(endpoints);
    }

    /// <summary>The flag value that names no socket (and so turns the probing of defaults off).</summary>
    public const string None = "none";

    private static void Add(List<RuntimeEndpoint> endpoints, RuntimeEndpoint endpoint)
    {
        if (!endpoints.Any(e => e.Api == endpoint.Api && e.SocketPath == endpoint.SocketPath)) endpoints.Add(endpoint);
    }

    /// <summary>A socket flag's value: <c>/path</c> or <c>unix:///path</c> (also <c>unix:/path</c>), to an absolute path.</summary>
    /// <exception cref="FormatException">Anything else: a relative path, another scheme, an empty value, a NUL.</exception>
    public static string ParseSocket(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string path = value;
        if (value.StartsWith("unix://", StringComparison.Ordinal)) path = value["unix://".Length..];
        else if (value.StartsWith("unix:", StringComparison.Ordinal)) path = value["unix:".Length..];
        else if (value.Contains("://", StringComparison.Ordinal))
            throw new FormatException($"runtime socket \"{value}\": only unix sockets are supported (a path or unix:///path)");
        if (path.Length == 0 || path[0] != '/')
            throw new FormatException($"runtime socket \"{value}\": not an absolute path (a path or unix:///path)");
        if (path.Contains('\0', StringComparison.Ordinal))
            throw new FormatException($"runtime socket \"{value}\": contains a NUL byte");
        // A unix socket address holds at most 107 bytes of path.
        if (System.Text.Encoding.UTF8.GetByteCount(path) > 107)
            throw new FormatException($"runtime socket \"{value}\": longer than a unix socket address allows (107 bytes)");
        return path;
    }
}
