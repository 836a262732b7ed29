using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using VethExporter.Alertmanager;
using VethExporter.Cli;
using VethExporter.Metrics;
using VethExporter.Remediation;
using VethExporter.Runtime;
using VethExporter.Scanning;
using VethExporter.Service;
using VethExporter.Snapshot;
using VethExporter.Tracking;
using VethExporter.Web;
using VethExporter.WebConfig;
using VethExporter.Common;

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
        var serving = options.Serving;
        var tls = serving.WebConfig.Tls is { } tlsConfig ? LoadTls(tlsConfig, serving.WebConfigFile!) : null;
        var remediationTls = ReferenceEquals(serving.RemediationWebConfig, serving.WebConfig) ? tls
            : serving.RemediationWebConfig.Tls is { } own ? LoadTls(own, serving.RemediationWebConfigFile!) : null;
        if (tls is not null || remediationTls is not null) builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => KestrelSetup.Configure(kestrel, options.ListenAddresses, serving, tls, remediationTls));

        // prometheus-net's defaults are .NET-internal noise; we export the standard process_* set instead.
        Prometheus.Metrics.SuppressDefaultMetrics();
        // Two registries: the scan-derived families, rendered once per scan by the scan's writer, and the
        // live ones (process, remediation), rendered at each scrape.
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var live = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new ExporterMetrics(registry, options.OrphanDetails, version, Environment.Version.ToString());
        ProcessMetrics.Register(live);
        var page = new MetricsPage(new MetricsRenderer(registry, metrics), live);
        var scanner = new Scanner(options.ScannerOptions);
        var tracker = new Tracker(
            new TrackerOptions { MinAge = options.MinAge, ScanInterval = options.ScanInterval },
            TimeProvider.System,
            new TrackerStateStore(options.StateFile, TimeProvider.System));
        var loaded = tracker.Load();
        if (loaded.Failed) metrics.Self.StateLoadFailures.Inc();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(tracker);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(scanner);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(page);
        var pages = new SnapshotPages(version, options.TelemetryPath, remediationEnabled: options.TokenFile is not null);
        builder.Services.AddSingleton(new SnapshotStore(published =>
            pages.Render(published is null ? null : SnapshotMapper.ToDocument(published.Scan, published.Tracked.History, published.Tracked.AttachmentHistory))));
        builder.Services.AddSingleton(sp => new ScanCoordinator(scanner, tracker, sp.GetRequiredService<SnapshotStore>(),
            TimeProvider.System, sp.GetRequiredService<ILogger<ScanCoordinator>>(), timeout: options.ScanTimeout, observer: new ScanMetrics(metrics, page)));
        builder.Services.AddHostedService(sp => new ScanLoop(sp.GetRequiredService<ScanCoordinator>(), options.ScanInterval));

        RemediationEndpoints.Dependencies? remediation = null;
        HourlyDeletionBudget? budget = null;
        if (options.RemediationEnabled)
        {
            var remediationMetrics = new RemediationMetrics(live);
            budget = new HourlyDeletionBudget(options.MaxDeletesPerHour, options.DeletionBudgetFile, TimeProvider.System);
            var intake = new AlertIntake(
                new AlertSelection(options.RemediationAlerts, InstanceMatcher.ForThisHost(ListenPorts(options), options.RemediationInstances)),
                new SeenAlerts(TimeProvider.System), remediationMetrics, budget.Remaining);
            builder.Services.AddSingleton(remediationMetrics);
            builder.Services.AddSingleton(intake);
            builder.Services.AddSingleton(new RemediationPolicy(options.MaxDeletes, options.DetachBridged, options.ReleaseNetns));
            builder.Services.AddSingleton(sp => OpenAudit(options, sp.GetRequiredService<ILoggerFactory>()));
            builder.Services.AddSingleton(sp => new Remediator(
                sp.GetRequiredService<ScanCoordinator>(), scanner.Netlink, options.Paths, sp.GetRequiredService<RemediationPolicy>(),
                sp.GetRequiredService<AuditLog>(), remediationMetrics, TimeProvider.System, sp.GetRequiredService<ILogger<Remediator>>(), budget,
                new CniCleanup(scanner.Netns, scanner.Netlink, scanner.ListFirewallAsync, new CniCleanupOptions(options.CniBinDirs, CniCleanupOptions.Default.PluginTimeout)),
                new RuntimeCleaner(RuntimeCleaner.DefaultLimits, options.Paths.Procfs)));

            if (options.TokenFile is not null)
            {
                var token = new BearerToken(options.TokenFile, TimeProvider.System);
                try
                {
                    token.Load();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    throw new UsageException($"--remediation.token-file {options.TokenFile}: {e.Message}");
                }
                builder.Services.AddSingleton<WebhookBacklog>();
                builder.Services.AddHostedService(sp =>
                {
                    var remediator = sp.GetRequiredService<Remediator>();
                    return new WebhookWorker(sp.GetRequiredService<WebhookBacklog>(), async (batch, stop) =>
                        intake.Settle(batch, await remediator.RemediateBatchAsync(batch.Work, batch.Source, stop).ConfigureAwait(false)),
                        intake, sp.GetRequiredService<ILoggerFactory>().CreateLogger<WebhookWorker>());
                });
                remediation = new RemediationEndpoints.Dependencies(token, new AuthThrottle(TimeProvider.System), remediationMetrics,
                    null!, null!, intake, options.WebhookDryRun, null!);
            }

            if (options.AlertmanagerPull is { } pull)
            {
                AlertmanagerClient client;
                try
                {
                    client = new AlertmanagerClient(pull, options.RemediationAlerts);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
                {
                    throw new UsageException($"--remediation.alertmanager.*: cannot load the certificates: {e.Message}");
                }
                builder.Services.AddSingleton(client);
                builder.Services.AddHostedService(sp => new AlertmanagerPoller(client, intake, sp.GetRequiredService<Remediator>(),
                    remediationMetrics, pull, TimeProvider.System, sp.GetRequiredService<ILogger<AlertmanagerPoller>>()));
            }
        }

        await using var app = builder.Build();
        System.Runtime.InteropServices.PosixSignalRegistration? hangup = null;
        LogHistory(app.Logger, loaded.Message);
        if (serving.SplitRemediation) app.Use(ListenerSplit.InvokeAsync);
        if (serving.WebConfig.BasicAuthUsers.Count > 0)
        {
            // Lives as long as the process.
            var authenticator = new BasicAuthenticator(serving.WebConfig.BasicAuthUsers);
            app.Use((context, next) => BasicAuthGate.InvokeAsync(context, next, authenticator));
        }
        Endpoints.MapReadOnly(app, options.TelemetryPath);
        if (budget is not null)
        {
            // Resolve the audit log now: an unwritable audit location must stop the start, not the first request.
            var audit = app.Services.GetRequiredService<AuditLog>();
            // logrotate's postrotate sends SIGHUP: start a new audit file instead of ending the service.
            hangup = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                audit.Reopen();
            });
            string budgetLoaded = budget.Load();
            LogBudget(app.Logger, budgetLoaded);
            app.Services.GetRequiredService<RemediationMetrics>().SetHourlyBudgetRemaining(budget.Remaining());
        }
        if (remediation is not null)
        {
            RemediationEndpoints.Map(app, remediation with
            {
                Remediator = app.Services.GetRequiredService<Remediator>(),
                Backlog = app.Services.GetRequiredService<WebhookBacklog>(),
                Warnings = new TokenWarnings(app.Logger),
            });
            if (remediation.Token.IsGroupOrWorldReadable) LogTokenReadable(app.Logger, options.TokenFile!);
        }
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"cannot listen on {string.Join(", ", options.ListenAddresses.Concat(serving.RemediationListenAddresses))}: {e.Message}");
        }
        string scheme = tls is null ? "http" : "https", remediationScheme = remediationTls is null ? "http" : "https";
        string addresses = string.Join(", ", options.ListenAddresses.Select(a => $"{scheme}://{a}"));
        if (serving.SplitRemediation) addresses += $"; remediation only on {string.Join(", ", serving.RemediationListenAddresses.Select(a => $"{remediationScheme}://{a}"))}";
        string interval = PrometheusDuration.Format(options.ScanInterval);
        LogStarted(app.Logger, version, addresses, interval);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        hangup?.Dispose();
        return ExitCode(app);
    }

    /// <summary>
    /// A background service that died stops the host: that is a failure (exit 1, so that systemd's
    /// Restart=on-failure and Kubernetes restart it), not a clean shutdown.
    /// </summary>
    private static int ExitCode(WebApplication app)
    {
        int code = 0;
        foreach (var service in app.Services.GetServices<IHostedService>().OfType<BackgroundService>())
        {
            if (service.ExecuteTask is { IsFaulted: true } failed)
            {
                LogServiceFailed(app.Logger, service.GetType().Name, failed.Exception);
                code = 1;
            }
        }
        return code;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Service} failed; exiting with status 1")]
    private static partial void LogServiceFailed(ILogger logger, string service, Exception? exception);

    private static AuditLog OpenAudit(ExporterOptions options, ILoggerFactory loggers)
    {
        try
        {
            return new AuditLog(options.AuditFile, loggers.CreateLogger("VethExporter.Audit"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--remediation.audit-file {options.AuditFile}: {e.Message}");
        }
    }

    private static TlsServer LoadTls(TlsServerConfig config, string file)
    {
        try
        {
            return new TlsServer(config, TimeProvider.System);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new UsageException($"{file}: cannot load the TLS files: {e.Message}");
        }
    }

    private static IEnumerable<int> ListenPorts(ExporterOptions options) =>
        options.ListenAddresses.Select(a => int.TryParse(a.AsSpan(a.LastIndexOf(':') + 1), out int port) ? port : 0).Where(p => p > 0);

    [LoggerMessage(Level = LogLevel.Information, Message = "history: {Message}")]
    private static partial void LogHistory(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "remediation: {Message}")]
    private static partial void LogBudget(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the remediation token file {Path} is readable by group or others; make it 0600")]
    private static partial void LogTokenReadable(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "veth-exporter {Version} listening on {Addresses}, scanning every {Interval}")]
    private static partial void LogStarted(ILogger logger, string version, string addresses, string interval);
}
