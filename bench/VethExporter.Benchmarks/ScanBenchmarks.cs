using System.Buffers;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using VethExporter.Classification;
using VethExporter.HostInventory;
using VethExporter.Scanning;

namespace VethExporter.Benchmarks;

/// <summary>
/// One full scan of the fake host against <c>ip -j -d link show</c> of the same namespace, which lists
/// the same links (with more detail) but maps no holders at all: the floor a scan is measured against.
/// </summary>
public class ScanBenchmarks
{
    private Scanner? _scanner;
    private ScannerOptions? _options;

    [GlobalSetup]
    public void Setup()
    {
        if (BenchEnvironment.Problem() is string problem) throw new InvalidOperationException(problem);
        _options = Options();
        _scanner = new Scanner(_options);
    }

    [GlobalCleanup]
    public void Cleanup() => _scanner?.Dispose();

    /// <summary>One full scan with the scanner the exporter keeps between scrapes.</summary>
    [Benchmark]
    public Task<ScanResult> Scan() => _scanner!.ScanAsync();

    /// <summary>One full scan including opening the scanner (entering the namespace, opening the netlink socket).</summary>
    [Benchmark]
    public async Task<ScanResult> ScanWithNewScanner()
    {
        using var scanner = new Scanner(_options!);
        return await scanner.ScanAsync().ConfigureAwait(false);
    }

    /// <summary><c>ip -j -d -n HOST link show</c>: spawn it, drain its output, wait for it to exit.</summary>
    [Benchmark(Baseline = true)]
    public long IpJsonLinkShow() => RunIpLinkShow();

    internal static ScannerOptions Options() =>
        new(new KernelPaths("/proc", BenchEnvironment.NetnsPath), ClassificationPolicy.Default);

    /// <returns>The number of bytes ip wrote.</returns>
    internal static long RunIpLinkShow()
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-j", "-d", "-n", BenchEnvironment.Netns!, "link", "show" }) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start ip");
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long total = 0;
        try
        {
            var output = process.StandardOutput.BaseStream;
            int n;
            while ((n = output.Read(buffer, 0, buffer.Length)) > 0) total += n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ip exited with {process.ExitCode}");
        return total;
    }
}
