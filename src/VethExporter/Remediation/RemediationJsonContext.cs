using System.Text.Json.Serialization;

namespace VethExporter.Remediation;

/// <summary>Source-generated JSON for remediation responses and audit lines.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RemediationResponse))]
[JsonSerializable(typeof(AuditRecord))]
public sealed partial class RemediationJsonContext : JsonSerializerContext;
