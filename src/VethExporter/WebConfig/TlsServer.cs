using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;

namespace VethExporter.WebConfig;

/// <summary>
/// The TLS side of every listener: the handshake options for each connection and the client
/// certificate check that client_auth_type asks for. The PEM files are looked at again at most once a
/// second and reloaded when they change, so a renewed certificate needs no restart (a file that fails to
/// load keeps the last good one).
/// </summary>
public sealed class TlsServer
{
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly TlsServerConfig _config;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private TlsCertificates _current;
    private DateTime _stamp;
    private long _checkedAt;

    public TlsServer(TlsServerConfig config, TimeProvider time)
    {
        _config = config;
        _time = time;
        _current = TlsCertificates.Load(config);
        _stamp = Stamp();
        _checkedAt = time.GetTimestamp();
    }

    public SslServerAuthenticationOptions OptionsFor(IReadOnlyList<SslApplicationProtocol> protocols) => new()
    {
        ServerCertificateContext = Current().Context,
        EnabledSslProtocols = _config.Protocols,
        ClientCertificateRequired = _config.ClientAuth != ClientAuthType.NoClientCert,
        RemoteCertificateValidationCallback = (_, certificate, _, _) => AcceptsClient(certificate as X509Certificate2),
        ApplicationProtocols = [.. protocols],
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>Whether a client that presented this certificate (or none) may go on.</summary>
    public bool AcceptsClient(X509Certificate2? certificate)
    {
        if (certificate is null)
            return _config.ClientAuth is ClientAuthType.NoClientCert or ClientAuthType.RequestClientCert or ClientAuthType.VerifyClientCertIfGiven;
        if (_config.ClientAuth is ClientAuthType.NoClientCert or ClientAuthType.RequestClientCert or ClientAuthType.RequireAnyClientCert)
            return true;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Current().ClientCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        return chain.Build(certificate);
    }

    private TlsCertificates Current()
    {
        long now = _time.GetTimestamp();
        if (_time.GetElapsedTime(Interlocked.Read(ref _checkedAt), now) < TimeSpan.FromSeconds(1)) return _current;
        lock (_gate)
        {
            Interlocked.Exchange(ref _checkedAt, now);
            var stamp = Stamp();
            if (stamp == _stamp) return _current;
            try
            {
                // The old certificates stay undisposed: handshakes in flight may still use them.
                _current = TlsCertificates.Load(_config);
                _stamp = stamp;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                // Keep serving with the last good files; the next change is tried again.
            }
            return _current;
        }
    }

    private DateTime Stamp()
    {
        var stamp = File.GetLastWriteTimeUtc(_config.CertFile);
        var key = File.GetLastWriteTimeUtc(_config.KeyFile);
        if (key > stamp) stamp = key;
        if (_config.ClientCaFile is not null && File.GetLastWriteTimeUtc(_config.ClientCaFile) is var ca && ca > stamp) stamp = ca;
        return stamp;
    }
}

/// <summary>client_auth_type, with the names Go's crypto/tls and exporter-toolkit use.</summary>
public enum ClientAuthType
{
    NoClientCert,
    RequestClientCert,
    RequireAnyClientCert,
    VerifyClientCertIfGiven,
    RequireAndVerifyClientCert,
}

/// <summary>The tls_server_config section, file paths resolved against the configuration file's directory.</summary>
public sealed record TlsServerConfig(
    string CertFile,
    string KeyFile,
    string? ClientCaFile,
    ClientAuthType ClientAuth,
    SslProtocols Protocols);
