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

    [Fact]
    public void Renewed_certificate_files_are_picked_up_and_broken_ones_keep_the_last_good_pair()
    {
        using var directory = new TempDirectory();
        using var ca = TestCertificates.Authority("ca");
        using var first = TestCertificates.Issue(ca, "first", client: false);
        using var second = TestCertificates.Issue(ca, "second", client: false);
        var (cert, key) = TestCertificates.WritePem(first, directory.Path, "server");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var tls = new TlsServer(new TlsServerConfig(cert, key, null, ClientAuthType.NoClientCert, SslProtocols.Tls12 | SslProtocols.Tls13), time);
        string Served() => tls.OptionsFor([System.Net.Security.SslApplicationProtocol.Http11]).ServerCertificateContext!.TargetCertificate.Thumbprint;
        Assert.Equal(first.Thumbprint, Served());

        TestCertificates.WritePem(second, directory.Path, "server");
        Touch(cert, key, 10);
        Assert.Equal(first.Thumbprint, Served()); // looked at no more than once a second
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(second.Thumbprint, Served());

        File.WriteAllText(key, "not a key");
        Touch(cert, key, 20);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(second.Thumbprint, Served());
    }

    private static void Touch(string cert, string key, int seconds)
    {
        var stamp = DateTime.UtcNow.AddSeconds(seconds);
        File.SetLastWriteTimeUtc(cert, stamp);
        File.SetLastWriteTimeUtc(key, stamp);
    }
}
