using System.Security.Authentication;
using VethExporter.Tests.Support;
using VethExporter.WebConfig;

namespace VethExporter.Tests.WebConfig;

public class TlsServerTests
{
    [Theory]
    [InlineData(ClientAuthType.NoClientCert, true, true, true)]
    [InlineData(ClientAuthType.RequestClientCert, true, true, true)]
    [InlineData(ClientAuthType.RequireAnyClientCert, false, true, true)]
    [InlineData(ClientAuthType.VerifyClientCertIfGiven, true, true, false)]
    [InlineData(ClientAuthType.RequireAndVerifyClientCert, false, true, false)]
    public void Client_certificates_are_checked_as_client_auth_type_says(ClientAuthType type, bool none, bool trusted, bool stranger)
    {
        using var directory = new TempDirectory();
        using var ca = TestCertificates.Authority("clients-ca");
        using var otherCa = TestCertificates.Authority("someone-else");
        using var server = TestCertificates.Issue(ca, "server", client: false);
        using var client = TestCertificates.Issue(ca, "prometheus", client: true);
        using var outsider = TestCertificates.Issue(otherCa, "prometheus", client: true);
        var (cert, key) = TestCertificates.WritePem(server, directory.Path, "server");
        File.WriteAllText(directory.File("ca.crt"), ca.ExportCertificatePem());
        var tls = new TlsServer(new TlsServerConfig(cert, key, type == ClientAuthType.NoClientCert ? null : directory.File("ca.crt"), type, SslProtocols.Tls12 | SslProtocols.Tls13), TimeProvider.System);

        Assert.Equal(none, tls.AcceptsClient(null));
        Assert.Equal(trusted, tls.AcceptsClient(client));
        Assert.Equal(stranger, tls.AcceptsClient(outsider));
        var options = tls.OptionsFor([System.Net.Security.SslApplicationProtocol.Http11]);
        Assert.Equal(type != ClientAuthType.NoClientCert, options.ClientCertificateRequired);
        Assert.NotNull(options.ServerCertificateContext);
    }

    [Fact]
    public void A_server_certificate_is_not_a_client_certificate()
    {
        using var directory = new TempDirectory();
        using var ca = TestCertificates.Authority("ca");
        using var server = TestCertificates.Issue(ca, "server", client: false);
        var (cert, key) = TestCertificates.WritePem(server, directory.Path, "server");
        File.WriteAllText(directory.File("ca.crt"), ca.ExportCertificatePem());
        var tls = new TlsServer(new TlsServerConfig(cert, key, directory.File("ca.crt"), ClientAuthType.RequireAndVerifyClientCert, SslProtocols.Tls13), TimeProvider.System);
        Assert.False(tls.AcceptsClient(server));
    }
}
