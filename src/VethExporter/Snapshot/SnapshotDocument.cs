namespace VethExporter.Snapshot;

/// <summary>The snapshot JSON of `scan --output json` and GET /api/v1/orphans (ARCHITECTURE §4).</summary>
public sealed record SnapshotDocument(
    DateTimeOffset ScannedAt,
    double ScanDurationSeconds,
    bool HostViewComplete,
    IReadOnlyList<string> Limitations,
    IReadOnlyList<InterfaceDocument> Interfaces,
    IReadOnlyList<NamespaceDocument> Namespaces,
    IReadOnlyList<AttachmentDocument> Attachments,
    IReadOnlyList<RuntimeStatusDocument> Runtimes);

/// <summary>How one runtime socket answered the scan (ARCHITECTURE §7): <c>up</c> as veth_exporter_runtime_up says it.</summary>
public sealed record RuntimeStatusDocument(string Name, string Socket, bool Up, string? Version, string? Error);

public sealed record InterfaceDocument(
    string Name,
    int Ifindex,
    string Mac,
    string OperState,
    string? Bridge,
    string State,
    string Reason,
    PeerDocument Peer,
    DateTimeOffset? FirstSeen,
    double? AgeSeconds,
    bool Deletable,
    IReadOnlyList<string> Blockers,
    AttachmentKeyDocument? Attachment,
    RuntimeDocument? Runtime);

/// <summary>Which CNI attachment a veth belongs to (ARCHITECTURE §6).</summary>
public sealed record AttachmentKeyDocument(string Network, string ContainerId, string IfName);

/// <summary>
/// One CNI attachment (ARCHITECTURE §6): what a CNI ADD left behind, joined to the kernel facts.
/// <paramref name="Runtime"/>: the runtime sandbox that claims it (§7), or null.
/// </summary>
public sealed record AttachmentDocument(
    string Network,
    string ContainerId,
    string IfName,
    string State,
    string Reason,
    string? Netns,
    ulong? NetnsInode,
    string? HostInterface,
    IReadOnlyList<string> Ips,
    PodDocument? Pod,
    RuntimeDocument? Runtime,
    IReadOnlyList<string> Leases,
    IReadOnlyList<string> FirewallChains,
    IReadOnlyList<string> IfbDevices,
    string? CacheFile,
    DateTimeOffset? FirstSeen,
    double? AgeSeconds,
    bool Deletable,
    IReadOnlyList<string> Blockers);

public sealed record PodDocument(string Namespace, string Name);

/// <summary>
/// The runtime that owns the sandbox (ARCHITECTURE §7): for Docker and podman the container (its full id and name), for
/// CRI runtimes the pod sandbox (its id, and the pod's namespace and name from the sandbox metadata).
/// </summary>
public sealed record RuntimeDocument(string Name, string SandboxId, string? ContainerName, string State, string? PodNamespace, string? PodName)
{
    public static RuntimeDocument? Of(Runtime.RuntimeSandbox? sandbox) => sandbox is null ? null
        : new(sandbox.Runtime, sandbox.SandboxId, sandbox.ContainerName, sandbox.State, sandbox.PodNamespace, sandbox.PodName);
}

public sealed record PeerDocument(int? Ifindex, int? NetnsId, ulong? NetnsInode, HoldersDocument Holders);

public sealed record HoldersDocument(IReadOnlyList<int> Processes, IReadOnlyList<string> Mounts, IReadOnlyList<int> Fds);

/// <summary>A network namespace other than the scanned one, and what keeps it alive (at most 16 processes listed).</summary>
public sealed record NamespaceDocument(
    ulong? Inode,
    int? NetnsId,
    int ProcessCount,
    IReadOnlyList<ProcessDocument> Processes,
    IReadOnlyList<string> Mounts,
    IReadOnlyList<int> Fds,
    bool PinnedWithoutProcess,
    int VethPeers);

/// <summary>A holder process and its state letter (R, S, D, T…): stopped and D-state tasks still hold.</summary>
public sealed record ProcessDocument(int Pid, string State);
