using System.Diagnostics;
using System.Text.RegularExpressions;
using VethExporter.Cli;
using VethExporter.Tests.Support;
using VethExporter.Alertmanager;

namespace VethExporter.Tests.Deploy;

/// <summary>
/// The Kubernetes manifests, the systemd unit and the Alertmanager example in deploy/: each parses, and the
/// fields that make the exporter work and keep it safe are what they must be.
/// </summary>
public sealed partial class ManifestTests
{
    private const string Namespace = "veth-exporter";
    private const string StateDirectory = "/var/lib/veth-exporter";

    private static string Deploy(params string[] parts) => Repository.Path(["deploy", .. parts]);

    private static object? DaemonSet(bool remediation) => Yaml.Load(remediation ? Deploy("remediation", "daemonset.yaml") : Deploy("daemonset.yaml"));

    private static object? Container(object? daemonSet)
    {
        var containers = daemonSet.Items("spec", "template", "spec", "containers");
        Assert.Single(containers);
        return containers[0];
    }

    private static string Version()
    {
        var match = Regex.Match(File.ReadAllText(Repository.Path("Directory.Build.props")), "<Version>([^<]+)</Version>");
        Assert.True(match.Success, "no <Version> in Directory.Build.props");
        return match.Groups[1].Value;
    }

    public static readonly TheoryData<bool> Variants = new() { false, true };

    [Fact]
    public void Every_manifest_parses_and_names_its_kind_and_namespace()
    {
        var files = Directory.GetFiles(Deploy(), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 8, $"only {files.Count} manifests in deploy/");
        foreach (var file in files)
        {
            foreach (var document in Yaml.LoadAll(file))
            {
                string where = Path.GetRelativePath(Repository.Root, file);
                Assert.False(string.IsNullOrEmpty(document.Text("apiVersion")), $"{where}: no apiVersion");
                string? kind = document.Text("kind");
                Assert.False(string.IsNullOrEmpty(kind), $"{where}: no kind");
                if (kind == "Kustomization") continue;
                Assert.Equal("veth-exporter", kind == "Namespace" ? document.Text("metadata", "name") : document.Text("metadata", "namespace"));
                Assert.Equal("veth-exporter", document.Text("metadata", "labels", "app.kubernetes.io/name"));
            }
        }
    }

