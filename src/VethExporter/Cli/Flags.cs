namespace VethExporter.Cli;

/// <summary>
/// Every flag of the exporter, with its default and the commands it belongs to; the single source for
/// parsing and each command's --help. A flag given on the command line of a command it does not belong
/// to is a usage error; the environment and --config.file may hold flags for every command.
/// </summary>
public static class Flags
{
    public const int DefaultPort = 9814;

    private static readonly string[] Serve = ["serve"];
    private static readonly string[] ServeRemediate = ["serve", "remediate"];

    /// <summary>What decides a verdict, so every command that judges takes it.</summary>
    private static readonly string[] Judging = ["serve", "scan", "remediate"];

    private static readonly string[] Printing = ["scan", "remediate"];

    public static readonly IReadOnlyList<FlagDefinition> All =
    [
        new("config.file", "Optional JSON file of flag values, e.g. {\"scan.interval\": \"1m\"}; flags and environment win over it."),
        new("web.listen-address", "Address to listen on for the web interface and telemetry (repeatable).", $":{DefaultPort}", Repeatable: true, Verbs: Serve),
        new("web.config.file", "Prometheus exporter-toolkit web configuration (YAML): TLS, client certificates and basic authentication for every listener.", Verbs: Serve),
        new("web.max-connections", "Most connections open at once over all listeners; more are closed at once (0: no limit).", "4096", Verbs: Serve),
        new("web.idle-timeout", "Close a connection that has sent no request for this long (Prometheus reconnects as needed).", "60s", Verbs: Serve),
        new("web.read-header-timeout", "Close a connection whose request headers take longer than this to arrive.", "10s", Verbs: Serve),
        new("web.telemetry-path", "Path under which to expose metrics.", "/metrics", Verbs: Serve),
        new("scan.interval", "How often to scan (Prometheus duration).", "30s", Verbs: Serve),
        new("scan.timeout", "A scan still running after this is reported failed (last_scan_success 0, /readyz 503, remediation refused) until it ends.", "1m", Verbs: ServeRemediate),
        new("scan.peer-netns-grace", "How long a peer namespace may stay in teardown before its veth counts as stuck.", "5m", Verbs: Judging),
        new("state.file", "Where first-seen times and leak history are kept across restarts.", "/var/lib/veth-exporter/state.json", Verbs: Judging),
        new("path.procfs", "procfs mountpoint of the host's PID namespace.", "/proc"),
        new("path.cni-cache", "libcni's cache directory; cached attachments are read from its results/.", "/var/lib/cni", Verbs: Judging),
        new("path.cni-networks", "host-local's default data directory of leases (a cached config's own ipam.dataDir wins).", "/var/lib/cni/networks", Verbs: Judging),
        new("path.cni-bin", "CNI plugin directories, colon-separated, for cni_del (plugins must be root-owned and writable by no one else).", "/opt/cni/bin", Verbs: ServeRemediate),
        new("runtime.docker-socket", "Docker Engine API socket to ask (dockerd, podman's service), a path or unix:///path (repeatable; given sockets replace the probed defaults /run/docker.sock and /run/podman/podman.sock; none: ask none).", Repeatable: true, Verbs: Judging),
        new("runtime.cri-socket", "CRI runtime socket to ask (containerd, CRI-O), a path or unix:///path (repeatable; given sockets replace the probed defaults /run/containerd/containerd.sock and /run/crio/crio.sock; none: ask none).", Repeatable: true, Verbs: Judging),
        new("runtime.timeout", "How long one scan waits for each runtime's answers (all its calls; one call gets half); past it the runtime counts as unreachable.", "5s", Verbs: Judging),
        new("netns", "Network namespace to scan as the host (a /run/netns pin or /proc/PID/ns/net). Default: our own."),
        new("log.format", "Log format: text or json.", "text", Verbs: Serve),
        new("metrics.orphan-details", "Export veth_orphan_info with one series per orphaned interface.", "false", IsSwitch: true, Verbs: Serve),
        new("remediation.listen-address", "Serve the remediation endpoints only here, e.g. 127.0.0.1:9815, and not on --web.listen-address (repeatable).", Repeatable: true, Verbs: Serve),
        new("remediation.max-connections", "Most connections open at once on the remediation listeners, within --web.max-connections; more are closed at once.", "64", Verbs: Serve),
        new("remediation.web.config.file", "Web configuration for the remediation listeners only (TLS and client certificates; default: --web.config.file).", Verbs: Serve),
        new("remediation.token-file", "File holding the bearer token that enables the remediation endpoints.", Verbs: Serve),
        new("remediation.min-age", "Orphans younger than this are never deleted.", "10m", Verbs: Judging),
        new("remediation.max-deletes", "Most deletions one request, webhook notification or Alertmanager poll may perform.", "20", Verbs: ServeRemediate),
        new("remediation.max-deletes-per-hour", "Most deletions this node performs in any hour, by every remediation path of the service (kept across restarts).", "100", Verbs: Serve),
        new("remediation.protect", "Regular expression of interface names that are never deleted.", Verbs: Judging),
        new("remediation.detach-bridged", "Detach a bridged orphan from its bridge before deleting it (false: every bridge port is kept, blocker bridge_port; a port whose MAC the bridge took stays blocked either way).", "true", IsSwitch: true, Verbs: Judging),
        new("remediation.release-netns", "For pinned_no_process orphans, remove the stale netns pin instead of deleting the veth.", "false", IsSwitch: true, Verbs: ServeRemediate),
        new("remediation.allow-no-visible-holder", "Allow remediating no_visible_holder orphans.", "false", IsSwitch: true, Verbs: Judging),
        new("remediation.allow-peer-netns-stuck", "Allow remediating peer_netns_stuck orphans.", "false", IsSwitch: true, Verbs: Judging),
        new("remediation.audit-file", "Append one JSON line per remediation decision to this file.", "/var/lib/veth-exporter/audit.log", Verbs: ServeRemediate),
        new("remediation.webhook-dry-run", "Alertmanager-triggered remediation only reports what it would delete.", "false", IsSwitch: true, Verbs: Serve),
        new("remediation.alerts", "Alert names that may trigger remediation, by webhook or by pull (repeatable).", "VethOrphansAccumulating", Repeatable: true, Verbs: Serve),
        new("remediation.instance", "Also take alerts whose instance label is exactly this value as ours, e.g. the node name (repeatable).", Repeatable: true, Verbs: Serve),
        new("remediation.alertmanager.url", "Pull mode: poll this Alertmanager (http or https) for remediation alerts naming this exporter.", Verbs: Serve),
        new("remediation.alertmanager.bearer-token-file", "Pull mode: file holding a bearer token for Alertmanager (re-read on every poll).", Verbs: Serve),
        new("remediation.alertmanager.ca-file", "Pull mode: PEM file of the CA that signs Alertmanager's certificate (default: the system's).", Verbs: Serve),
        new("remediation.alertmanager.cert-file", "Pull mode: PEM client certificate to present to Alertmanager (with --remediation.alertmanager.key-file).", Verbs: Serve),
        new("remediation.alertmanager.key-file", "Pull mode: PEM private key of the client certificate.", Verbs: Serve),
        new("remediation.alertmanager.interval", "Pull mode: how often to poll Alertmanager.", "30s", Verbs: Serve),
        new("remediation.alertmanager.dry-run", "Pull mode: alerts only report what they would delete.", "false", IsSwitch: true, Verbs: Serve),
        new("output", "Output format, json or text.", "text", Verbs: Printing),
        new("out", "Directory to write raw netlink replies (and, with --path.procfs, the kernel answers of one scan) to.", Verbs: ["capture-fixtures"]),
        new("dry-run", "Report what would be deleted, delete nothing.", "false", IsSwitch: true, Verbs: ["remediate"]),
    ];
}
