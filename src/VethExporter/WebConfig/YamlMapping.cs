namespace VethExporter.WebConfig;

/// <summary>A block mapping, keys unique and in file order.</summary>
public sealed record YamlMapping(IReadOnlyList<KeyValuePair<string, YamlNode>> Entries, int Line) : YamlNode(Line);
