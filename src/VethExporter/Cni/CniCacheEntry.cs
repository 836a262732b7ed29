namespace VethExporter.Cni;

/// <summary>
/// One libcni cache file (<c>&lt;cacheDir&gt;/results/&lt;network&gt;-&lt;containerId&gt;-&lt;ifName&gt;</c>,
/// kind <c>cniCacheV1</c>): what a runtime's CNI ADD left behind, and everything a DEL replay needs.
/// </summary>
/// <param name="Path">The cache file itself.</param>
/// <param name="Netns">The netns path the ADD was given (a pin, or /proc/PID/ns/net): the file's <c>netns</c> (libcni 1.2+), else the <c>sandbox</c> of the result's interface named <c>ifName</c>; null if neither.</param>
/// <param name="Config">The network configuration the ADD used (the conflist, or a single plugin's config).</param>
/// <param name="CniArgs">CNI_ARGS pairs in their recorded order (K8S_POD_NAMESPACE, K8S_POD_NAME, …).</param>
/// <param name="CapabilityArgsJson">The capabilityArgs object as raw JSON (portMappings, bandwidth, …), or null.</param>
/// <param name="ResultJson">The cached result as raw JSON: a DEL replay passes it as prevResult. Null when none was cached.</param>
/// <param name="Modified">The file's modification time: when the ADD finished.</param>
public sealed record CniCacheEntry(
    string Path,
    string ContainerId,
    string IfName,
    string NetworkName,
    string? Netns,
    CniNetworkConfig Config,
    IReadOnlyList<KeyValuePair<string, string>> CniArgs,
    string? CapabilityArgsJson,
    string? ResultJson,
    CniResult Result,
    DateTimeOffset Modified)
{
    public CniAttachmentKey Key => new(NetworkName, ContainerId, IfName);

    /// <summary>The pod the args name (Kubernetes runtimes pass K8S_POD_NAMESPACE and K8S_POD_NAME), or null.</summary>
    public CniPod? Pod =>
        Arg("K8S_POD_NAMESPACE") is { } ns && Arg("K8S_POD_NAME") is { } name ? new CniPod(ns, name) : null;

    private string? Arg(string key) => CniArgs.FirstOrDefault(a => a.Key == key) is { Key: not null } a ? a.Value : null;
}

/// <summary>The identity of one attachment, as libcni keys its cache: network, container, interface in the container.</summary>
public sealed record CniAttachmentKey(string Network, string ContainerId, string IfName);

public sealed record CniPod(string Namespace, string Name);

/// <summary>The parts of a cached CNI result (spec 0.3.0 and later) that tie an attachment to kernel objects.</summary>
public sealed record CniResult(IReadOnlyList<CniResultInterface> Interfaces, IReadOnlyList<CniResultIp> Ips)
{
    public static CniResult Empty { get; } = new([], []);

    /// <summary>Interfaces without a sandbox live in the host namespace: the veth's host end, a bridge, an ifb.</summary>
    public IEnumerable<CniResultInterface> HostInterfaces => Interfaces.Where(i => string.IsNullOrEmpty(i.Sandbox));
}

/// <param name="Sandbox">The netns path for an interface inside the container; empty or null on the host.</param>
public sealed record CniResultInterface(string Name, string? Mac, string? Sandbox);

/// <param name="Address">CIDR form, as the result writes it (<c>10.88.0.5/16</c>).</param>
/// <param name="Interface">Index into <see cref="CniResult.Interfaces"/>, if given.</param>
public sealed record CniResultIp(string Address, string? Gateway, int? Interface);
