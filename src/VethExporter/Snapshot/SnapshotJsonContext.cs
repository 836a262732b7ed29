using System.Text.Json.Serialization;

namespace VethExporter.Snapshot;

/// <summary>Source-generated JSON (trim- and AOT-safe), camelCase as the contract says.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SnapshotDocument))]
public sealed partial class SnapshotJsonContext : JsonSerializerContext;
