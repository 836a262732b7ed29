using System.Text.RegularExpressions;
using VethExporter.Classification;
using VethExporter.Cni;
using VethExporter.HostInventory;
using VethExporter.Scanning;
using VethExporter.WebConfig;
using VethExporter.Alertmanager;
using VethExporter.Web;
using VethExporter.Common;
using VethExporter.Runtime;

namespace VethExporter.Cli;

/// <summary>
/// The validated options of a run. Each flag may also come from the environment as
/// VETH_EXPORTER_&lt;FLAG&gt; (dots and dashes as underscores, upper case) or from the JSON file named by
/// --config.file. Precedence: command line, environment, config file, built-in default.
/// </summary>
public sealed record ExporterOptions(
    IReadOnlyList<string> ListenAddresses,
    string TelemetryPath,
    TimeSpan ScanInterval,
    TimeSpan PeerNetnsGrace,
    string StateFile,
    KernelPaths Paths,
    string LogFormat,
    bool OrphanDetails,
    string? TokenFile,
    TimeSpan MinAge,
    int MaxDeletes,
    int MaxDeletesPerHour,
    Regex? Protect,
    bool DetachBridged,
    bool ReleaseNetns,
    bool AllowNoVisibleHolder,
    bool AllowPeerNetnsStuck,
    string AuditFile,
    bool WebhookDryRun,
    IReadOnlyList<string> RemediationAlerts,
    IReadOnlyList<string> RemediationInstances,
    AlertmanagerPullOptions? AlertmanagerPull,
    string Output,
    string? CaptureDirectory,
    bool DryRun,
    ServingOptions Serving)
{
    /// <summary>How long one scan may take before it counts as hung (a blocked open, a stuck netlink answer).</summary>
    public TimeSpan ScanTimeout { get; init; } = TimeSpan.FromMinutes(1);

    public ClassificationPolicy Policy => new(PeerNetnsGrace, Protect, DetachBridged, AllowNoVisibleHolder, AllowPeerNetnsStuck);

    public ScannerOptions ScannerOptions => new(Paths, Policy) { Cni = Cni, Runtime = Runtime, RuntimeLimits = RuntimeLimits };

    /// <summary>--runtime.timeout: each runtime's budget in one scan.</summary>
    public RuntimeLimits RuntimeLimits { get; init; } = RuntimeLimits.Default;

    /// <summary>--runtime.docker-socket, --runtime.cri-socket: the runtimes asked each scan (by default the probed sockets).</summary>
    public RuntimeEndpoints Runtime { get; init; } = RuntimeEndpoints.Defaults;

    /// <summary>--path.cni-cache, --path.cni-networks: where CNI attachments are read from.</summary>
    public CniPaths Cni { get; init; } = new();

    /// <summary>--path.cni-bin: the only directories cni_del takes plugins from.</summary>
    public IReadOnlyList<string> CniBinDirs { get; init; } = ["/opt/cni/bin"];

    /// <summary>Remediation runs in the service when either trigger is configured: the endpoints (a token) or pull mode.</summary>
    public bool RemediationEnabled => TokenFile is not null || AlertmanagerPull is not null;

    /// <summary>The hourly deletion budget is kept beside the state file, so that a restart does not refill it.</summary>
    public string DeletionBudgetFile => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(StateFile))!, "remediation-budget.json");

    public static ExporterOptions From(CommandLine line, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? configPath = line.Value("config.file") ?? environment(EnvironmentName("config.file"));
        var config = configPath is null ? new Dictionary<string, string>() : ConfigFile.Read(configPath);
        string? Get(string name) => line.Value(name) ?? environment(EnvironmentName(name)) ?? config.GetValueOrDefault(name) ?? Default(name);
        IReadOnlyList<string> GetAll(string name)
        {
            if (line.Values(name) is { Count: > 0 } given) return given;
            string? value = environment(EnvironmentName(name)) ?? config.GetValueOrDefault(name) ?? Default(name);
            return value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        string procfs = Get("path.procfs")!;
        if (!Directory.Exists(procfs)) throw new UsageException($"--path.procfs {procfs}: no such directory");
        string? netns = Get("netns");
        if (netns is not null && !File.Exists(netns)) throw new UsageException($"--netns {netns}: no such file");

        string telemetryPath = Get("web.telemetry-path")!;
        if (!telemetryPath.StartsWith('/')) throw new UsageException($"--web.telemetry-path must start with /, not \"{telemetryPath}\"");
        string logFormat = OneOf("log.format", Get("log.format")!, "text", "json");
        string output = OneOf("output", Get("output")!, "text", "json");

        var interval = Duration("scan.interval", Get("scan.interval")!);
        if (interval < TimeSpan.FromSeconds(1)) throw new UsageException($"--scan.interval must be at least 1s, not {PrometheusDuration.Format(interval)}");

        var scanTimeout = Duration("scan.timeout", Get("scan.timeout")!);
        if (scanTimeout < TimeSpan.FromSeconds(1)) throw new UsageException($"--scan.timeout must be at least 1s, not {PrometheusDuration.Format(scanTimeout)}");

        int maxDeletes = Count("remediation.max-deletes");
        int maxDeletesPerHour = Count("remediation.max-deletes-per-hour");
        var alerts = GetAll("remediation.alerts");
        if (alerts.Count == 0) throw new UsageException("--remediation.alerts needs at least one alert name");

        Regex? protect = null;
        if (Get("remediation.protect") is { Length: > 0 } pattern)
        {
            try
            {
                protect = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--remediation.protect is not a valid regular expression: {e.Message}");
            }
        }

        string? tokenFile = Get("remediation.token-file");
        if (tokenFile is not null && !File.Exists(tokenFile)) throw new UsageException($"--remediation.token-file {tokenFile}: no such file");

        return new ExporterOptions(
            GetAll("web.listen-address"),
            telemetryPath,
            interval,
            Duration("scan.peer-netns-grace", Get("scan.peer-netns-grace")!),
            Get("state.file")!,
            new KernelPaths(procfs.TrimEnd('/') is { Length: > 0 } p ? p : "/", netns),
            logFormat,
            Switch("metrics.orphan-details"),
            tokenFile,
            Duration("remediation.min-age", Get("remediation.min-age")!),
            maxDeletes,
            maxDeletesPerHour,
            protect,
            Switch("remediation.detach-bridged"),
            Switch("remediation.release-netns"),
            Switch("remediation.allow-no-visible-holder"),
            Switch("remediation.allow-peer-netns-stuck"),
            Get("remediation.audit-file")!,
            Switch("remediation.webhook-dry-run"),
            alerts,
            GetAll("remediation.instance"),
            PullOptions(),
            output,
            Get("out"),
            Switch("dry-run"),
            ServingFlags())
        {
            ScanTimeout = scanTimeout,
            Cni = new CniPaths(CniDirectory("path.cni-cache"), CniDirectory("path.cni-networks"), procfs.TrimEnd('/') is { Length: > 0 } root ? root : "/"),
            CniBinDirs = Get("path.cni-bin")!.Split(':', StringSplitOptions.RemoveEmptyEntries),
            Runtime = RuntimeSockets(),
            RuntimeLimits = RuntimeTimeout(),
        };

        RuntimeLimits RuntimeTimeout()
        {
            bool given = (line.Value("runtime.timeout") ?? environment(EnvironmentName("runtime.timeout")) ?? config.GetValueOrDefault("runtime.timeout")) is not null;
            var timeout = Duration("runtime.timeout", Get("runtime.timeout")!);
            if (timeout < TimeSpan.FromSeconds(1)) throw new UsageException($"--runtime.timeout must be at least 1s, not {PrometheusDuration.Format(timeout)}");
            if (timeout >= scanTimeout)
            {
                if (given) throw new UsageException($"--runtime.timeout {PrometheusDuration.Format(timeout)} must be shorter than --scan.timeout {PrometheusDuration.Format(scanTimeout)}");
                // The default gives way to a short --scan.timeout: half of it.
                timeout = TimeSpan.FromTicks(Math.Max(scanTimeout.Ticks / 2, TimeSpan.TicksPerSecond / 2));
            }
            return RuntimeLimits.Within(timeout);
        }

        RuntimeEndpoints RuntimeSockets()
        {
            try
            {
                return RuntimeEndpoints.FromFlags(GetAll("runtime.docker-socket").ToList(), GetAll("runtime.cri-socket").ToList());
            }
            catch (FormatException e)
            {
                throw new UsageException(e.Message);
            }
        }

        // Absent directories are fine (a host without CNI); a relative one is a mistake, as is a file.
        string CniDirectory(string name)
        {
            string path = Get(name)!;
            if (!Path.IsPathRooted(path)) throw new UsageException($"--{name} must be an absolute path, not \"{path}\"");
            if (File.Exists(path)) throw new UsageException($"--{name} {path}: a file, not a directory");
            return path;
        }

        ServingOptions ServingFlags()
        {
            string? webConfig = Get("web.config.file");
            var remediationListen = GetAll("remediation.listen-address");
            if (remediationListen.Count > 0 && tokenFile is null)
                throw new UsageException("--remediation.listen-address needs --remediation.token-file: without a token there are no remediation endpoints to serve");
            var listen = GetAll("web.listen-address");
            if (listen.Intersect(remediationListen).FirstOrDefault() is { } both)
                throw new UsageException($"{both} is given as both --web.listen-address and --remediation.listen-address");
            var idle = Duration("web.idle-timeout", Get("web.idle-timeout")!);
            var header = Duration("web.read-header-timeout", Get("web.read-header-timeout")!);
            if (idle < TimeSpan.FromSeconds(1) || header < TimeSpan.FromSeconds(1))
                throw new UsageException("--web.idle-timeout and --web.read-header-timeout must be at least 1s");
            if (Count("remediation.max-connections") < 1) throw new UsageException("--remediation.max-connections must be at least 1");
            var web = webConfig is null ? WebConfiguration.None : WebConfigFile.Read(webConfig, "web.config.file");
            string? remediationConfig = Get("remediation.web.config.file");
            if (remediationConfig is not null && remediationListen.Count == 0)
                throw new UsageException("--remediation.web.config.file needs --remediation.listen-address");
            var remediation = remediationConfig is null ? web : WebConfigFile.Read(remediationConfig, "remediation.web.config.file");
            if (remediationConfig is not null && remediation.BasicAuthUsers.Count > 0)
                throw new UsageException($"--remediation.web.config.file {remediationConfig}: basic_auth_users does not apply there (remediation takes its bearer token); remove it");
            return new ServingOptions(webConfig, web, remediationListen, remediationConfig ?? webConfig, remediation,
                Count("web.max-connections"), Count("remediation.max-connections"), idle, header);
        }

        int Count(string name) => int.TryParse(Get(name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new UsageException($"--{name} must be a whole number ≥ 0, not \"{Get(name)}\"");

        string? ExistingFile(string name) => Get(name) is { } path && !File.Exists(path)
            ? throw new UsageException($"--{name} {path}: no such file")
            : Get(name);

        AlertmanagerPullOptions? PullOptions()
        {
            if (Get("remediation.alertmanager.url") is not { } text) return null;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
                throw new UsageException($"--remediation.alertmanager.url must be an http or https URL, not \"{text}\"");
            string? cert = ExistingFile("remediation.alertmanager.cert-file"), key = ExistingFile("remediation.alertmanager.key-file");
            if ((cert is null) != (key is null))
                throw new UsageException("--remediation.alertmanager.cert-file and --remediation.alertmanager.key-file go together");
            var every = Duration("remediation.alertmanager.interval", Get("remediation.alertmanager.interval")!);
            if (every < TimeSpan.FromSeconds(1))
                throw new UsageException($"--remediation.alertmanager.interval must be at least 1s, not {PrometheusDuration.Format(every)}");
            return new AlertmanagerPullOptions(url, ExistingFile("remediation.alertmanager.bearer-token-file"),
                ExistingFile("remediation.alertmanager.ca-file"), cert, key, every, Switch("remediation.alertmanager.dry-run"));
        }

        bool Switch(string name) => Get(name) switch
        {
            "true" => true,
            "false" or null => false,
            var other => throw new UsageException($"--{name} takes true or false, not \"{other}\""),
        };
    }

    public static string EnvironmentName(string flag) =>
        "VETH_EXPORTER_" + flag.Replace('.', '_').Replace('-', '_').ToUpperInvariant();

    private static string? Default(string name) => Flags.All.First(f => f.Name == name).Default;

    private static TimeSpan Duration(string name, string text) =>
        PrometheusDuration.TryParse(text, out var value)
            ? value.Value
            : throw new UsageException($"--{name}: \"{text}\" is not a duration (use e.g. 30s, 10m, 1h)");

    private static string OneOf(string name, string value, params string[] allowed) =>
        allowed.Contains(value) ? value : throw new UsageException($"--{name} must be one of {string.Join(", ", allowed)}, not \"{value}\"");
}
