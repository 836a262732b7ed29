using VethExporter.Common;

namespace VethExporter.WebConfig;

/// <summary>Reads --web.config.file and checks that the files it names can be loaded; anything wrong is a usage error.</summary>
public static class WebConfigFile
{
    public static WebConfiguration Read(string path, string flag = "web.config.file")
    {
        WebConfiguration config;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new UsageException($"--{flag} {path}: no such file");
            if (info.Length > YamlSubsetParser.MaxBytes) throw new UsageException($"--{flag} {path}: larger than {YamlSubsetParser.MaxBytes} bytes");
            config = WebConfigParser.Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--{flag} {path}: {e.Message}");
        }
        if (config.Tls is { } tls)
        {
            try
            {
                // Load once now, so a bad certificate stops the start rather than every handshake.
                TlsCertificates.Load(tls).Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new UsageException($"--{flag} {path}: cannot load the TLS files: {e.Message}");
            }
        }
        return config;
    }
}

/// <summary>
/// What --web.config.file says, in the Prometheus exporter-toolkit format: TLS for every listener, basic
/// authentication users (bcrypt hashes by name), and whether HTTP/2 is offered over TLS.
/// </summary>
public sealed record WebConfiguration(TlsServerConfig? Tls, IReadOnlyDictionary<string, string> BasicAuthUsers, bool Http2)
{
    public static readonly WebConfiguration None = new(null, new Dictionary<string, string>(), Http2: true);
}
