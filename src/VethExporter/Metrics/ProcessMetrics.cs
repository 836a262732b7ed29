using System.Globalization;
using Prometheus;

namespace VethExporter.Metrics;

/// <summary>
/// The standard process_* metrics (as client_golang and node_exporter name them), read from
/// /proc/self when scraped. prometheus-net's own set mixes in .NET runtime internals and lacks
/// process_resident_memory_bytes, which dashboards compare across exporters.
/// </summary>
public static class ProcessMetrics
{
    public static void Register(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var cpu = factory.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
        var resident = factory.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        var virtualMemory = factory.CreateGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
        var openFds = factory.CreateGauge("process_open_fds", "Number of open file descriptors.");
        var maxFds = factory.CreateGauge("process_max_fds", "Maximum number of open file descriptors.");
        var start = factory.CreateGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.");
        start.Set(System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime().Subtract(DateTime.UnixEpoch).TotalSeconds);

        registry.AddBeforeCollectCallback(() =>
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            cpu.IncTo(self.TotalProcessorTime.TotalSeconds);
            resident.Set(self.WorkingSet64);
            virtualMemory.Set(self.VirtualMemorySize64);
            try
            {
                openFds.Set(Directory.EnumerateFileSystemEntries("/proc/self/fd").Count());
            }
            catch (IOException)
            {
                // /proc not mounted: leave the last value
            }
            maxFds.Set(ReadSoftFdLimit());
        });
    }

    private static double ReadSoftFdLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields is { Length: > 3 } && double.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out double limit) ? limit : double.NaN;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
