namespace VethExporter.Tracking;

/// <summary>The label pair of veth_orphans_detected_total: a bridge label value and an orphan reason.</summary>
public readonly record struct BridgeReason(string Bridge, string Reason);
