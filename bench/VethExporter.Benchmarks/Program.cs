using System.Globalization;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using VethExporter.Benchmarks;
using VethExporter.Classification;
using VethExporter.Scanning;

if (BenchEnvironment.Problem() is string problem)
{
    Console.Error.WriteLine($"VethExporter.Benchmarks: {problem}");
    return 2;
}

try
{
    await CheckSetupAsync().ConfigureAwait(false);
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"VethExporter.Benchmarks: {e.Message}");
    return 3;
}

// In-process: BenchmarkDotNet must not build a project of its own, and the fake host only exists for this run.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(3)
    .WithIterationCount(15)
    .WithId("InProcess");
var config = ManualConfig.Create(DefaultConfig.Instance)
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddColumn(new TagColumn("Setup", _ => BenchEnvironment.SetupLabel));

var summary = BenchmarkRunner.Run<ScanBenchmarks>(config, args);
string text = Describe(summary);
if (BenchEnvironment.SummaryPath is string path)
{
    File.WriteAllText(path, text);
}
else
{
    Console.WriteLine();
    Console.WriteLine(text);
}
return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;

// One scan before measuring: the setup must be what the labels say, or the numbers mean nothing.
static async Task CheckSetupAsync()
{
    using var scanner = new Scanner(ScanBenchmarks.Options());
    var result = await scanner.ScanAsync().ConfigureAwait(false);
    long ipBytes = ScanBenchmarks.RunIpLinkShow();
    var veths = result.Verdicts;
    int orphans = veths.Count(v => v.IsOrphan);
    int inUse = veths.Count(v => v.State == VethStates.InUse);
    string reasons = string.Join(", ", veths.GroupBy(v => $"{v.State}/{v.Reason}").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
    Console.WriteLine(FormattableString.Invariant(
        $"fake host {BenchEnvironment.Netns}: {result.Inventory.Links.Count} links, {veths.Count} veths ({reasons}); first scan {result.Duration.TotalMilliseconds:F1} ms; ip -j -d link show wrote {ipBytes} bytes"));
    foreach (var limitation in result.Limitations) Console.WriteLine($"  limitation: {limitation}");
    if (BenchEnvironment.Leaked is int leaked && orphans != leaked)
        throw new InvalidOperationException($"expected {leaked} orphans in {BenchEnvironment.Netns}, the scan found {orphans}");
    if (BenchEnvironment.Live is int live && inUse != live)
        throw new InvalidOperationException($"expected {live} veths in use in {BenchEnvironment.Netns}, the scan found {inUse}");
}

static string Describe(Summary summary)
{
    var rows = summary.Reports
        .Where(r => r.Success && r.ResultStatistics is not null)
        .ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name);
    var text = new StringBuilder();
    var invariant = CultureInfo.InvariantCulture;
    text.AppendLine(invariant, $"Setup: {BenchEnvironment.SetupLabel} (fake host {BenchEnvironment.Netns})");
    text.AppendLine(invariant, $"{"Benchmark",-20} {"Mean (ms)",10} {"vs ip",7} {"Allocated/op",14}");
    double? ip = rows.TryGetValue(nameof(ScanBenchmarks.IpJsonLinkShow), out var baseline) ? baseline.ResultStatistics!.Mean : null;
    foreach (var name in new[] { nameof(ScanBenchmarks.Scan), nameof(ScanBenchmarks.ScanWithNewScanner), nameof(ScanBenchmarks.IpJsonLinkShow) })
    {
        if (!rows.TryGetValue(name, out var report)) continue;
        double mean = report.ResultStatistics!.Mean;
        long? allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
        string ratio = ip is double i ? (mean / i).ToString("F2", invariant) + "x" : "-";
        string bytes = allocated is long b ? $"{b / 1024.0:N0} KB" : "-";
        text.AppendLine(invariant, $"{name,-20} {mean / 1e6,10:F2} {ratio,7} {bytes,14}");
    }
    if (ip is double ipMean && rows.TryGetValue(nameof(ScanBenchmarks.Scan), out var scan))
    {
        double ratio = scan.ResultStatistics!.Mean / ipMean;
        text.AppendLine(invariant, $"Target scan <= 1.5x ip: {(ratio <= 1.5 ? "met" : "missed")} ({ratio:F2}x)");
    }
    return text.ToString();
}
