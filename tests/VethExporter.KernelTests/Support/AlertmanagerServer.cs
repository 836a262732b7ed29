using System.Text.Json;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// A real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, clustering off, with a
/// temporary storage directory; the test writes its configuration.
/// </summary>
public sealed class AlertmanagerServer : LoopbackServer
{
    private AlertmanagerServer(Started started) : base(started)
    {
    }

    public static string? Binary => Tools.Find("prometheus-alertmanager") ?? Tools.Find("alertmanager");

    public static async Task<AlertmanagerServer> StartAsync(string configuration)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("vxt-alertmanager-").FullName;
        string config = System.IO.Path.Combine(directory, "alertmanager.yml");
        await File.WriteAllTextAsync(config, configuration);
        return await StartAsync(Binary ?? "alertmanager", directory, port =>
        [
            $"--config.file={config}", $"--storage.path={System.IO.Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=debug",
        ], started => new AlertmanagerServer(started));
    }


    /// <summary>Fires an alert through amtool, as an operator would.</summary>
    public void Fire(params string[] labels) =>
        Tools.Run("amtool", [$"--alertmanager.url=http://127.0.0.1:{Port}", "alert", "add", .. labels]);

    /// <summary>A configuration with one webhook receiver calling the exporter with its token file.</summary>
    public static string WebhookConfiguration(int exporterPort, string tokenFile) => $"""
        route:
          receiver: veth-exporter
          group_by: [alertname, instance, bridge, reason, interface]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: veth-exporter
            webhook_configs:
              - url: http://127.0.0.1:{exporterPort}/api/v1/alertmanager
                send_resolved: true
                http_config:
                  authorization:
                    type: Bearer
                    credentials_file: {tokenFile}
        """;

    /// <summary>The alerts Alertmanager holds as active (not resolved), as label sets.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> ActiveAlertsAsync()
    {
        string body = await Http.GetStringAsync("/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.EnumerateArray()
            .Select(a => (IReadOnlyDictionary<string, string>)a.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!))
            .ToList();
    }
}
