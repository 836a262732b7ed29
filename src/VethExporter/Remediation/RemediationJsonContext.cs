using System.Text.Json.Serialization;

namespace VethExporter.Remediation;

/// <summary>Source-generated JSON for remediation responses, webhook answers, errors and audit lines.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RemediationResponse))]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(Web.ErrorBody))]
[JsonSerializable(typeof(Web.WebhookAccepted))]
public sealed partial class RemediationJsonContext : JsonSerializerContext;
