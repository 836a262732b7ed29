using System.Text.Json.Serialization;

namespace VethExporter.Web;

/// <summary>Source-generated JSON for the HTTP layer's own answers: errors and accepted webhooks.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(WebhookAccepted))]
public sealed partial class WebJsonContext : JsonSerializerContext;
