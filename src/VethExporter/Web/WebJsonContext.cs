using System.Text.Json.Serialization;

namespace VethExporter.Web;

/// <summary>Source-generated JSON for the HTTP layer's own answers: errors and accepted webhooks.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(WebhookAccepted))]
public sealed partial class WebJsonContext : JsonSerializerContext;

/// <summary>The JSON body of every error answer: one readable sentence.</summary>
public sealed record ErrorBody(string Error);

/// <summary>The answer to an Alertmanager webhook call: what was queued, and what was ignored and why.</summary>
public sealed record WebhookAccepted(int Accepted, IReadOnlyList<Alertmanager.IgnoredAlert> Ignored, int Truncated);
