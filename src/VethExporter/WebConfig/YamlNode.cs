namespace VethExporter.WebConfig;

/// <summary>A node of the small YAML subset the web configuration uses: a scalar or a mapping.</summary>
public abstract record YamlNode(int Line);
