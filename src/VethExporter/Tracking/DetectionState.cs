namespace VethExporter.Tracking;

/// <summary>One leak event inside the leak-rate window, in the state file.</summary>
public sealed record DetectionState(string Bridge, string Reason, DateTimeOffset At);
