using System.Text.Json.Serialization;

namespace VethExporter.Tracking;

/// <summary>
/// Source-generated JSON for the state file (trim- and AOT-safe). Nullable annotations and required
/// constructor parameters are enforced, so a file with a missing or null field is refused as corrupt
/// instead of being half-loaded.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(TrackerState))]
public sealed partial class TrackerStateJsonContext : JsonSerializerContext;
