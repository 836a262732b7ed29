namespace VethExporter.Tracking;

/// <summary>
/// The value of the `bridge` label (ARCHITECTURE §4). Prometheus cannot tell an empty label from a
/// missing one, so a veth without a master is reported under an explicit "none".
/// </summary>
public static class BridgeLabel
{
    public const string None = "none";

    public static string Of(string? bridge) => string.IsNullOrEmpty(bridge) ? None : bridge;
}

/// <summary>The label pair of veth_orphans_detected_total: a bridge label value and an orphan reason.</summary>
public readonly record struct BridgeReason(string Bridge, string Reason);
