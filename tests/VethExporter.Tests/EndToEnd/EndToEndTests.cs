using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VethExporter.Classification;
using VethExporter.HostInventory;
using VethExporter.Metrics;
using VethExporter.Scanning;
using VethExporter.Service;
using VethExporter.Snapshot;
using VethExporter.Tracking;
using VethExporter.Web;

namespace VethExporter.Tests.EndToEnd;

/// <summary>
/// The whole pipeline, as `serve` wires it (scanner → classifier → blockers → tracker → snapshot store and
/// metrics page), on a captured fake host: the netlink dumps and kernel answers and the procfs tree of
/// Fixtures/e2e (see its README.md), a fake clock, two scans 30 s apart. The served /api/v1/orphans
/// document after each scan and the /metrics page after the second, in both formats, are compared with
/// Fixtures/e2e/golden. Regenerate after an intended change with:
///   VETH_UPDATE_GOLDEN=1 dotnet test tests/VethExporter.Tests --filter FullyQualifiedName~EndToEnd
/// </summary>
public class EndToEndTests
{
    private const string Version = "0.0.0-e2e";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static string FixtureDirectory => Repository.Path("tests", "VethExporter.Tests", "Fixtures", "e2e");

    private static string Golden(string name) => Path.Combine(FixtureDirectory, "golden", name);

    [Fact]
    public async Task Snapshots_and_metrics_of_the_captured_host_match_the_golden_files()
    {
        var run = await RunAsync();

        GoldenFile.Check(Golden("scan-1.json"), run.FirstJson);
        GoldenFile.Check(Golden("scan-2.json"), run.SecondJson);
        GoldenFile.Check(Golden("metrics.prom"), run.Text);
        GoldenFile.Check(Golden("metrics.openmetrics"), run.OpenMetrics);
    }

    [SkippableFact]
    public async Task Promtool_accepts_the_page()
    {
        Skip.If(Promtool.Binary is null, "promtool not installed (Debian package prometheus)");
        var (exitCode, problems) = await Promtool.CheckMetricsAsync((await RunAsync()).Text);
        Assert.True(exitCode == 0 && problems.Length == 0, problems);
    }

    [Fact]
    public async Task The_golden_host_holds_every_kind_of_veth_the_capture_built()
    {
        // Guards the fixture itself: a recapture that lost a case would still match its own golden files.
        var run = await RunAsync();
        using var document = JsonDocument.Parse(run.SecondJson);
        var byName = document.RootElement.GetProperty("interfaces").EnumerateArray()
            .ToDictionary(i => i.GetProperty("name").GetString()!, i => (i.GetProperty("state").GetString(), i.GetProperty("reason").GetString()));
        Assert.True(document.RootElement.GetProperty("hostViewComplete").GetBoolean());
        Assert.Equal((VethStates.InUse, Reasons.Process), byName["vethlive"]);
        Assert.Equal((VethStates.InUse, Reasons.Fd), byName["vethfd"]);
        Assert.Equal((VethStates.Orphan, Reasons.PinnedNoProcess), byName["vethpinned"]);
        Assert.Equal((VethStates.Orphan, Reasons.PinnedNoProcess), byName["vethbridged"]);
        Assert.Equal((VethStates.Orphan, Reasons.HalfCreated), byName["vethhalf"]);
        Assert.Equal((VethStates.InUse, Reasons.HostPlumbing), byName["hostpair0"]);
        Assert.DoesNotContain("vethtap0", byName.Keys);
    }

    private sealed record Run(string FirstJson, string SecondJson, string Text, string OpenMetrics);

    private static async Task<Run> RunAsync()
    {
        string procfs = Path.Combine(FixtureDirectory, "proc");
        var kernel = CapturedKernel.Load(FixtureDirectory, procfs);
        var clock = new FakeTimeProvider(Start);
        var options = new ScannerOptions(new KernelPaths(procfs), ClassificationPolicy.Default);
        using var scanner = new Scanner(options, kernel, kernel, new CapturedFirewall(Path.Combine(FixtureDirectory, "firewall")), clock);
        var tracker = new Tracker(new TrackerOptions { MinAge = TimeSpan.FromSeconds(30), ScanInterval = TimeSpan.FromSeconds(30) }, clock);

        var registry = Prometheus.Metrics.NewCustomRegistry();
        var live = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(live);
        var metrics = new ExporterMetrics(registry, orphanDetails: true, Version, runtime: "e2e");
        var page = new MetricsPage(new MetricsRenderer(registry, metrics), live);
        var pages = new SnapshotPages(Version, "/metrics", remediationEnabled: false);
        var store = new SnapshotStore(published => pages.Render(published is null ? null : SnapshotMapper.ToDocument(published.Scan, published.Tracked.History)));
        using var coordinator = new ScanCoordinator(scanner, tracker, store, clock, NullLogger<ScanCoordinator>.Instance,
            persist: false, observer: new ScanMetrics(metrics, page));

        Assert.NotNull(await coordinator.ScanNowAsync(CancellationToken.None));
        string first = Indented(store.Rendered.OrphansJson!);
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(await coordinator.ScanNowAsync(CancellationToken.None));
        string second = Indented(store.Rendered.OrphansJson!);

        return new Run(first, second,
            WithoutProcessMetrics(Encoding.UTF8.GetString(await page.GetAsync(openMetrics: false, CancellationToken.None))),
            WithoutProcessMetrics(Encoding.UTF8.GetString(await page.GetAsync(openMetrics: true, CancellationToken.None))));
    }

    /// <summary>The served document is one line; the golden file is indented so that a diff names the field.</summary>
    private static string Indented(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            document.WriteTo(writer);
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>process_* describe the test process (memory, CPU, fds), not the captured host: dropped, family and all.</summary>
    private static string WithoutProcessMetrics(string page) =>
        string.Concat(page.Split('\n').Where(line => line.Length > 0)
            .Where(line => !line.StartsWith("process_", StringComparison.Ordinal)
                && !line.StartsWith("# HELP process_", StringComparison.Ordinal) && !line.StartsWith("# TYPE process_", StringComparison.Ordinal))
            .Select(line => line + "\n"));
}
