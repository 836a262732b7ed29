using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VethExporter.Alertmanager;
using VethExporter.Classification;
using VethExporter.Metrics;
using VethExporter.Remediation;

namespace VethExporter.Web;

/// <summary>
/// POST /api/v1/remediate and /api/v1/alertmanager, mapped only when a token file is configured.
/// Every answer before the work starts (401, 400, 413, 415, 503) leaves the host untouched.
/// </summary>
internal static class RemediationEndpoints
{
    public const int RemediateBodyLimit = 64 * 1024;
    public const int WebhookBodyLimit = 1024 * 1024;

    public sealed record Dependencies(
        BearerToken Token,
        AuthThrottle Throttle,
        RemediationMetrics Metrics,
        Remediator Remediator,
        WebhookBacklog Backlog,
        AlertIntake Intake,
        bool WebhookDryRun,
        TokenWarnings Warnings);

    public static void Map(WebApplication app, Dependencies d)
    {
        app.MapPost("/api/v1/remediate", (RequestDelegate)(async context =>
        {
            var body = await AuthorizedBodyAsync(context, d, RemediateBodyLimit).ConfigureAwait(false);
            if (body is null) return;
            var parsed = RemediationRequestParser.Parse(body);
            if (parsed.Request is null)
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, parsed.Error!).ConfigureAwait(false);
                return;
            }
            var response = await d.Remediator.RemediateAsync(parsed.Request, Caller(context), "api", context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(context.Response.Body, response, RemediationJsonContext.Default.RemediationResponse, context.RequestAborted).ConfigureAwait(false);
        })).WithMetadata(RemediationEndpointMetadata.Instance);

        app.MapPost("/api/v1/alertmanager", (RequestDelegate)(async context =>
        {
            var body = await AuthorizedBodyAsync(context, d, WebhookBodyLimit).ConfigureAwait(false);
            if (body is null) return;
            var parsed = WebhookPayloadParser.Parse(body);
            if (parsed.Error is not null)
            {
                await ErrorAsync(context, StatusCodes.Status400BadRequest, parsed.Error).ConfigureAwait(false);
                return;
            }

            var batch = d.Intake.Take(parsed.Firing, AlertIntake.WebhookSource, d.WebhookDryRun);
            var ignored = batch.Ignored;
            int accepted = batch.Alerts.Count;
            if (accepted > 0 && !d.Backlog.TryEnqueue(batch))
            {
                d.Intake.Abandon(batch);
                await ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "the remediation queue is full; try again later").ConfigureAwait(false);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            context.Response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(context.Response.Body, new WebhookAccepted(accepted, ignored, parsed.Truncated),
                WebJsonContext.Default.WebhookAccepted, context.RequestAborted).ConfigureAwait(false);
        })).WithMetadata(RemediationEndpointMetadata.Instance);
    }

    /// <summary>
    /// The body of an authenticated JSON request within the limit; otherwise answers 503 (no usable token
    /// configured), 401, 415 or 413 and returns null. A client that failed too often waits before any
    /// answer, a correct token included.
    /// </summary>
    private static async Task<byte[]?> AuthorizedBodyAsync(HttpContext context, Dependencies d, int limit)
    {
        string client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var check = d.Token.Check(BearerToken.FromHeader(context.Request.Headers.Authorization), out string? problem);
        if (check == TokenCheck.Unavailable)
        {
            d.Warnings.Report(problem);
            await ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "remediation is unavailable: the exporter has no usable token (see its log)").ConfigureAwait(false);
            return null;
        }
        d.Warnings.Report(null);
        var delay = check == TokenCheck.Match ? d.Throttle.DelayFor(client) : d.Throttle.RecordFailure(client);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
        if (check != TokenCheck.Match)
        {
            d.Metrics.AuthFailures.Inc();
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "missing or wrong bearer token").ConfigureAwait(false);
            return null;
        }
        if (!IsJson(context.Request.ContentType))
        {
            await ErrorAsync(context, StatusCodes.Status415UnsupportedMediaType, "the body must be sent as Content-Type: application/json").ConfigureAwait(false);
            return null;
        }
        var body = await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false);
        if (body is null) await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"the body is larger than {limit} bytes").ConfigureAwait(false);
        return body;
    }

    private static bool IsJson(string? contentType) =>
        System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType, "application/json", StringComparison.OrdinalIgnoreCase)
        && (media.CharSet is null || string.Equals(media.CharSet, "utf-8", StringComparison.OrdinalIgnoreCase));

    private static async Task ErrorAsync(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, new ErrorBody(error), WebJsonContext.Default.ErrorBody, context.RequestAborted).ConfigureAwait(false);
    }

    private static string Caller(HttpContext context) => $"api:{context.Connection.RemoteIpAddress}";
}

/// <summary>Marks the remediation endpoints: served on the remediation listener when there is one, and guarded by their bearer token.</summary>
public sealed class RemediationEndpointMetadata
{
    public static readonly RemediationEndpointMetadata Instance = new();

    private RemediationEndpointMetadata()
    {
    }
}

/// <summary>Set on every connection accepted by a --remediation.listen-address listener.</summary>
public sealed class RemediationListenerFeature
{
    public static readonly RemediationListenerFeature Instance = new();

    private RemediationListenerFeature()
    {
    }
}

/// <summary>Reads a body up to a limit; a larger one is refused (413) without being read further.</summary>
public static class RequestBody
{
    /// <returns>The body, or null when it is over <paramref name="limit"/> bytes.</returns>
    public static Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken) =>
        request.ContentLength > limit ? Task.FromResult<byte[]?>(null) : Common.BoundedRead.ReadAtMostAsync(request.Body, limit, cancellationToken);
}
