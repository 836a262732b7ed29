namespace VethExporter.Metrics;

/// <summary>
/// Serves the rendered /metrics page to every scraper that arrives within <see cref="MaxAge"/> of the
/// last render, and lets one scraper render while the others wait for it. With many Prometheus servers
/// scraping one node, the page is rendered about once a second per format instead of once per scrape:
/// no per-scrape allocation of the whole page, no GC pauses piling up under load. The values are at
/// most <see cref="MaxAge"/> older than the scrape; they come from the last scan anyway.
/// </summary>
public sealed class CachedMetricsPage(MetricsRenderer renderer, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly Format[] _formats = [new(), new()];

    public async Task<byte[]> GetAsync(bool openMetrics, CancellationToken cancellationToken)
    {
        var format = _formats[openMetrics ? 1 : 0];
        if (format.FreshPage(clock) is { } page) return page;
        await format.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (format.FreshPage(clock) is { } rendered) return rendered; // rendered while we waited
            page = await renderer.RenderAsync(openMetrics, cancellationToken).ConfigureAwait(false);
            format.Latest = new RenderedPage(page, clock.GetUtcNow());
            return page;
        }
        finally
        {
            format.Gate.Release();
        }
    }

    public void Dispose()
    {
        foreach (var format in _formats) format.Gate.Dispose();
    }

    private sealed record RenderedPage(byte[] Bytes, DateTimeOffset At);

    private sealed class Format
    {
        private volatile RenderedPage? _latest;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public RenderedPage? Latest
        {
            set => _latest = value;
        }

        public byte[]? FreshPage(TimeProvider clock) =>
            _latest is { } latest && clock.GetUtcNow() - latest.At < MaxAge ? latest.Bytes : null;
    }
}
