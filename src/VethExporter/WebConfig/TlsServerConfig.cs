using System.Security.Authentication;

namespace VethExporter.WebConfig;

/// <summary>The tls_server_config section, file paths resolved against the configuration file's directory.</summary>
public sealed record TlsServerConfig(
    string CertFile,
    string KeyFile,
    string? ClientCaFile,
    ClientAuthType ClientAuth,
    SslProtocols Protocols);
