namespace VethExporter.Metrics;

/// <summary>
/// Serves the last rendered /metrics page to every scraper and re-renders it in the background once it
/// is older than <see cref="MaxAge"/> (stale-while-revalidate): with many Prometheus servers scraping
/// one node, the page is rendered about once a second per format, no scraper waits for a render except
/// the very first, and no scrape allocates the whole page. Values are at most about a second older than
/// the scrape; they come from the last scan anyway.
/// </summary>
public sealed class CachedMetricsPage(MetricsRenderer renderer, TimeProvider clock) : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly Format[] _formats = [new(), new()];

    public async Task<byte[]> GetAsync(bool openMetrics, CancellationToken cancellationToken)
    {
        var format = _formats[openMetrics ? 1 : 0];
        var latest = format.Latest;
        if (latest is null) return await RenderAsync(format, openMetrics, cancellationToken).ConfigureAwait(false);
        if (clock.GetUtcNow() - latest.At >= MaxAge && format.Gate.Wait(0, CancellationToken.None))
        {
            // Refresh for the next scrapers; this one gets the page as it is.
            _ = Task.Run(async () =>
            {
                try
                {
                    format.Latest = new RenderedPage(await renderer.RenderAsync(openMetrics, CancellationToken.None).ConfigureAwait(false), clock.GetUtcNow());
                }
                finally
                {
                    format.Gate.Release();
                }
            }, CancellationToken.None);
        }
        return latest.Bytes;
    }

    private async Task<byte[]> RenderAsync(Format format, bool openMetrics, CancellationToken cancellationToken)
    {
        await format.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (format.Latest is { } rendered) return rendered.Bytes; // rendered while we waited
            var page = await renderer.RenderAsync(openMetrics, cancellationToken).ConfigureAwait(false);
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
            get => _latest;
            set => _latest = value;
        }
    }
}
