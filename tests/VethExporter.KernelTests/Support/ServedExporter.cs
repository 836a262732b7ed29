using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// The real `veth-exporter serve` process on a free loopback port, scanning a fake host. Its state
/// file, token file and audit log live in a temporary directory removed on dispose.
/// </summary>
public sealed class ServedExporter : IAsyncDisposable
{
    public const string Token = "test-token-5f1d2c";

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ServedExporter(Process process, int port, string directory, ServeSettings settings)
    {
        _process = process;
        Port = port;
        Directory = directory;
        Http = new HttpClient(settings.Handler ?? new SocketsHttpHandler(), disposeHandler: true)
        {
            BaseAddress = new Uri($"{settings.Scheme}://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        Http.DefaultRequestHeaders.Authorization = settings.Authorization;
        process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>The exporter's process id (to count its open descriptors).</summary>
    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Holds state.json, token and audit.log.</summary>
    public string Directory { get; }

    public HttpClient Http { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public string StateFile => Path.Combine(Directory, "state.json");

    public string AuditFile => Path.Combine(Directory, "audit.log");

    public static Task<ServedExporter> StartAsync(FakeHost host, string? directory = null, params string[] extra) =>
        StartAsync(host, directory, withToken: true, extra);

    public static Task<ServedExporter> StartAsync(FakeHost host, string? directory, bool withToken, params string[] extra) =>
        StartAsync(host, directory, new ServeSettings(WithToken: withToken), extra);

    /// <summary>Starts serve; readiness is probed with the settings' client (scheme, TLS, credentials).</summary>
    public static async Task<ServedExporter> StartAsync(FakeHost host, string? directory, ServeSettings settings, params string[] extra)
    {
        bool withToken = settings.WithToken;
        directory ??= System.IO.Directory.CreateTempSubdirectory("vxt-serve-").FullName;
        string tokenFile = Path.Combine(directory, "token");
        await File.WriteAllTextAsync(tokenFile, Token + "\n");
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        int port = BackgroundProcess.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            Exporter.Dll, "serve", "--netns", host.NetnsPath, "--web.listen-address", $"127.0.0.1:{port}",
            .. (extra.Contains("--scan.interval") ? Array.Empty<string>() : ["--scan.interval", "1s"]), "--state.file", Path.Combine(directory, "state.json"),
            "--remediation.audit-file", Path.Combine(directory, "audit.log"),
            .. (extra.Contains("--remediation.min-age") ? Array.Empty<string>() : ["--remediation.min-age", "0s"]),
            // Never the machine's own CNI cache: a test's fake host is not where those attachments live.
            .. (extra.Contains("--path.cni-cache") ? Array.Empty<string>() : ["--path.cni-cache", Path.Combine(directory, "no-cni"), "--path.cni-networks", Path.Combine(directory, "no-cni", "networks")]), .. (withToken ? new[] { "--remediation.token-file", tokenFile } : []), .. extra,
        ];
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Exporter.NoMachineRuntimes(start, arguments);
        var served = new ServedExporter(Process.Start(start)!, port, directory, settings);
        if (!await Eventually.TrueAsync(() => served._process.HasExited || HttpProbe.IsOk(served.Http, "/readyz"), TimeSpan.FromSeconds(30)) || served._process.HasExited)
        {
            string log = served.Log;
            await served.DisposeAsync();
            throw new InvalidOperationException($"serve did not become ready:\n{log}");
        }
        return served;
    }


    public Task<string> MetricsAsync() => Http.GetStringAsync("/metrics");

    /// <summary>The value of one series on the 0.0.4 page, or null when the series is absent.</summary>
    public async Task<double?> SampleAsync(string series)
    {
        string text = await MetricsAsync();
        var match = Regex.Match(text, $"^{Regex.Escape(series)} (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Waits until a series has the wanted value; fails with the last page when it never does.</summary>
    public Task WaitForSampleAsync(string series, double wanted, TimeSpan? timeout = null) =>
        WaitForSampleAsync(series, value => value == wanted, $"{wanted}", timeout);

    /// <summary>Waits until a series satisfies a condition (host-wide gauges only ever get a lower bound).</summary>
    public async Task WaitForSampleAsync(string series, Func<double?, bool> condition, string wanted, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        double? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await SampleAsync(series);
            if (condition(last)) return;
            await Task.Delay(200);
        }
        Assert.Fail($"{series} stayed at {last?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "absent"}, wanted {wanted}\n{await MetricsAsync()}");
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string body, string? token = Token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }

    /// <summary>Stops the process but keeps its directory (for restart tests).</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Http.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a second instance may own it now
        }
    }

}
