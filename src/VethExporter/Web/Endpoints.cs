using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VethExporter.Metrics;
using VethExporter.Service;
using VethExporter.Snapshot;

namespace VethExporter.Web;

/// <summary>The read-only HTTP surface: metrics, the snapshot JSON, the landing page and the probes.</summary>
public static class Endpoints
{
    public static void MapReadOnly(WebApplication app, string telemetryPath, string version, bool remediationEnabled)
    {
        var store = app.Services.GetRequiredService<SnapshotStore>();
        var page = app.Services.GetRequiredService<MetricsPage>();

        app.MapGet(telemetryPath, (RequestDelegate)(async context =>
        {
            bool openMetrics = MetricsRenderer.WantsOpenMetrics(context.Request.Headers.Accept);
            var body = await page.GetAsync(openMetrics, context.RequestAborted).ConfigureAwait(false);
            context.Response.ContentType = openMetrics ? MetricsRenderer.OpenMetricsContentType : MetricsRenderer.TextContentType;
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }));

        app.MapGet("/api/v1/orphans", (HttpContext context) => store.Latest is { } latest
            ? Results.Text(JsonSerializer.Serialize(latest.Document, SnapshotJsonContext.Default.SnapshotDocument), "application/json; charset=utf-8")
            : Results.Text("{\"error\":\"no scan has completed yet\"}", "application/json; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable));

        app.MapGet("/", () => Results.Text(LandingPage.Render(version, telemetryPath, store.Latest?.Document, remediationEnabled), "text/html; charset=utf-8"));

        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => store.Ready
            ? Results.Text("ready\n")
            : Results.Text(store.NotReadyReason + "\n", statusCode: StatusCodes.Status503ServiceUnavailable));
    }
}
