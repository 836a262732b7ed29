using System.Text;
using VethExporter.Metrics;

namespace VethExporter.Tests.Metrics;

public class MetricsPageTests
{
    [Fact]
    public async Task A_scrape_shows_the_latest_published_scan_at_once_and_nothing_of_an_unfinished_one()
    {
        var (registry, metrics) = MetricsFixture.Build();
        var page = new MetricsPage(new MetricsRenderer(registry, metrics), Prometheus.Metrics.NewCustomRegistry());
        await page.PublishAsync(CancellationToken.None);
        Assert.Contains("veth_exporter_scans_total 7\n", await Text(page, openMetrics: false));

        // A scan under way has counted itself but not finished: scrapes keep showing the last finished one.
        metrics.Self.Scans.Inc();
        Assert.Contains("veth_exporter_scans_total 7\n", await Text(page, openMetrics: false));

        // Finished: the very next scrape has it, however little or much time passed.
        await page.PublishAsync(CancellationToken.None);
        Assert.Contains("veth_exporter_scans_total 8\n", await Text(page, openMetrics: false));
        Assert.Contains("veth_exporter_scans_total 8.0\n", await Text(page, openMetrics: true));
    }

    [Fact]
    public async Task Live_families_are_read_at_the_scrape_and_the_page_ends_once()
    {
        var (registry, metrics) = MetricsFixture.Build();
        var live = Prometheus.Metrics.NewCustomRegistry();
        var gauge = Prometheus.Metrics.WithCustomRegistry(live).CreateGauge("veth_test_live", "A live value.");
        var page = new MetricsPage(new MetricsRenderer(registry, metrics), live);
        await page.PublishAsync(CancellationToken.None);

        gauge.Set(3);
        string openMetrics = await Text(page, openMetrics: true);
        Assert.Contains("veth_test_live 3.0\n", openMetrics);
        Assert.Contains("veth_orphan_age_seconds_gcount", openMetrics);
        Assert.EndsWith("# EOF\n", openMetrics);
        Assert.Equal(1, openMetrics.Split("# EOF").Length - 1);

        gauge.Set(4);
        Assert.Contains("veth_test_live 4\n", await Text(page, openMetrics: false));
    }

    [SkippableFact]
    public async Task Promtool_accepts_the_joined_page()
    {
        Skip.If(Promtool.Binary is null, "promtool not installed (Debian package prometheus)");
        var (registry, metrics) = MetricsFixture.Build();
        var live = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(live);
        var page = new MetricsPage(new MetricsRenderer(registry, metrics), live);
        await page.PublishAsync(CancellationToken.None);
        var (exitCode, problems) = await Promtool.CheckMetricsAsync(await Text(page, openMetrics: false));
        Assert.True(exitCode == 0 && problems.Length == 0, problems);
    }

    [Fact]
    public async Task Concurrent_scrapers_during_publishes_get_whole_pages()
    {
        var (registry, metrics) = MetricsFixture.Build();
        var page = new MetricsPage(new MetricsRenderer(registry, metrics), Prometheus.Metrics.NewCustomRegistry());
        var publishing = Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++) await page.PublishAsync(CancellationToken.None);
        });
        var pages = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => Text(page, i % 2 == 0))));
        await publishing;
        Assert.All(pages.Where((_, i) => i % 2 == 0), p => Assert.EndsWith("# EOF\n", p));
        Assert.All(pages, p => Assert.Contains("veth_orphan_age_seconds_bucket", p));
    }

    private static async Task<string> Text(MetricsPage page, bool openMetrics) =>
        Encoding.UTF8.GetString(await page.GetAsync(openMetrics, CancellationToken.None));
}
