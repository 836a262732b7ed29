namespace VethExporter.Snapshot;

/// <summary>The snapshot JSON of `scan --output json` and GET /api/v1/orphans (ARCHITECTURE §4).</summary>
public sealed record SnapshotDocument(
    DateTimeOffset ScannedAt,
    double ScanDurationSeconds,
    bool HostViewComplete,
    IReadOnlyList<string> Limitations,
    IReadOnlyList<InterfaceDocument> Interfaces,
    IReadOnlyList<NamespaceDocument> Namespaces);

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
    IReadOnlyList<string> Blockers);

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
