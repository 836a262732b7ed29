using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VethExporter.Cli;
using VethExporter.Metrics;
using VethExporter.Remediation;
using VethExporter.Runtime;
using VethExporter.Scanning;
using VethExporter.Service;
using VethExporter.Tracking;
using VethExporter.Common;

namespace VethExporter.Commands;

/// <summary>
/// `veth-exporter remediate [--dry-run] [IFACE…]`: the same verified delete path as the API, from a
/// shell. History comes from the state file when a running exporter keeps one (read, never written,
/// so the two never race); the command scans twice, a second apart, so identities are confirmed stable.
/// With no interface named, every deletable orphan is in scope.
/// </summary>
internal static class RemediateCommand
{
    private static readonly TimeSpan SecondLook = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(ExporterOptions options, IReadOnlyList<string> interfaces, TextWriter output, CancellationToken cancellationToken)
    {
        foreach (var name in interfaces)
        {
            if (!InterfaceName.IsValid(name)) throw new UsageException($"\"{name}\" is not a valid interface name");
        }
        var request = interfaces.Count > 0
            ? RemediationRequest.ForInterfaces(interfaces, options.DryRun)
            : new RemediationRequest([], true, null, null, options.DryRun);

        var clock = TimeProvider.System;
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        using var scanner = new Scanner(options.ScannerOptions);
        var tracker = new Tracker(new TrackerOptions { MinAge = options.MinAge, ScanInterval = SecondLook }, clock,
            File.Exists(options.StateFile) ? new TrackerStateStore(options.StateFile, clock) : null);
        tracker.Load();
        var registry = Prometheus.Metrics.NewCustomRegistry();
        using var coordinator = new ScanCoordinator(scanner, tracker, new SnapshotStore(), clock, NullLogger<ScanCoordinator>.Instance, persist: false, timeout: options.ScanTimeout);
        using var audit = OpenAudit(options.AuditFile, loggers);
        using var remediator = new Remediator(coordinator, scanner.Netlink, options.Paths, new RemediationPolicy(options.MaxDeletes, options.DetachBridged, options.ReleaseNetns),
            audit, new RemediationMetrics(registry), clock, loggers.CreateLogger<Remediator>(),
            cni: new CniCleanup(scanner.Netns, scanner.Netlink, scanner.ListFirewallAsync, new CniCleanupOptions(options.CniBinDirs, CniCleanupOptions.Default.PluginTimeout)),
            runtime: new RuntimeCleaner(RuntimeCleaner.DefaultLimits, options.Paths.Procfs));

        await coordinator.ScanNowAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(SecondLook, cancellationToken).ConfigureAwait(false);
        var response = await remediator.RemediateAsync(request, $"cli:{Environment.UserName}", "cli", cancellationToken).ConfigureAwait(false);

        if (options.Output == "json")
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(response, RemediationJsonContext.Default.RemediationResponse)).ConfigureAwait(false);
        }
        else
        {
            if (response.Results.Count == 0) await output.WriteLineAsync("no orphan in scope").ConfigureAwait(false);
            foreach (var result in response.Results)
            {
                string detail = result.Blockers.Count > 0 ? $" ({string.Join(", ", result.Blockers)})" : result.Error is null ? "" : $": {result.Error}";
                await output.WriteLineAsync($"{result.Interface}: {result.Result}{detail}").ConfigureAwait(false);
            }
        }
        return response.Results.Any(r => r.Result == RemediationResults.Failed) ? 1 : 0;
    }

    private static AuditLog OpenAudit(string path, ILoggerFactory loggers)
    {
        try
        {
            return new AuditLog(path, loggers.CreateLogger("VethExporter.Audit"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--remediation.audit-file {path}: {e.Message}");
        }
    }
}
