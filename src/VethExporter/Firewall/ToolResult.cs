namespace VethExporter.Firewall;

/// <summary>A listing's standard output, or why there is none to trust.</summary>
public sealed record ToolResult(string Tool, string Output, string? Failure);
