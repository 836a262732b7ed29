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
/// Every answer before the work starts (401, 400, 413) leaves the host untouched.
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
        bool WebhookDryRun);

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
        }));

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
                RemediationJsonContext.Default.WebhookAccepted, context.RequestAborted).ConfigureAwait(false);
        }));
    }

    /// <summary>The body of an authenticated request within the limit; otherwise answers 401 or 413 and returns null.</summary>
    private static async Task<byte[]?> AuthorizedBodyAsync(HttpContext context, Dependencies d, int limit)
    {
        if (!d.Token.Matches(BearerToken.FromHeader(context.Request.Headers.Authorization)))
        {
            d.Metrics.AuthFailures.Inc();
            var delay = d.Throttle.RecordFailure();
            if (delay > TimeSpan.Zero) await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ErrorAsync(context, StatusCodes.Status401Unauthorized, "missing or wrong bearer token").ConfigureAwait(false);
            return null;
        }
        var body = await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false);
        if (body is null) await ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"the body is larger than {limit} bytes").ConfigureAwait(false);
        return body;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, new ErrorBody(error), RemediationJsonContext.Default.ErrorBody, context.RequestAborted).ConfigureAwait(false);
    }

    private static string Caller(HttpContext context) => $"api:{context.Connection.RemoteIpAddress}";
}
