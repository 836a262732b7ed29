using System.Text;
using Prometheus;

namespace VethExporter.Metrics;

/// <summary>
/// Renders the scan-derived families of the /metrics page: prometheus-net's followed by the orphan-age
/// gauge histogram, in OpenMetrics when the scraper asks for it (Prometheus does by default) or in the
/// 0.0.4 text format.
/// </summary>
public sealed class MetricsRenderer(CollectorRegistry registry, ExporterMetrics metrics)
{
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly byte[] EofMarker = "# EOF\n"u8.ToArray();

    public static bool WantsOpenMetrics(string? accept) =>
        accept?.Contains("application/openmetrics-text", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The whole page of these families, "# EOF" included in OpenMetrics.</summary>
    public async Task<byte[]> RenderAsync(bool openMetrics, CancellationToken cancellationToken)
    {
        var body = await RenderBodyAsync(openMetrics, cancellationToken).ConfigureAwait(false);
        return openMetrics ? [.. body, .. EofMarker] : body;
    }

    /// <summary>The families without the OpenMetrics "# EOF", so that other parts can follow them.</summary>
    public async Task<byte[]> RenderBodyAsync(bool openMetrics, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(buffer, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, cancellationToken)
            .ConfigureAwait(false);
        var body = WithoutEof(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));

        // prometheus-net has no gauge histogram: this family is written here (see GaugeHistogramWriter).
        var ages = new StringBuilder();
        GaugeHistogramWriter.Write(ages, "veth_orphan_age_seconds",
            "Ages of the current orphans by bridge (a gauge histogram: each bucket counts orphans, not events). Values come from the last completed scan.",
            "bridge", metrics.OrphanAges, AgeBuckets.Seconds, openMetrics);
        return [.. body, .. Encoding.UTF8.GetBytes(ages.ToString())];
    }

    /// <summary>An exposition without its trailing "# EOF" line (present in OpenMetrics only).</summary>
    internal static byte[] WithoutEof(ReadOnlySpan<byte> exposition)
    {
        int eof = exposition.LastIndexOf(EofMarker);
        return (eof < 0 ? exposition : exposition[..eof]).ToArray();
    }
}
