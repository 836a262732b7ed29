namespace VethExporter.WebConfig;

/// <summary>
/// What --web.config.file says, in the Prometheus exporter-toolkit format: TLS for every listener, basic
/// authentication users (bcrypt hashes by name), and whether HTTP/2 is offered over TLS.
/// </summary>
public sealed record WebConfiguration(TlsServerConfig? Tls, IReadOnlyDictionary<string, string> BasicAuthUsers, bool Http2)
{
    public static readonly WebConfiguration None = new(null, new Dictionary<string, string>(), Http2: true);
}
