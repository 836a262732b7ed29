namespace VethExporter.WebConfig;

/// <summary>A scalar; Value is null for an empty value, <c>~</c> or <c>null</c>.</summary>
public sealed record YamlScalar(string? Value, int Line) : YamlNode(Line);
