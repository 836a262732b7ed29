using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// A real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, with one webhook
/// receiver pointing at the exporter and the bearer token read from a credentials file.
/// </summary>
public sealed class AlertmanagerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private AlertmanagerProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    public static async Task<AlertmanagerProcess> StartAsync(int exporterPort, string tokenFile)
    {
        string binary = Tools.Find("prometheus-alertmanager") ?? Tools.Find("alertmanager")
            ?? throw new InvalidOperationException("prometheus-alertmanager is not installed");
        string directory = Directory.CreateTempSubdirectory("vxt-am-").FullName;
        int port = FreePort();
        string config = Path.Combine(directory, "alertmanager.yml");
        await File.WriteAllTextAsync(config, $"""
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
            """);
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { $"--config.file={config}", $"--storage.path={directory}", $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=" })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var alertmanager = new AlertmanagerProcess(process, directory, port);
        using var http = new HttpClient();
        bool ready = await Eventually.TrueAsync(() =>
        {
            try
            {
                return http.GetAsync($"{alertmanager.Url}/-/ready").GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20));
        if (!ready)
        {
            await alertmanager.DisposeAsync();
            throw new InvalidOperationException("alertmanager did not become ready");
        }
        return alertmanager;
    }

    /// <summary>Fires an alert through amtool, as an operator or a test would.</summary>
    public void Fire(params string[] labels) =>
        Tools.Run("amtool", [$"--alertmanager.url={Url}", "alert", "add", .. labels]);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
