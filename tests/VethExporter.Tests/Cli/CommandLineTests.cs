using VethExporter.Cli;
using VethExporter.Common;
using VethExporter.Runtime;

namespace VethExporter.Tests.Cli;

public class CommandLineTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    private static ExporterOptions Options(params string[] args) =>
        ExporterOptions.From(CommandLine.Parse(args, Flags.All), name => NoEnvironment.GetValueOrDefault(name));

    [Fact]
    public void Defaults_need_no_configuration()
    {
        var options = Options();
        Assert.Equal([":9814"], options.ListenAddresses);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ScanInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), options.MinAge);
        Assert.Equal(20, options.MaxDeletes);
        Assert.Equal("/proc", options.Paths.Procfs);
        Assert.Null(options.Paths.ScannedNetns);
        Assert.Null(options.TokenFile);
        Assert.True(options.DetachBridged);
        Assert.Equal(RuntimeEndpoints.Defaults, options.Runtime);
    }

    [Fact]
    public void Runtime_sockets_are_repeatable_replace_the_defaults_and_none_turns_them_off()
    {
        var given = ExporterOptions.From(CommandLine.Parse(["serve", "--runtime.cri-socket", "unix:///run/k3s/containerd/containerd.sock",
            "--runtime.docker-socket=/a.sock", "--runtime.docker-socket", "/b.sock"], Flags.All), _ => null).Runtime;
        Assert.Equal(["DockerEngine /a.sock", "DockerEngine /b.sock", "Cri /run/k3s/containerd/containerd.sock"], given.Endpoints.Select(e => $"{e.Api} {e.SocketPath}"));
        Assert.All(given.Endpoints, e => Assert.True(e.Configured));
        var none = ExporterOptions.From(CommandLine.Parse(["scan"], Flags.All), n => n == "VETH_EXPORTER_RUNTIME_CRI_SOCKET" ? "none" : null).Runtime;
        Assert.Empty(none.Endpoints);
        var bad = Assert.Throws<UsageException>(() => ExporterOptions.From(CommandLine.Parse(["serve", "--runtime.cri-socket", "tcp://10.0.0.1:1"], Flags.All), _ => null));
        Assert.Contains("only unix sockets", bad.Message, StringComparison.Ordinal);
        var narrowed = ExporterOptions.From(CommandLine.Parse(["serve", "--remediation.detach-bridged=false"], Flags.All), _ => null);
        Assert.False(narrowed.DetachBridged);
        var slow = ExporterOptions.From(CommandLine.Parse(["serve", "--runtime.timeout", "30s"], Flags.All), _ => null).RuntimeLimits;
        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15)), (slow.Budget, slow.CallTimeout));
        Assert.Equal(TimeSpan.FromSeconds(5), ExporterOptions.From(CommandLine.Parse(["scan"], Flags.All), _ => null).RuntimeLimits.Budget);
        Assert.Throws<UsageException>(() => ExporterOptions.From(CommandLine.Parse(["serve", "--runtime.timeout", "2m"], Flags.All), _ => null));
        // Not given, it gives way to a short scan timeout.
        Assert.Equal(TimeSpan.FromSeconds(1), ExporterOptions.From(CommandLine.Parse(["serve", "--scan.timeout", "2s"], Flags.All), _ => null).RuntimeLimits.Budget);
    }

    [Fact]
    public void Both_flag_spellings_and_repeats_are_accepted()
    {
        var line = CommandLine.Parse(["serve", "--scan.interval=1m", "--web.listen-address", ":1", "--web.listen-address=:2"], Flags.All);
        Assert.Equal("serve", line.Verb);
        var options = ExporterOptions.From(line, _ => null);
        Assert.Equal(TimeSpan.FromMinutes(1), options.ScanInterval);
        Assert.Equal([":1", ":2"], options.ListenAddresses);
        Assert.Equal("json", ExporterOptions.From(CommandLine.Parse(["scan", "--output=json"], Flags.All), _ => null).Output);
    }

    [Fact]
    public void Environment_fills_in_what_flags_do_not_say()
    {
        var environment = new Dictionary<string, string?> { ["VETH_EXPORTER_SCAN_INTERVAL"] = "2m", ["VETH_EXPORTER_REMEDIATION_MAX_DELETES"] = "5" };
        var options = ExporterOptions.From(CommandLine.Parse(["--remediation.max-deletes", "7"], Flags.All), n => environment.GetValueOrDefault(n));
        Assert.Equal(TimeSpan.FromMinutes(2), options.ScanInterval);
        Assert.Equal(7, options.MaxDeletes);
    }

    [Theory]
    [InlineData("unknown flag --no.such", "--no.such", "1")]
    [InlineData("\"soon\" is not a duration", "--scan.interval", "soon")]
    [InlineData("at least 1s", "--scan.interval", "0s")]
    [InlineData("must be a whole number", "--remediation.max-deletes", "-1")]
    [InlineData("not a valid regular expression", "--remediation.protect", "(")]
    [InlineData("no such directory", "--path.procfs", "/nonexistent/proc")]
    [InlineData("must start with /", "--web.telemetry-path", "metrics")]
    public void Bad_options_give_one_clear_message(string expected, string flag, string value)
    {
        var error = Assert.Throws<UsageException>(() => Options(flag, value));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Missing_value_and_unknown_verb_are_usage_errors()
    {
        Assert.Contains("needs a value", Assert.Throws<UsageException>(() => Options("--scan.interval")).Message);
        Assert.Contains("unknown command", Assert.Throws<UsageException>(() => Options("explode")).Message);
        Assert.Contains("more than once", Assert.Throws<UsageException>(() => Options("scan", "--output", "json", "--output", "text")).Message);
        Assert.Contains("must be one of text, json", Assert.Throws<UsageException>(() => Options("scan", "--output", "yaml")).Message);
    }

    [Theory]
    [InlineData("serve", "--dry-run")]
    [InlineData("serve", "--output", "json")]
    [InlineData("scan", "--web.listen-address", ":1")]
    [InlineData("scan", "--remediation.token-file", "/etc/passwd")]
    [InlineData("scan", "--dry-run")]
    [InlineData("remediate", "--remediation.alertmanager.url", "http://am:9093")]
    [InlineData("capture-fixtures", "--remediation.min-age", "1m")]
    public void A_flag_of_another_command_is_a_usage_error(params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse(args, Flags.All));
        Assert.Equal($"{args[1]} is not a flag of {args[0]} (see {args[0]} --help)", error.Message);
    }

    [Fact]
    public void The_environment_may_hold_flags_of_other_commands()
    {
        // One environment (a unit file, a pod spec) serves every command: only the command line is strict.
        var environment = new Dictionary<string, string?> { ["VETH_EXPORTER_WEB_LISTEN_ADDRESS"] = ":9999" };
        var options = ExporterOptions.From(CommandLine.Parse(["scan", "--output", "json"], Flags.All), n => environment.GetValueOrDefault(n));
        Assert.Equal("json", options.Output);
    }

    [Fact]
    public void A_flag_that_does_nothing_is_gone()
    {
        Assert.DoesNotContain(Flags.All, f => f.Name == "path.sysfs");
        Assert.Contains("unknown flag --path.sysfs", Assert.Throws<UsageException>(() => Options("--path.sysfs", "/sys")).Message);
    }
}
