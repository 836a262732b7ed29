using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// A CA, a server certificate for 127.0.0.1 and client certificates, made with openssl at test time the
/// way an operator would, in a directory the caller owns.
/// </summary>
public sealed class TestPki
{
    public TestPki(string directory, string caName = "ca")
    {
        Skip.If(Tools.Find("openssl") is null, "needs openssl to make test certificates");
        Directory = directory;
        CaName = caName;
        Openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", File($"{caName}.key"), "-out", File($"{caName}.crt"), "-days", "1", "-subj", $"/CN=vxt-{caName}",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    public string Directory { get; }

    public string CaName { get; }

    public string CaCert => File($"{CaName}.crt");

    /// <summary>Issues name.crt and name.key signed by this CA; returns (cert, key) paths.</summary>
    public (string Cert, string Key) Issue(string name, bool client)
    {
        string ext = File($"{name}.ext");
        System.IO.File.WriteAllText(ext, client
            ? "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n"
            : "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n");
        Openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", File($"{name}.key"), "-out", File($"{name}.csr"), "-subj", $"/CN={name}");
        Openssl("x509", "-req", "-in", File($"{name}.csr"), "-CA", CaCert, "-CAkey", File($"{CaName}.key"),
            "-set_serial", $"0x{Random.Shared.NextInt64(1, long.MaxValue):x}", "-days", "1", "-extfile", ext, "-out", File($"{name}.crt"));
        return (File($"{name}.crt"), File($"{name}.key"));
    }

    /// <summary>A client handler that trusts only this CA for the server and presents the given client certificate, if any.</summary>
    public SocketsHttpHandler Handler((string Cert, string Key)? client = null)
    {
        using var ca = X509CertificateLoader.LoadCertificateFromFile(CaCert);
        var trusted = new X509Certificate2Collection(X509CertificateLoader.LoadCertificateFromFile(CaCert));
        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            },
        };
        if (client is { } c)
        {
            using var pem = X509Certificate2.CreateFromPemFile(c.Cert, c.Key);
            // Through PKCS#12, so that the key is usable by the TLS stack.
            ssl.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }
        return new SocketsHttpHandler { SslOptions = ssl, PooledConnectionLifetime = TimeSpan.FromSeconds(30) };
    }

    private string File(string name) => Path.Combine(Directory, name);

    private static void Openssl(params string[] arguments) => Tools.Run("openssl", arguments);
}
