namespace VethExporter.Tracking;

/// <summary>One veth_orphans_detected_total series, in the state file.</summary>
public sealed record DetectionTotalState(string Bridge, string Reason, long Count);
