namespace VethExporter.WebConfig;

/// <summary>client_auth_type, with the names Go's crypto/tls and exporter-toolkit use.</summary>
public enum ClientAuthType
{
    NoClientCert,
    RequestClientCert,
    RequireAnyClientCert,
    VerifyClientCertIfGiven,
    RequireAndVerifyClientCert,
}
