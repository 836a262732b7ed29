namespace VethExporter.Firewall;

/// <summary>A tool found on the search path.</summary>
/// <param name="Chain">The path and every symbolic link target after it, last the real file: it tells which backend the unsuffixed name is.</param>
public sealed record FoundTool(string Name, string Path, IReadOnlyList<string> Chain);
