using VethExporter.Classification;
using VethExporter.HostInventory;

namespace VethExporter.Scanning;

/// <summary>One completed scan: the kernel facts, the verdicts drawn from them, and what could not be seen.</summary>
public sealed record ScanResult(
    DateTimeOffset ScannedAt,
    TimeSpan Duration,
    HostInventorySnapshot Inventory,
    IReadOnlyList<VethVerdict> Verdicts,
    IReadOnlyList<string> Limitations)
{
    public bool HostViewComplete => Inventory.HostViewComplete;
}
