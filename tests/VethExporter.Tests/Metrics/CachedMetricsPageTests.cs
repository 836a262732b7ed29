using Microsoft.Extensions.Time.Testing;
using VethExporter.Metrics;

namespace VethExporter.Tests.Metrics;

public class CachedMetricsPageTests
{
    [Fact]
    public async Task Scrapes_within_a_second_share_one_render_and_a_stale_page_is_refreshed_behind_them()
    {
        var (registry, metrics) = MetricsFixture.Build();
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var page = new CachedMetricsPage(new MetricsRenderer(registry, metrics), clock);

        var first = await page.GetAsync(openMetrics: false, CancellationToken.None);
        metrics.Self.Scans.Inc();
        Assert.Same(first, await page.GetAsync(openMetrics: false, CancellationToken.None));
        Assert.NotSame(first, await page.GetAsync(openMetrics: true, CancellationToken.None)); // each format its own

        clock.Advance(CachedMetricsPage.MaxAge);
        Assert.Same(first, await page.GetAsync(openMetrics: false, CancellationToken.None)); // served stale, refresh started
        string? later = null;
        Assert.True(SpinWait.SpinUntil(() =>
        {
            later = System.Text.Encoding.UTF8.GetString(page.GetAsync(openMetrics: false, CancellationToken.None).Result);
            return later.Contains("veth_exporter_scans_total 8", StringComparison.Ordinal);
        }, 5000), later);
    }

    [Fact]
    public async Task Concurrent_scrapers_get_complete_pages()
    {
        var (registry, metrics) = MetricsFixture.Build();
        using var page = new CachedMetricsPage(new MetricsRenderer(registry, metrics), TimeProvider.System);
        var pages = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => page.GetAsync(i % 2 == 0, CancellationToken.None))));
        Assert.All(pages.Where((_, i) => i % 2 == 0), p => Assert.EndsWith("# EOF\n", System.Text.Encoding.UTF8.GetString(p)));
        Assert.All(pages.Where((_, i) => i % 2 == 1), p => Assert.Contains("veth_orphan_age_seconds_count", System.Text.Encoding.UTF8.GetString(p)));
    }
}
