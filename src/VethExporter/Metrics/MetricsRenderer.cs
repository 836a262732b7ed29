using System.Text;
using Prometheus;

namespace VethExporter.Metrics;

/// <summary>
/// Renders the /metrics page: prometheus-net's families followed by the orphan-age gauge histogram,
/// in OpenMetrics when the scraper asks for it (Prometheus does by default) or in the 0.0.4 text format.
/// </summary>
public sealed class MetricsRenderer(CollectorRegistry registry, ExporterMetrics metrics)
{
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly byte[] EofMarker = "# EOF\n"u8.ToArray();

    public static bool WantsOpenMetrics(string? accept) =>
        accept?.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase) == true;

    public async Task<byte[]> RenderAsync(bool openMetrics, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(buffer, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, cancellationToken)
            .ConfigureAwait(false);
        var body = buffer.ToArray();

        var ages = new StringBuilder();
        GaugeHistogramWriter.Write(ages, "veth_orphan_age_seconds",
            "Ages of the current orphans by bridge (a gauge histogram: each bucket counts orphans, not events). Values come from the last completed scan.",
            "bridge", metrics.OrphanAges, AgeBuckets.Seconds, openMetrics);
        var extra = Encoding.UTF8.GetBytes(ages.ToString());

        if (!openMetrics) return [.. body, .. extra];
        // OpenMetrics ends with "# EOF": our family goes before it.
        int eof = body.AsSpan().LastIndexOf(EofMarker);
        return eof < 0 ? [.. body, .. extra, .. EofMarker] : [.. body.AsSpan(0, eof), .. extra, .. EofMarker];
    }
}
