using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace VethExporter.WebConfig;

/// <summary>The server certificate with its chain, and the client CAs, as loaded from the PEM files of a tls_server_config.</summary>
public sealed class TlsCertificates : IDisposable
{
    private readonly X509Certificate2Collection _chain;

    private TlsCertificates(X509Certificate2 server, X509Certificate2Collection chain, X509Certificate2Collection clientCas)
    {
        Server = server;
        _chain = chain;
        ClientCas = clientCas;
        Context = SslStreamCertificateContext.Create(server, chain, offline: true);
    }

    public X509Certificate2 Server { get; }

    public X509Certificate2Collection ClientCas { get; }

    public SslStreamCertificateContext Context { get; }

    public static TlsCertificates Load(TlsServerConfig tls)
    {
        var server = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
        // Intermediates after the leaf in cert_file are sent to clients, as Go does.
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(tls.CertFile);
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            if (chain[i].Thumbprint == server.Thumbprint) chain.RemoveAt(i);
        }
        var cas = new X509Certificate2Collection();
        if (tls.ClientCaFile is not null)
        {
            cas.ImportFromPemFile(tls.ClientCaFile);
            if (cas.Count == 0) throw new System.Security.Cryptography.CryptographicException($"{tls.ClientCaFile} holds no PEM certificate");
        }
        return new TlsCertificates(server, chain, cas);
    }

    public void Dispose()
    {
        Server.Dispose();
        foreach (var c in _chain) c.Dispose();
        foreach (var c in ClientCas) c.Dispose();
    }
}
