using VethExporter.WebConfig;

namespace VethExporter.Web;

/// <summary>
/// How serve listens: TLS and users from --web.config.file, the remediation listeners (with the same TLS,
/// or their own from --remediation.web.config.file), and the connection limits.
/// </summary>
public sealed record ServingOptions(
    string? WebConfigFile,
    WebConfiguration WebConfig,
    IReadOnlyList<string> RemediationListenAddresses,
    string? RemediationWebConfigFile,
    WebConfiguration RemediationWebConfig,
    int MaxConnections,
    int RemediationMaxConnections,
    TimeSpan IdleTimeout,
    TimeSpan ReadHeaderTimeout)
{
    /// <summary>Remediation is answered on listeners of its own, and not on the web listeners.</summary>
    public bool SplitRemediation => RemediationListenAddresses.Count > 0;
}