    [Fact]
    public void The_kustomization_lists_every_manifest_of_the_read_only_set()
    {
        var listed = Yaml.Load(Deploy("kustomization.yaml")).Texts("resources");
        var present = Directory.GetFiles(Deploy(), "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal);
        Assert.Equal(present, listed.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_daemonset_runs_on_every_node_in_the_host_pid_and_network_namespaces(bool remediation)
    {
        var pod = DaemonSet(remediation).At("spec", "template", "spec");
        Assert.Equal("true", pod.Text("hostPID"));
        Assert.Equal("true", pod.Text("hostNetwork"));
        Assert.Equal("ClusterFirstWithHostNet", pod.Text("dnsPolicy"));
        Assert.Equal("false", pod.Text("automountServiceAccountToken"));
        // One toleration that matches every taint: operator Exists, no key, no effect.
        var tolerations = pod.Items("tolerations");
        Assert.Contains(tolerations, t => t.Text("operator") == "Exists" && t.At("key") is null && t.At("effect") is null);
        var daemonSet = DaemonSet(remediation);
        Assert.Equal(daemonSet.Map("spec", "selector", "matchLabels").ToHashSet(), daemonSet.Map("spec", "template", "metadata", "labels")
            .Where(l => daemonSet.Map("spec", "selector", "matchLabels").ContainsKey(l.Key)).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_container_runs_as_root_with_a_read_only_root_and_only_the_capabilities_it_needs(bool remediation)
    {
        var security = Container(DaemonSet(remediation)).At("securityContext");
        Assert.Equal("0", security.Text("runAsUser"));
        Assert.Equal("true", security.Text("readOnlyRootFilesystem"));
        Assert.Equal("false", security.Text("allowPrivilegeEscalation"));
        Assert.NotEqual("true", security.Text("privileged"));
        Assert.Equal(["ALL"], security.Texts("capabilities", "drop"));
        // Reading other processes' /proc entries needs SYS_PTRACE; only deleting links needs NET_ADMIN.
        Assert.Equal(remediation ? ["SYS_PTRACE", "NET_ADMIN"] : ["SYS_PTRACE"], security.Texts("capabilities", "add"));
        Assert.Equal("RuntimeDefault", security.Text("seccompProfile", "type"));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Probes_and_port_are_the_exporters(bool remediation)
    {
        var container = Container(DaemonSet(remediation));
        string port = Flags.DefaultPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("/healthz", container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal(port, container.Text("livenessProbe", "httpGet", "port"));
        Assert.Equal("/readyz", container.Text("readinessProbe", "httpGet", "path"));
        Assert.Equal(port, container.Text("readinessProbe", "httpGet", "port"));
        var ports = container.Items("ports");
        Assert.Single(ports);
        Assert.Equal(port, ports[0].Text("containerPort"));
        Assert.Equal("metrics", ports[0].Text("name"));
        Assert.Contains($"--web.listen-address=:{port}", container.Texts("args"));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Resources_have_requests_and_limits(bool remediation)
    {
        var resources = Container(DaemonSet(remediation)).At("resources");
        foreach (var kind in new[] { "requests", "limits" })
            foreach (var resource in new[] { "cpu", "memory" })
                Assert.False(string.IsNullOrEmpty(resources.Text(kind, resource)), $"no {kind}.{resource}");
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Netns_pins_are_mounted_read_only_and_the_state_directory_is_writable(bool remediation)
    {
        var daemonSet = DaemonSet(remediation);
        var container = Container(daemonSet);
        var volumes = daemonSet.Items("spec", "template", "spec", "volumes").ToDictionary(v => v.Text("name")!);
        var mounts = container.Items("volumeMounts").ToDictionary(m => m.Text("mountPath")!);
        // The node's /run at the same path holds every pin directory (/var/run is /run, on the node and in the
        // image), read-only, with the pins made later propagated in.
        Assert.True(mounts.TryGetValue("/run", out var run), "/run is not mounted");
        Assert.Equal("true", run.Text("readOnly"));
        Assert.Equal("HostToContainer", run.Text("mountPropagation"));
        Assert.Equal("/run", volumes[run.Text("name")!].Text("hostPath", "path"));
        // Nothing more below it: a second mount of the same pins shows each one twice at one path, and the first
        // view, the one kept, is the covered one.
        Assert.DoesNotContain(mounts.Keys, path => path.StartsWith("/run/", StringComparison.Ordinal) || path.StartsWith("/var/run/", StringComparison.Ordinal));
        var state = mounts[StateDirectory];
        Assert.NotEqual("true", state.Text("readOnly"));
        Assert.Equal(StateDirectory, volumes[state.Text("name")!].Text("hostPath", "path"));
        var args = container.Texts("args");
        Assert.Contains($"--state.file={StateDirectory}/state.json", args);
        Assert.Contains($"--remediation.audit-file={StateDirectory}/audit.log", args);
        // With hostPID the container's /proc is the host's: no --path.procfs, no /proc host mount.
        Assert.DoesNotContain(args, a => a.StartsWith("--path.procfs", StringComparison.Ordinal));
        Assert.DoesNotContain(volumes.Values, v => v.Text("hostPath", "path") == "/proc");
        // Every other host path is one of those above: nothing else of the node is visible.
        Assert.All(volumes.Values.Where(v => v.At("hostPath") is not null),
            v => Assert.Contains(v.Text("hostPath", "path"), new[] { "/run", StateDirectory }));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_runtime_sockets_are_reachable_at_their_default_paths_and_nothing_is_created_on_a_node_without_them(bool remediation)
    {
        var daemonSet = DaemonSet(remediation);
        var container = Container(daemonSet);
        var volumes = daemonSet.Items("spec", "template", "spec", "volumes").ToDictionary(v => v.Text("name")!);
        var mounts = container.Items("volumeMounts").ToList();
        foreach (string socket in VethExporter.Runtime.RuntimeEndpoints.DefaultDockerSockets.Concat(VethExporter.Runtime.RuntimeEndpoints.DefaultCriSockets))
        {
            // The deepest mount above the socket: a directory of the node at the same path, read-only (connect
            // needs no write), and one that is on every node, so that neither a check fails the pod nor kubelet
            // makes an empty directory where a runtime would later put its socket.
            var mount = mounts.Where(m => socket.StartsWith(m.Text("mountPath")!.TrimEnd('/') + "/", StringComparison.Ordinal))
                .MaxBy(m => m.Text("mountPath")!.Length);
            Assert.True(mount is not null, $"{socket} is not visible in the container");
            Assert.Equal("true", mount.Text("readOnly"));
            Assert.Equal("HostToContainer", mount.Text("mountPropagation"));
            var hostPath = volumes[mount.Text("name")!].At("hostPath");
            Assert.Equal(mount.Text("mountPath"), hostPath.Text("path"));
            Assert.Equal("/run", hostPath.Text("path"));
            Assert.Equal("Directory", hostPath.Text("type"));
        }
        // Probed at the defaults: a socket flag would replace them, and a configured socket a node lacks is a
        // runtime that does not answer.
        Assert.DoesNotContain(container.Texts("args"), a => a.StartsWith("--runtime.", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_arguments_are_flags_the_exporter_accepts(bool remediation)
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("token"), "t");
        string webConfig = UsableRemediationWebConfig(directory);
        var args = Container(DaemonSet(remediation)).Texts("args")
            .Select(a => a.StartsWith("--remediation.token-file=", StringComparison.Ordinal) ? $"--remediation.token-file={directory.File("token")}" : a)
            .Select(a => a.StartsWith("--remediation.web.config.file=", StringComparison.Ordinal) ? $"--remediation.web.config.file={webConfig}" : a)
            .ToList();
        var line = CommandLine.Parse(args, Flags.All);
        Assert.Equal("serve", line.Verb);
        var options = ExporterOptions.From(line, _ => null);
        Assert.Equal(remediation, options.TokenFile is not null);
        Assert.Equal(remediation, options.Serving.SplitRemediation);
        Assert.Null(options.Serving.WebConfig.Tls); // probes and scrapes stay plain HTTP on :9814
        if (remediation) Assert.Equal(VethExporter.WebConfig.ClientAuthType.RequireAndVerifyClientCert, options.Serving.RemediationWebConfig.Tls!.ClientAuth);
        Assert.Equal("/proc", options.Paths.Procfs);
        Assert.Null(options.Paths.ScannedNetns);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_image_is_tagged_with_the_exporters_version(bool remediation)
    {
        string image = Container(DaemonSet(remediation)).Text("image")!;
        Assert.Matches("^[a-z0-9.-]+(:[0-9]+)?/([a-z0-9._-]+/)*veth-exporter:", image);
        Assert.EndsWith(":" + Version() + (remediation ? "-remediation" : ""), image, StringComparison.Ordinal);
        Assert.Equal("IfNotPresent", Container(DaemonSet(remediation)).Text("imagePullPolicy"));
    }

    [Fact]
    public void The_remediation_variant_adds_only_the_token_net_admin_and_its_image()
    {
        var base_ = DaemonSet(false);
        var variant = DaemonSet(true);
        var secret = Yaml.Load(Deploy("remediation", "secret.yaml"));
        var container = Container(variant);

        string tokenArg = Assert.Single(container.Texts("args"), a => a.StartsWith("--remediation.token-file=", StringComparison.Ordinal));
        string tokenFile = tokenArg["--remediation.token-file=".Length..];
        var mount = Assert.Single(container.Items("volumeMounts"), m => m.Text("mountPath") == Path.GetDirectoryName(tokenFile));
        Assert.Equal("true", mount.Text("readOnly"));
        var volume = Assert.Single(variant.Items("spec", "template", "spec", "volumes"), v => v.Text("name") == mount.Text("name"));
        Assert.Equal(secret.Text("metadata", "name"), volume.Text("secret", "secretName"));
        var item = Assert.Single(volume.Items("secret", "items"));
        Assert.Equal(Path.GetFileName(tokenFile), item.Text("path"));
        Assert.True(secret.Map("stringData").ContainsKey(item.Text("key")!), "the Secret has no such key");
        Assert.Equal("Opaque", secret.Text("type"));

        // The remediation listener: its own address, mutual TLS from the Secret.
        var (listenArg, webConfigArg, tlsMount, tlsVolume) = RemediationListener(variant);

        // Everything else is the read-only DaemonSet.
        Container(variant).Map()["image"] = Container(base_).Text("image");
        container.Items("args").Remove(tokenArg);
        container.Items("args").Remove(listenArg);
        container.Items("args").Remove(webConfigArg);
        container.Items("volumeMounts").Remove(tlsMount);
        variant.Items("spec", "template", "spec", "volumes").Remove(tlsVolume);
        container.Items("securityContext", "capabilities", "add").Remove("NET_ADMIN");
        container.Items("volumeMounts").Remove(mount);
        variant.Items("spec", "template", "spec", "volumes").Remove(volume);
        Assert.Null(Yaml.Difference(base_, variant));
    }

    [Fact]
    public void The_pull_variant_differs_from_the_remediation_variant_only_in_how_alerts_reach_it()
    {
        var push = DaemonSet(true);
        var pull = Yaml.Load(Deploy("remediation", "daemonset-pull.yaml"));
        var secret = Yaml.Load(Deploy("remediation", "alertmanager-secret.yaml"));
        var container = Container(pull);
        var args = container.Texts("args");

        Assert.DoesNotContain(args, a => a.StartsWith("--remediation.token-file", StringComparison.Ordinal));
        Assert.Contains("--remediation.alertmanager.dry-run", args);
        Assert.Contains("--remediation.instance=$(NODE_NAME)", args);
        var env = Assert.Single(container.Items("env"));
        Assert.Equal("NODE_NAME", env.Text("name"));
        Assert.Equal("spec.nodeName", env.Text("valueFrom", "fieldRef", "fieldPath"));

        string tokenArg = Assert.Single(args, a => a.StartsWith("--remediation.alertmanager.bearer-token-file=", StringComparison.Ordinal));
        string tokenFile = tokenArg[(tokenArg.IndexOf('=', StringComparison.Ordinal) + 1)..];
        var mount = Assert.Single(container.Items("volumeMounts"), m => m.Text("mountPath") == Path.GetDirectoryName(tokenFile));
        Assert.Equal("true", mount.Text("readOnly"));
        var volume = Assert.Single(pull.Items("spec", "template", "spec", "volumes"), v => v.Text("name") == mount.Text("name"));
        Assert.Equal(secret.Text("metadata", "name"), volume.Text("secret", "secretName"));
        var item = Assert.Single(volume.Items("secret", "items"));
        Assert.Equal(Path.GetFileName(tokenFile), item.Text("path"));
        Assert.True(secret.Map("stringData").ContainsKey(item.Text("key")!), "the Secret has no such key");
        Assert.Contains("REPLACE-ME", secret.Text("stringData", "token"), StringComparison.Ordinal);

        // Everything else is the remediation DaemonSet: take the pull-mode parts out and the token in.
        var pushContainer = Container(push);
        string pushToken = Assert.Single(pushContainer.Texts("args"), a => a.StartsWith("--remediation.token-file=", StringComparison.Ordinal));
        var pushMount = Assert.Single(pushContainer.Items("volumeMounts"), m => m.Text("name") == "token");
        var pushVolume = Assert.Single(push.Items("spec", "template", "spec", "volumes"), v => v.Text("name") == "token");
        // Pull mode has no inbound remediation, so no remediation listener either.
        Assert.DoesNotContain(args, a => a.StartsWith("--remediation.listen-address", StringComparison.Ordinal));
        var (listenArg, webConfigArg, tlsMount, tlsVolume) = RemediationListener(push);
        foreach (var arg in args.Where(a => a.StartsWith("--remediation.alertmanager.", StringComparison.Ordinal) || a.StartsWith("--remediation.instance=", StringComparison.Ordinal)).ToList())
            container.Items("args").Remove(arg);
        container.Items("args").Add(pushToken);
        container.Items("args").Add(listenArg);
        container.Items("args").Add(webConfigArg);
        container.Map().Remove("env");
        container.Items("volumeMounts").Remove(mount);
        container.Items("volumeMounts").Add(pushMount);
        container.Items("volumeMounts").Add(tlsMount);
        pull.Items("spec", "template", "spec", "volumes").Remove(volume);
        pull.Items("spec", "template", "spec", "volumes").Add(pushVolume);
        pull.Items("spec", "template", "spec", "volumes").Add(tlsVolume);
        Assert.Null(Yaml.Difference(push, pull));
    }

    [Fact]
    public void The_pull_variant_polls_alertmanager_in_dry_run_without_inbound_endpoints()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("token"), "t");
        var args = Container(Yaml.Load(Deploy("remediation", "daemonset-pull.yaml"))).Texts("args")
            .Select(a => a.StartsWith("--remediation.alertmanager.bearer-token-file=", StringComparison.Ordinal)
                ? $"--remediation.alertmanager.bearer-token-file={directory.File("token")}" : a)
            .ToList();
        var options = ExporterOptions.From(CommandLine.Parse(args, Flags.All), _ => null);
        Assert.Null(options.TokenFile);
        Assert.True(options.RemediationEnabled);
        var pull = Assert.IsType<AlertmanagerPullOptions>(options.AlertmanagerPull);
        Assert.True(pull.DryRun);
        Assert.Equal(TimeSpan.FromSeconds(30), pull.Interval);
        Assert.Equal(["VethOrphansAccumulating"], options.RemediationAlerts);
    }

    [Fact]
    public void The_fleet_alertmanager_example_has_one_receiver_without_integrations_for_the_remediation_alert()
    {
        var config = Yaml.Load(Deploy("alertmanager", "alertmanager-fleet.yml"));
        var route = Assert.Single(config.Items("route", "routes"), r => r.Texts("matchers").Contains("alertname = \"VethOrphansAccumulating\""));
        Assert.Contains("instance", route.Texts("group_by"));
        var receiver = Assert.Single(config.Items("receivers"), r => r.Text("name") == route.Text("receiver"));
        Assert.Equal(["name"], receiver.Map().Keys.ToList());
        Assert.Contains("amtool silence add alertname=VethOrphansAccumulating", File.ReadAllText(Deploy("alertmanager", "alertmanager-fleet.yml")), StringComparison.Ordinal);
    }

    /// <summary>
    /// The remediation DaemonSet's own listener: a non-loopback address apart from :9814 and a web
    /// configuration from the TLS Secret, mounted read-only, that requires verified client certificates.
    /// </summary>
    private static (string Listen, string WebConfig, object? Mount, object? Volume) RemediationListener(object? daemonSet)
    {
        var container = Container(daemonSet);
        var args = container.Texts("args");
        string listen = Assert.Single(args, a => a.StartsWith("--remediation.listen-address=", StringComparison.Ordinal));
        Assert.Equal("--remediation.listen-address=:9815", listen);
        string webConfigArg = Assert.Single(args, a => a.StartsWith("--remediation.web.config.file=", StringComparison.Ordinal));
        string webConfig = webConfigArg["--remediation.web.config.file=".Length..];
        Assert.DoesNotContain(args, a => a.StartsWith("--web.config.file", StringComparison.Ordinal));

        var mount = Assert.Single(container.Items("volumeMounts"), m => m.Text("mountPath") == Path.GetDirectoryName(webConfig));
        Assert.Equal("true", mount.Text("readOnly"));
        var volume = Assert.Single(daemonSet.Items("spec", "template", "spec", "volumes"), v => v.Text("name") == mount.Text("name"));
        var secret = Yaml.Load(Deploy("remediation", "tls-secret.yaml"));
        Assert.Equal(secret.Text("metadata", "name"), volume.Text("secret", "secretName"));
        var files = secret.Map("stringData");
        var config = VethExporter.WebConfig.WebConfigParser.Parse(files[Path.GetFileName(webConfig)]!.ToString()!, Path.GetDirectoryName(webConfig)!);
        var tls = Assert.IsType<VethExporter.WebConfig.TlsServerConfig>(config.Tls);
        Assert.Equal(VethExporter.WebConfig.ClientAuthType.RequireAndVerifyClientCert, tls.ClientAuth);
        foreach (string file in new[] { tls.CertFile, tls.KeyFile, tls.ClientCaFile! })
        {
            Assert.Equal(Path.GetDirectoryName(webConfig), Path.GetDirectoryName(file));
            Assert.True(files.ContainsKey(Path.GetFileName(file)), $"the TLS Secret has no {Path.GetFileName(file)}");
        }
        return (listen, webConfigArg, mount, volume);
    }

    /// <summary>The Secret's web configuration with real certificates in their place, as the DaemonSet would mount it.</summary>
    private static string UsableRemediationWebConfig(TempDirectory directory)
    {
        var files = Yaml.Load(Deploy("remediation", "tls-secret.yaml")).Map("stringData");
        using var ca = VethExporter.Tests.WebConfig.TestCertificates.Authority("ca");
        using var server = VethExporter.Tests.WebConfig.TestCertificates.Issue(ca, "node", client: false);
        var (cert, key) = VethExporter.Tests.WebConfig.TestCertificates.WritePem(server, directory.Path, "node");
        File.Move(cert, directory.File("tls.crt"));
        File.Move(key, directory.File("tls.key"));
        File.WriteAllText(directory.File("ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(directory.File("web-config.yml"), files["web-config.yml"]!.ToString());
        return directory.File("web-config.yml");
    }

    [Fact]
    public void The_web_config_example_is_one_the_exporter_reads()
    {
        var config = VethExporter.WebConfig.WebConfigParser.Parse(File.ReadAllText(Deploy("web-config.yml")), "/etc/veth-exporter");
        Assert.Equal(VethExporter.WebConfig.ClientAuthType.RequireAndVerifyClientCert, config.Tls!.ClientAuth);
        Assert.Equal("/etc/veth-exporter/ca.crt", config.Tls.ClientCaFile);
    }

    [Fact]
    public void The_tls_secret_is_a_documented_placeholder()
    {
        var files = Yaml.Load(Deploy("remediation", "tls-secret.yaml")).Map("stringData");
        foreach (string name in new[] { "tls.crt", "tls.key", "ca.crt" })
            Assert.Contains("REPLACE-ME", files[name]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("kubectl -n veth-exporter create secret generic veth-exporter-remediation-tls", File.ReadAllText(Deploy("remediation", "tls-secret.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_token_secret_is_a_documented_placeholder()
    {
        string text = File.ReadAllText(Deploy("remediation", "secret.yaml"));
        Assert.Contains("REPLACE-ME", Yaml.Load(Deploy("remediation", "secret.yaml")).Text("stringData", "token"), StringComparison.Ordinal);
        Assert.Contains("openssl rand", text, StringComparison.Ordinal);
        // The read-only set does not enable remediation.
        Assert.DoesNotContain(Container(DaemonSet(false)).Texts("args"), a => a.Contains("token-file", StringComparison.Ordinal));
    }

    [Fact]
    public void The_service_and_service_monitor_reach_the_daemonsets_metrics_port()
    {
        var service = Yaml.Load(Deploy("service.yaml"));
        var monitor = Yaml.Load(Deploy("servicemonitor.yaml"));
        var podLabels = DaemonSet(false).Map("spec", "template", "metadata", "labels");
        foreach (var (key, value) in service.Map("spec", "selector")) Assert.Equal(value, podLabels[key]);
        var port = Assert.Single(service.Items("spec", "ports"));
        Assert.Equal("9814", port.Text("port"));
        Assert.Equal("metrics", port.Text("targetPort"));
        Assert.Equal("None", service.Text("spec", "clusterIP"));

        var serviceLabels = service.Map("metadata", "labels");
        foreach (var (key, value) in monitor.Map("spec", "selector", "matchLabels")) Assert.Equal(value, serviceLabels[key]);
        Assert.Contains(Namespace, monitor.Texts("spec", "namespaceSelector", "matchNames"));
        var endpoint = Assert.Single(monitor.Items("spec", "endpoints"));
        Assert.Equal(port.Text("name"), endpoint.Text("port"));
        Assert.Equal("/metrics", endpoint.Text("path"));
        // The operator names the job after the Service: what VethExporterDown matches on.
        Assert.Contains($"up{{job=\"{service.Text("metadata", "name")}\"}}", File.ReadAllText(Repository.Path("alerts", "veth-exporter.rules.yml")), StringComparison.Ordinal);
        Assert.Null(monitor.At("spec", "jobLabel"));
    }

    [Fact]
    public void The_prometheus_rule_is_what_the_script_generates_from_alerts()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Deploy("generate-prometheusrule.sh"));
        using var process = Process.Start(start)!;
        string generated = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        Assert.True(generated == File.ReadAllText(Deploy("prometheusrule.yaml")),
            "deploy/prometheusrule.yaml is out of date: run deploy/generate-prometheusrule.sh > deploy/prometheusrule.yaml");

        var rule = Yaml.LoadText(generated);
        Assert.Equal("monitoring.coreos.com/v1", rule.Text("apiVersion"));
        Assert.Equal("PrometheusRule", rule.Text("kind"));
        var groups = Directory.GetFiles(Repository.Path("alerts"), "*.y*ml").Order(StringComparer.Ordinal)
            .SelectMany(f => Yaml.Load(f).Items("groups")).ToList();
        Assert.Null(Yaml.Difference(groups, rule.At("spec", "groups")));
    }

    [Fact]
    public void The_systemd_unit_keeps_only_sys_ptrace_and_protects_the_system()
    {
        var unit = SystemdUnit(File.ReadAllText(Deploy("systemd", "veth-exporter.service")));
        Assert.Equal("root", unit["User"].Single());
        Assert.Equal("CAP_SYS_PTRACE", unit["CapabilityBoundingSet"].Single());
        Assert.Equal("CAP_SYS_PTRACE", unit["AmbientCapabilities"].Single());
        foreach (var (key, value) in new[]
        {
            ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("PrivateTmp", "yes"), ("PrivateDevices", "yes"),
            ("ProtectKernelModules", "yes"), ("ProtectKernelTunables", "yes"), ("ProtectControlGroups", "yes"),
            ("RestrictSUIDSGID", "yes"), ("StateDirectory", "veth-exporter"),
        })
            Assert.True(unit.TryGetValue(key, out var values) && values.Single() == value, $"{key}={value} missing");
        Assert.Contains("AF_NETLINK", unit["RestrictAddressFamilies"].Single(), StringComparison.Ordinal);
        // The runtimes' sockets: read-only under ProtectSystem=strict, which is enough to connect to them.
        Assert.Contains("AF_UNIX", unit["RestrictAddressFamilies"].Single().Split(' '));
        foreach (var key in new[] { "InaccessiblePaths", "TemporaryFileSystem" })
            Assert.False(unit.ContainsKey(key), $"{key} could hide the runtimes' sockets");
        Assert.False(unit.ContainsKey("PrivateNetwork"), "the exporter must see the host's network namespace");

        var exec = unit["ExecStart"].Single().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(a => !a.StartsWith('$')).ToList();
        Assert.Equal("/usr/local/bin/veth-exporter", exec[0]);
        var options = ExporterOptions.From(CommandLine.Parse(exec.Skip(1).ToList(), Flags.All), _ => null);
        Assert.Equal($"{StateDirectory}/state.json", options.StateFile);
        Assert.Equal($"{StateDirectory}/audit.log", options.AuditFile);
        Assert.Equal([$":{Flags.DefaultPort}"], options.ListenAddresses);
        Assert.Null(options.TokenFile);
    }

    [SkippableFact]
    public void The_systemd_unit_passes_systemd_analyze_verify()
    {
        string? analyze = new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists);
        Skip.If(analyze is null, "needs systemd-analyze");
        using var directory = new TempDirectory();
        // verify wants ExecStart to exist: point it at a binary that does.
        string unit = directory.File("veth-exporter.service");
        File.WriteAllText(unit, File.ReadAllText(Deploy("systemd", "veth-exporter.service")).Replace("/usr/local/bin/veth-exporter", "/bin/true", StringComparison.Ordinal));
        var start = new ProcessStartInfo(analyze!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "verify", "--man=no", unit }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0 && !output.Contains("Unknown", StringComparison.OrdinalIgnoreCase), output);
    }

    [Fact]
    public void The_alertmanager_example_routes_the_orphan_alert_to_the_webhook_with_a_token_file()
    {
        var config = Yaml.Load(Deploy("alertmanager", "alertmanager.yml"));
        var route = Assert.Single(config.Items("route", "routes"), r => r.Texts("matchers").Contains("alertname = \"VethOrphansAccumulating\""));
        Assert.Contains("bridge", route.Texts("group_by"));
        Assert.Contains("instance", route.Texts("group_by"));
        var receiver = Assert.Single(config.Items("receivers"), r => r.Text("name") == route.Text("receiver"));
        var webhook = Assert.Single(receiver.Items("webhook_configs"));
        Assert.Matches(@"^http://[^/]+:9814/api/v1/alertmanager$", webhook.Text("url"));
        Assert.Equal("Bearer", webhook.Text("http_config", "authorization", "type"));
        Assert.False(string.IsNullOrEmpty(webhook.Text("http_config", "authorization", "credentials_file")));
        Assert.Null(webhook.At("http_config", "authorization", "credentials"));
    }

    /// <summary>Key → values of the active (uncommented) lines of a unit file, continuation lines joined.</summary>
    private static Dictionary<string, List<string>> SystemdUnit(string text)
    {
        var entries = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in ContinuedLine().Replace(text, " ").Split('\n'))
        {
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';' or '[') continue;
            int equals = trimmed.IndexOf('=', StringComparison.Ordinal);
            string key = trimmed[..equals];
            if (!entries.TryGetValue(key, out var values)) entries[key] = values = [];
            values.Add(Regex.Replace(trimmed[(equals + 1)..], @"\s+", " ").Trim());
        }
        return entries;
    }

    [GeneratedRegex(@"\\\n\s*")]
    private static partial Regex ContinuedLine();
}
