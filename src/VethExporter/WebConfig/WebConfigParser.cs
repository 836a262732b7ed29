using System.Security.Authentication;
using System.Text.RegularExpressions;

namespace VethExporter.WebConfig;

/// <summary>
/// Turns the text of a web configuration file into a <see cref="WebConfiguration"/>. Strict like
/// exporter-toolkit: an unknown key is an error, and so is a setting we recognise but do not implement,
/// so that a file never silently means less than it says.
/// </summary>
public static partial class WebConfigParser
{
    private static readonly string[] Unsupported =
        ["cipher_suites", "curve_preferences", "prefer_server_cipher_suites", "client_allowed_sans", "cert", "key", "client_ca"];

    /// <summary>Parses the file's text; relative paths are taken from baseDirectory. FormatException says what is wrong.</summary>
    public static WebConfiguration Parse(string text, string baseDirectory)
    {
        var root = YamlSubsetParser.Parse(text);
        TlsServerConfig? tls = null;
        var users = new Dictionary<string, string>(StringComparer.Ordinal);
        bool http2 = true;
        foreach (var (key, node) in root.Entries)
        {
            switch (key)
            {
                case "tls_server_config":
                    tls = Tls(Mapping(node, key), baseDirectory);
                    break;
                case "basic_auth_users":
                    foreach (var (user, hash) in Mapping(node, key).Entries) users[user] = BcryptHash(user, hash);
                    break;
                case "http_server_config":
                    foreach (var (setting, value) in Mapping(node, key).Entries)
                    {
                        http2 = setting switch
                        {
                            "http2" => Boolean(value, "http_server_config.http2"),
                            "headers" => throw Error(value, "http_server_config.headers is not supported by veth-exporter"),
                            _ => throw Error(value, $"unknown key http_server_config.{setting}"),
                        };
                    }
                    break;
                default:
                    throw Error(node, $"unknown key {key}");
            }
        }
        return new WebConfiguration(tls, users, http2);
    }

    private static TlsServerConfig? Tls(YamlMapping section, string baseDirectory)
    {
        string? cert = null, key = null, clientCa = null;
        var auth = ClientAuthType.NoClientCert;
        var min = SslProtocols.Tls12;
        var max = SslProtocols.Tls13;
        foreach (var (name, node) in section.Entries)
        {
            string setting = "tls_server_config." + name;
            switch (name)
            {
                case "cert_file": cert = FilePath(node, setting, baseDirectory); break;
                case "key_file": key = FilePath(node, setting, baseDirectory); break;
                case "client_ca_file": clientCa = FilePath(node, setting, baseDirectory); break;
                case "client_auth_type":
                    string? type = Text(node, setting);
                    auth = type is not null && Enum.GetNames<ClientAuthType>().Contains(type)
                        ? Enum.Parse<ClientAuthType>(type)
                        : throw Error(node, $"{setting} must be one of {string.Join(", ", Enum.GetNames<ClientAuthType>())}, not \"{type}\"");
                    break;
                case "min_version": min = Version(node, setting); break;
                case "max_version": max = Version(node, setting); break;
                default:
                    throw Error(node, Unsupported.Contains(name) ? $"{setting} is not supported by veth-exporter" : $"unknown key {setting}");
            }
        }
        if (section.Entries.Count == 0) return null;
        if (cert is null) throw Error(section, "tls_server_config needs cert_file");
        if (key is null) throw Error(section, "tls_server_config needs key_file");
        if (auth is ClientAuthType.VerifyClientCertIfGiven or ClientAuthType.RequireAndVerifyClientCert && clientCa is null)
            throw Error(section, $"client_auth_type {auth} needs client_ca_file");
        if (clientCa is not null && auth == ClientAuthType.NoClientCert)
            throw Error(section, "client_ca_file is set but client_auth_type is NoClientCert: say which client certificates to require");
        if (max < min) throw Error(section, "tls_server_config.max_version is below min_version");
        var protocols = SslProtocols.None;
        if (min <= SslProtocols.Tls12 && max >= SslProtocols.Tls12) protocols |= SslProtocols.Tls12;
        if (max >= SslProtocols.Tls13) protocols |= SslProtocols.Tls13;
        return new TlsServerConfig(cert, key, clientCa, auth, protocols);
    }

    private static SslProtocols Version(YamlNode node, string setting) => Text(node, setting) switch
    {
        "TLS12" => SslProtocols.Tls12,
        "TLS13" => SslProtocols.Tls13,
        "TLS10" or "TLS11" => throw Error(node, $"{setting} {Text(node, setting)} is not offered: TLS 1.0 and 1.1 are obsolete; use TLS12 or TLS13"),
        var other => throw Error(node, $"{setting} must be TLS12 or TLS13, not \"{other}\""),
    };

    private static string BcryptHash(string user, YamlNode node)
    {
        string setting = $"basic_auth_users.{user}";
        if (user.Contains(':', StringComparison.Ordinal)) throw Error(node, $"user name \"{user}\" cannot contain \":\" (basic authentication splits on it)");
        string hash = Text(node, setting) ?? throw Error(node, $"{setting} has no password hash");
        return BcryptShape().IsMatch(hash) ? hash : throw Error(node, $"{setting} is not a bcrypt hash (expected $2y$10$… from htpasswd -nBC 10 or a bcrypt tool)");
    }

    private static bool Boolean(YamlNode node, string setting) => Text(node, setting) switch
    {
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        var other => throw Error(node, $"{setting} must be true or false, not \"{other}\""),
    };

    private static string FilePath(YamlNode node, string setting, string baseDirectory)
    {
        string? path = Text(node, setting);
        if (string.IsNullOrWhiteSpace(path)) throw Error(node, $"{setting} is empty");
        return Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDirectory, path));
    }

    private static string? Text(YamlNode node, string setting) =>
        node is YamlScalar scalar ? scalar.Value : throw Error(node, $"{setting} must be a single value, not a section");

    private static YamlMapping Mapping(YamlNode node, string setting) => node switch
    {
        YamlMapping mapping => mapping,
        YamlScalar { Value: null } => new YamlMapping([], node.Line),
        _ => throw Error(node, $"{setting} must be a section of \"key: value\" lines"),
    };

    private static FormatException Error(YamlNode node, string message) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"line {node.Line}: {message}"));

    [GeneratedRegex(@"^\$2[abxy]?\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptShape();
}
