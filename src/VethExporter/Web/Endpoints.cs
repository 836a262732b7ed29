using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VethExporter.Metrics;
using VethExporter.Service;

namespace VethExporter.Web;

/// <summary>The read-only HTTP surface: metrics, the snapshot JSON, the landing page and the probes.</summary>
public static class Endpoints
{
    public static void MapReadOnly(WebApplication app, string telemetryPath)
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

        // Rendered once per scan by the store: a request only copies bytes.
        app.MapGet("/api/v1/orphans", (RequestDelegate)(context =>
        {
            byte[]? json = store.Rendered.OrphansJson;
            context.Response.ContentType = "application/json; charset=utf-8";
            if (json is not null) return context.Response.Body.WriteAsync(json, context.RequestAborted).AsTask();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsync("{\"error\":\"no scan has completed yet\"}", context.RequestAborted);
        }));

        app.MapGet("/", (RequestDelegate)(context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.Body.WriteAsync(store.Rendered.LandingPage, context.RequestAborted).AsTask();
        }));

        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => store.Ready
            ? Results.Text("ready\n")
            : Results.Text(store.NotReadyReason + "\n", statusCode: StatusCodes.Status503ServiceUnavailable));
    }
}
