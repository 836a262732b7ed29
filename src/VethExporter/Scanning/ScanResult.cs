using VethExporter.Classification;
using VethExporter.Cni;
using VethExporter.HostInventory;
using VethExporter.Runtime;

namespace VethExporter.Scanning;

/// <summary>One completed scan: the kernel facts, the verdicts drawn from them, and what could not be seen.</summary>
public sealed record ScanResult(
    DateTimeOffset ScannedAt,
    TimeSpan Duration,
    HostFacts Inventory,
    IReadOnlyList<VethVerdict> Verdicts,
    IReadOnlyList<string> Limitations)
{
    public bool HostViewComplete => Inventory.HostViewComplete;

    /// <summary>The CNI facts of the scan (empty when CNI paths are not read).</summary>
    public CniInventory Cni { get; init; } = CniInventory.Empty;

    /// <summary>Every CNI attachment, judged; leaked ones carry blockers (history ones once tracked).</summary>
    public IReadOnlyList<AttachmentVerdict> Attachments { get; init; } = [];

    /// <summary>What the runtimes said (empty when none is asked): their sandboxes and each socket's status.</summary>
    public RuntimeInventory Runtime { get; init; } = RuntimeInventory.Empty;
}
