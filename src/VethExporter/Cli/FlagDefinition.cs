namespace VethExporter.Cli;

/// <summary>One command-line flag: its name without dashes, whether it takes a value, and its help.</summary>
public sealed record FlagDefinition(string Name, string Help, string? Default = null, bool IsSwitch = false, bool Repeatable = false);
