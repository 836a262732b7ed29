using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using VethExporter.Cli;
using VethExporter.Metrics;
using VethExporter.Scanning;
using VethExporter.Service;
using VethExporter.Web;

namespace VethExporter.Commands;

/// <summary>`veth-exporter serve`: periodic scans, /metrics, the API and the landing page.</summary>
internal static partial class ServeCommand
{
    public static async Task<int> RunAsync(ExporterOptions options, CancellationToken cancellationToken)
    {
        string version = typeof(ServeCommand).Assembly.GetName().Version?.ToString(3) ?? "unknown";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (options.LogFormat == "json")
            builder.Logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        else
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
            });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var address in options.ListenAddresses) ListenAddress.Apply(kestrel, address);
        });

        // prometheus-net's defaults are .NET-internal noise; we export the standard process_* set instead.
        Prometheus.Metrics.SuppressDefaultMetrics();
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new ExporterMetrics(registry, options.OrphanDetails, version, Environment.Version.ToString());
        ProcessMetrics.Register(registry);
        var scanner = new Scanner(options.ScannerOptions);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(scanner);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(new MetricsRenderer(registry, metrics));
        builder.Services.AddSingleton<SnapshotStore>();
        builder.Services.AddSingleton<ScanCoordinator>();
        builder.Services.AddHostedService(sp => new ScanLoop(sp.GetRequiredService<ScanCoordinator>(), options.ScanInterval));

        await using var app = builder.Build();
        Endpoints.MapReadOnly(app, options.TelemetryPath, version, remediationEnabled: options.TokenFile is not null);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"cannot listen on {string.Join(", ", options.ListenAddresses)}: {e.Message}");
        }
        string addresses = string.Join(", ", options.ListenAddresses);
        string interval = PrometheusDuration.Format(options.ScanInterval);
        LogStarted(app.Logger, version, addresses, interval);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "veth-exporter {Version} listening on {Addresses}, scanning every {Interval}")]
    private static partial void LogStarted(ILogger logger, string version, string addresses, string interval);
}
