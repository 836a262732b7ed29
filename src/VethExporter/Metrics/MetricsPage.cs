using Prometheus;

namespace VethExporter.Metrics;

/// <summary>
/// The /metrics page, from one writer. Whoever finishes a scan (success or failure) calls
/// <see cref="Publish"/>, which renders the scan-derived families once, in both formats, from values
/// that scan alone set: every scrape from then on serves exactly that scan, never an older one and
/// never a page torn between two scans. The live families (process_*, remediation) are rendered at the
/// scrape and appended. A scrape costs the live part only.
/// </summary>
public sealed class MetricsPage(MetricsRenderer scanFamilies, CollectorRegistry liveFamilies)
{
    private static readonly byte[] EofMarker = "# EOF\n"u8.ToArray();

    private volatile Rendered? _published;

    /// <summary>Renders the scan-derived families as they are now. Call it from the scan's writer only, after its last update.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken) =>
        _published = await RenderAsync(cancellationToken).ConfigureAwait(false);

    private async Task<Rendered> RenderAsync(CancellationToken cancellationToken) => new(
        await scanFamilies.RenderBodyAsync(openMetrics: false, cancellationToken).ConfigureAwait(false),
        await scanFamilies.RenderBodyAsync(openMetrics: true, cancellationToken).ConfigureAwait(false));

    public async Task<byte[]> GetAsync(bool openMetrics, CancellationToken cancellationToken)
    {
        // Before the first scan ends, render what there is for this scrape only: storing it could put an
        // older page over the writer's newer one.
        var published = _published ?? await RenderAsync(cancellationToken).ConfigureAwait(false);
        using var live = new MemoryStream();
        await liveFamilies.CollectAndExportAsTextAsync(live, openMetrics ? ExpositionFormat.OpenMetricsText : ExpositionFormat.PrometheusText, cancellationToken)
            .ConfigureAwait(false);
        var liveBody = MetricsRenderer.WithoutEof(live.GetBuffer().AsSpan(0, (int)live.Length));
        return openMetrics ? [.. published.OpenMetrics, .. liveBody, .. EofMarker] : [.. published.Text, .. liveBody];
    }

    private sealed record Rendered(byte[] Text, byte[] OpenMetrics);
}
