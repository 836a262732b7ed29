using System.Security.Authentication;
using VethExporter.Cli;
using VethExporter.Tests.Support;
using VethExporter.WebConfig;
using VethExporter.Common;

namespace VethExporter.Tests.WebConfig;

public class WebConfigParserTests
{
    private const string Hash = "$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG";

    [Fact]
    public void Reads_the_exporter_toolkit_example_with_paths_from_the_files_directory()
    {
        var config = WebConfigParser.Parse($"""
            tls_server_config:
              cert_file: server.crt
              key_file: /etc/veth-exporter/server.key
              client_ca_file: ca/clients.pem
              client_auth_type: RequireAndVerifyClientCert
              min_version: TLS13
            http_server_config:
              http2: false
            basic_auth_users:
              prometheus: {Hash}
            """, "/etc/veth-exporter");
        var tls = Assert.IsType<TlsServerConfig>(config.Tls);
        Assert.Equal("/etc/veth-exporter/server.crt", tls.CertFile);
        Assert.Equal("/etc/veth-exporter/server.key", tls.KeyFile);
        Assert.Equal("/etc/veth-exporter/ca/clients.pem", tls.ClientCaFile);
        Assert.Equal(ClientAuthType.RequireAndVerifyClientCert, tls.ClientAuth);
        Assert.Equal(SslProtocols.Tls13, tls.Protocols);
        Assert.False(config.Http2);
        Assert.Equal(Hash, config.BasicAuthUsers["prometheus"]);
    }

    [Fact]
    public void Defaults_follow_exporter_toolkit()
    {
        var config = WebConfigParser.Parse("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n", "/d");
        Assert.Equal(ClientAuthType.NoClientCert, config.Tls!.ClientAuth);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, config.Tls.Protocols);
        Assert.True(config.Http2);
        Assert.Empty(config.BasicAuthUsers);
        Assert.Null(WebConfigParser.Parse("", "/d").Tls);
        Assert.Null(WebConfigParser.Parse("tls_server_config:\n", "/d").Tls);
    }

    [Theory]
    [InlineData("tls_config:\n  cert_file: a", "unknown key tls_config")]
    [InlineData("tls_server_config:\n  key_file: a.key", "needs cert_file")]
    [InlineData("tls_server_config:\n  cert_file: a.crt", "needs key_file")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert", "needs client_ca_file")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: VerifyClientCertIfGiven", "needs client_ca_file")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c", "client_auth_type is NoClientCert")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: requireandverifyclientcert", "must be one of")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: 4", "must be one of")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS10", "obsolete")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: SSL3", "must be TLS12 or TLS13")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n  max_version: TLS12", "below min_version")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: x", "cipher_suites is not supported")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_allowed_sans: x", "not supported")]
    [InlineData("tls_server_config:\n  cert_file:\n    nested: x\n  key_file: b", "must be a single value")]
    [InlineData("tls_server_config: yes", "must be a section")]
    [InlineData("tls_server_config:\n  cert_file: \"\"\n  key_file: b", "cert_file is empty")]
    [InlineData("tls_server_config:\n  cert_file: a\n  key_file:", "key_file is empty")]
    [InlineData("basic_auth_users:\n  alice: plaintext", "is not a bcrypt hash")]
    [InlineData("basic_auth_users:\n  alice:", "has no password hash")]
    [InlineData("basic_auth_users:\n  \"a:b\": " + Hash, "cannot contain \":\"")]
    [InlineData("http_server_config:\n  http2: maybe", "true or false")]
    [InlineData("http_server_config:\n  headers:\n    X-Frame-Options: deny", "headers is not supported")]
    public void Refuses_bad_files_with_the_line_and_the_reason(string text, string error)
    {
        var e = Assert.Throws<FormatException>(() => WebConfigParser.Parse(text, "/d"));
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("line ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_cannot_be_used_is_a_usage_error()
    {
        using var directory = new TempDirectory();
        Assert.Contains("no such file", Assert.Throws<UsageException>(() => WebConfigFile.Read(directory.File("missing.yml"))).Message, StringComparison.Ordinal);

        File.WriteAllText(directory.File("bad.yml"), "tls_server_config:\n  - cert_file: a\n");
        Assert.Contains("line 2: sequences", Assert.Throws<UsageException>(() => WebConfigFile.Read(directory.File("bad.yml"))).Message, StringComparison.Ordinal);

        File.WriteAllText(directory.File("nocert.yml"), "tls_server_config:\n  cert_file: none.crt\n  key_file: none.key\n");
        Assert.Contains("cannot load the TLS files", Assert.Throws<UsageException>(() => WebConfigFile.Read(directory.File("nocert.yml"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_good_file_loads_its_certificates()
    {
        using var directory = new TempDirectory();
        using var ca = TestCertificates.Authority("test-ca");
        using var server = TestCertificates.Issue(ca, "server", client: false);
        TestCertificates.WritePem(server, directory.Path, "server");
        File.WriteAllText(directory.File("ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(directory.File("web.yml"),
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n");
        var config = WebConfigFile.Read(directory.File("web.yml"));
        Assert.Equal(directory.File("server.crt"), config.Tls!.CertFile);
    }
}
