using VethExporter.Cli;
using VethExporter.Tests.Support;
using VethExporter.Common;

namespace VethExporter.Tests.Cli;

public class ServingFlagsTests
{
    private static ExporterOptions Options(params string[] args) =>
        ExporterOptions.From(CommandLine.Parse(args, Flags.All), _ => null);

    [Fact]
    public void Defaults_bound_connections_and_idle_time()
    {
        var serving = Options().Serving;
        Assert.Null(serving.WebConfigFile);
        Assert.Null(serving.WebConfig.Tls);
        Assert.Empty(serving.WebConfig.BasicAuthUsers);
        Assert.False(serving.SplitRemediation);
        Assert.Equal(4096, serving.MaxConnections);
        Assert.Equal(64, serving.RemediationMaxConnections);
        Assert.Equal(TimeSpan.FromSeconds(60), serving.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), serving.ReadHeaderTimeout);
    }

    [Fact]
    public void Remediation_listens_apart_only_with_a_token()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("token"), "0123456789abcdef0123");
        var serving = Options("--remediation.token-file", directory.File("token"),
            "--remediation.listen-address", "127.0.0.1:9815", "--remediation.listen-address=[::1]:9815").Serving;
        Assert.True(serving.SplitRemediation);
        Assert.Equal(["127.0.0.1:9815", "[::1]:9815"], serving.RemediationListenAddresses);

        Assert.Contains("needs --remediation.token-file", Assert.Throws<UsageException>(() => Options("--remediation.listen-address", "127.0.0.1:9815")).Message, StringComparison.Ordinal);
        Assert.Contains("both", Assert.Throws<UsageException>(() => Options("--remediation.token-file", directory.File("token"),
            "--web.listen-address", ":9814", "--remediation.listen-address", ":9814")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--web.max-connections", "-1")]
    [InlineData("--web.idle-timeout", "0s")]
    [InlineData("--web.read-header-timeout", "soon")]
    [InlineData("--remediation.max-connections", "0")]
    public void Bad_limits_are_usage_errors(string flag, string value) =>
        Assert.Throws<UsageException>(() => Options(flag, value));

    [Fact]
    public void A_bad_web_config_file_is_a_usage_error_naming_the_flag()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("web.yml"), "basic_auth_users:\n  alice: hunter2\n");
        var e = Assert.Throws<UsageException>(() => Options("--web.config.file", directory.File("web.yml")));
        Assert.StartsWith("--web.config.file ", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_remediation_listener_may_have_a_tls_configuration_of_its_own()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.File("token"), "0123456789abcdef0123");
        using var ca = VethExporter.Tests.WebConfig.TestCertificates.Authority("ca");
        using var server = VethExporter.Tests.WebConfig.TestCertificates.Issue(ca, "server", client: false);
        VethExporter.Tests.WebConfig.TestCertificates.WritePem(server, directory.Path, "server");
        File.WriteAllText(directory.File("ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(directory.File("remediation.yml"),
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n");
        string[] common = ["--remediation.token-file", directory.File("token"), "--remediation.listen-address", ":9815"];

        var serving = Options([.. common, "--remediation.web.config.file", directory.File("remediation.yml")]).Serving;
        Assert.Null(serving.WebConfig.Tls);
        Assert.Equal(VethExporter.WebConfig.ClientAuthType.RequireAndVerifyClientCert, serving.RemediationWebConfig.Tls!.ClientAuth);

        // Without one, the remediation listeners take --web.config.file.
        var shared = Options([.. common, "--web.config.file", directory.File("remediation.yml")]).Serving;
        Assert.Same(shared.WebConfig, shared.RemediationWebConfig);

        Assert.Contains("needs --remediation.listen-address", Assert.Throws<UsageException>(() =>
            Options("--remediation.token-file", directory.File("token"), "--remediation.web.config.file", directory.File("remediation.yml"))).Message, StringComparison.Ordinal);
        File.WriteAllText(directory.File("users.yml"), "basic_auth_users:\n  a: $2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG\n");
        Assert.Contains("does not apply there", Assert.Throws<UsageException>(() =>
            Options([.. common, "--remediation.web.config.file", directory.File("users.yml")])).Message, StringComparison.Ordinal);
    }
}
