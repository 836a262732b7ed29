using System.Runtime.CompilerServices;
using System.Text;
using VethExporter.Metrics;

namespace VethExporter.Tests.Metrics;

/// <summary>
/// The whole /metrics page for a fixed inventory, in both exposition formats, compared byte for byte
/// with the golden files. Regenerate after an intended change with:
///   VETH_UPDATE_GOLDEN=1 dotnet test tests/VethExporter.Tests --filter MetricsGoldenTests
/// </summary>
public class MetricsGoldenTests
{
    [Theory]
    [InlineData(false, "metrics.prom")]
    [InlineData(true, "metrics.openmetrics")]
    public async Task Metrics_page_matches_the_golden_file(bool openMetrics, string golden)
    {
        string actual = await Render(openMetrics);
        string path = GoldenPath(golden);
        if (Environment.GetEnvironmentVariable("VETH_UPDATE_GOLDEN") == "1") await File.WriteAllTextAsync(path, actual);
        Assert.Equal(await File.ReadAllTextAsync(path), actual);
    }

    [SkippableFact]
    public async Task Promtool_accepts_the_text_format()
    {
        Skip.If(Promtool.Binary is null, "promtool not installed (Debian package prometheus)");
        var (exitCode, problems) = await Promtool.CheckMetricsAsync(await Render(openMetrics: false));
        Assert.True(exitCode == 0 && problems.Length == 0, problems);
    }

    [Fact]
    public async Task Orphan_details_are_off_unless_asked_for()
    {
        var (registry, metrics) = MetricsFixture.Build(orphanDetails: false);
        string text = Encoding.UTF8.GetString(await new MetricsRenderer(registry, metrics).RenderAsync(false, CancellationToken.None));
        Assert.DoesNotContain("veth_orphan_info{", text);
        Assert.Contains("veth_orphaned_interfaces{bridge=\"docker0\",reason=\"pinned_no_process\"} 1", text);
    }

    [Fact]
    public async Task Series_of_vanished_bridges_are_removed()
    {
        var (registry, metrics) = MetricsFixture.Build();
        var empty = MetricsFixture.Scan() with { Verdicts = [] };
        metrics.Apply(new MetricsInput(empty, [], new Dictionary<(string, string), long>(), [], new Dictionary<string, double>()));
        string text = Encoding.UTF8.GetString(await new MetricsRenderer(registry, metrics).RenderAsync(false, CancellationToken.None));
        Assert.DoesNotContain("veth_interfaces{", text);
        Assert.DoesNotContain("veth_orphaned_interfaces{", text);
        Assert.DoesNotContain("veth_bridge_leak_rate_per_hour{", text);
        Assert.DoesNotContain("veth_orphan_age_seconds_bucket", text);
        // Counters keep their totals: a counter never goes back.
        Assert.Contains("veth_orphans_detected_total{bridge=\"docker0\",reason=\"pinned_no_process\"} 3", text);
    }

    private static async Task<string> Render(bool openMetrics)
    {
        var (registry, metrics) = MetricsFixture.Build();
        return Encoding.UTF8.GetString(await new MetricsRenderer(registry, metrics).RenderAsync(openMetrics, CancellationToken.None));
    }

    private static string GoldenPath(string name, [CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "..", "Fixtures", "metrics", name);
}
