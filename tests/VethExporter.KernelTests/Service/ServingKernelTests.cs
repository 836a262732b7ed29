using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using VethExporter.KernelTests.Support;

namespace VethExporter.KernelTests.Service;

/// <summary>The real `serve` behind --web.config.file (TLS, client certificates, basic auth) and with a remediation listener of its own.</summary>
public class ServingKernelTests
{
    private const string DryRun = "{\"interfaces\":[\"vethnone\"],\"dryRun\":true}";

    /// <summary>The status of a request, or -1 when the connection or the handshake failed.</summary>
    private static async Task<int> StatusAsync(HttpClient http, HttpRequestMessage request)
    {
        try
        {
            using var response = await http.SendAsync(request);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return -1;
        }
    }

    private static Task<int> GetAsync(HttpClient http, string url) => StatusAsync(http, new HttpRequestMessage(HttpMethod.Get, url));

    private static Task<int> RemediateAsync(HttpClient http, string url, string? token = ServedExporter.Token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(DryRun, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return StatusAsync(http, request);
    }

    private static string NewDirectory() => Directory.CreateTempSubdirectory("vxt-serve-").FullName;

    [SkippableFact]
    public async Task Tls_with_a_client_ca_admits_only_the_clients_it_signed_on_every_listener()
    {
        using var host = new FakeHost();
        string directory = NewDirectory();
        var pki = new TestPki(directory);
        pki.Issue("server", client: false);
        var prometheus = pki.Issue("prometheus", client: true);
        var intruder = new TestPki(directory, "rogue").Issue("intruder", client: true);
        string webConfig = Path.Combine(directory, "web.yml");
        // Relative paths: taken from the configuration file's directory, as exporter-toolkit does.
        await File.WriteAllTextAsync(webConfig, """
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              client_ca_file: ca.crt
              client_auth_type: RequireAndVerifyClientCert
            """);
        int remediationPort = BackgroundProcess.FreePort();
        await using var served = await ServedExporter.StartAsync(host, directory, new ServeSettings("https", pki.Handler(prometheus)),
            "--web.config.file", webConfig, "--remediation.listen-address", $"127.0.0.1:{remediationPort}");
        string metrics = $"https://127.0.0.1:{served.Port}/metrics", remediate = $"https://127.0.0.1:{remediationPort}/api/v1/remediate";

        Assert.Equal(200, await GetAsync(served.Http, metrics));
        Assert.Contains("veth_exporter_scans_total", await served.MetricsAsync(), StringComparison.Ordinal);
        Assert.Equal(200, await RemediateAsync(served.Http, remediate));

        using var anonymous = new HttpClient(pki.Handler());
        using var stranger = new HttpClient(pki.Handler(intruder));
        using var plain = new HttpClient();
        foreach (var (client, name) in new[] { (anonymous, "no client certificate"), (stranger, "a certificate of another CA") })
        {
            Assert.True(await GetAsync(client, metrics) == -1, $"{name}: /metrics answered");
            Assert.True(await RemediateAsync(client, remediate) == -1, $"{name}: remediation answered");
        }
        Assert.NotEqual(200, await GetAsync(plain, $"http://127.0.0.1:{served.Port}/metrics"));
        Assert.NotEqual(200, await RemediateAsync(plain, $"http://127.0.0.1:{remediationPort}/api/v1/remediate"));

        if (Tools.Find("curl") is not null)
        {
            // What an operator would type: the server's chain and 127.0.0.1 SAN verified against the CA.
            string code = Tools.Run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", pki.CaCert,
                "--cert", prometheus.Cert, "--key", prometheus.Key, metrics);
            Assert.Equal("200", code);
            Assert.False(Tools.TryRun("curl", "-sS", "-o", "/dev/null", "--cacert", pki.CaCert, metrics), "curl without a client certificate got an answer");
        }
        Assert.False(served.HasExited);
    }

    [SkippableFact]
    public async Task A_remediation_listener_with_its_own_tls_leaves_metrics_and_probes_on_plain_http()
    {
        using var host = new FakeHost();
        string directory = NewDirectory();
        var pki = new TestPki(directory);
        pki.Issue("server", client: false);
        var alertmanager = pki.Issue("alertmanager", client: true);
        string webConfig = Path.Combine(directory, "remediation.yml");
        await File.WriteAllTextAsync(webConfig,
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n");
        int remediationPort = BackgroundProcess.FreePort();
        await using var served = await ServedExporter.StartAsync(host, directory, new ServeSettings(),
            "--remediation.listen-address", $"127.0.0.1:{remediationPort}", "--remediation.web.config.file", webConfig);
        string remediate = $"https://127.0.0.1:{remediationPort}/api/v1/remediate";

        using var plain = new HttpClient();
        Assert.Equal(200, await GetAsync(plain, $"http://127.0.0.1:{served.Port}/readyz"));
        Assert.Equal(200, await GetAsync(plain, $"http://127.0.0.1:{served.Port}/metrics"));
        Assert.Equal(404, await RemediateAsync(plain, $"http://127.0.0.1:{served.Port}/api/v1/remediate"));

        using var trusted = new HttpClient(pki.Handler(alertmanager));
        using var anonymous = new HttpClient(pki.Handler());
        Assert.Equal(200, await RemediateAsync(trusted, remediate));
        Assert.Equal(401, await RemediateAsync(trusted, remediate, token: "wrong-token-wrong-token"));
        Assert.Equal(-1, await RemediateAsync(anonymous, remediate));
        Assert.NotEqual(200, await RemediateAsync(plain, $"http://127.0.0.1:{remediationPort}/api/v1/remediate"));
    }

    [SkippableFact]
    public async Task Basic_auth_guards_every_endpoint_and_a_scraper_pays_bcrypt_once()
    {
        using var host = new FakeHost();
        string directory = NewDirectory();
        // Cost 12: a quarter of a second per comparison, so a missing cache would show.
        string hash = BCrypt.Net.BCrypt.HashPassword("scrape-secret", 12);
        string webConfig = Path.Combine(directory, "web.yml");
        await File.WriteAllTextAsync(webConfig, $"basic_auth_users:\n  prometheus: {hash}\n");
        var good = Basic("prometheus", "scrape-secret");
        await using var served = await ServedExporter.StartAsync(host, directory, new ServeSettings(Authorization: good), "--web.config.file", webConfig);

        using var http = new HttpClient { BaseAddress = served.Http.BaseAddress };
        foreach (string path in new[] { "/metrics", "/", "/api/v1/orphans", "/healthz", "/readyz" })
        {
            foreach (var credentials in new[] { null, Basic("prometheus", "wrong"), Basic("nobody", "scrape-secret"), new AuthenticationHeaderValue("Bearer", ServedExporter.Token) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Authorization = credentials;
                using var response = await http.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
            }
            Assert.Equal(HttpStatusCode.OK, (await served.Http.GetAsync(path)).StatusCode);
        }

        // The remediation endpoints keep their bearer token: one Authorization header cannot carry both.
        Assert.Equal(200, await RemediateAsync(http, "/api/v1/remediate"));
        Assert.Equal(401, await RemediateAsync(http, "/api/v1/remediate", token: "wrong-token-wrong-token"));

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.OK, (await served.Http.GetAsync("/metrics")).StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"20 authenticated scrapes took {clock.Elapsed.TotalSeconds:F1}s: bcrypt is not cached");
    }

    [SkippableFact]
    public async Task Remediation_answers_only_on_its_own_listener()
    {
        using var host = new FakeHost();
        int remediationPort = BackgroundProcess.FreePort();
        await using var served = await ServedExporter.StartAsync(host, null, "--remediation.listen-address", $"127.0.0.1:{remediationPort}");
        using var http = new HttpClient();
        string web = $"http://127.0.0.1:{served.Port}", remediation = $"http://127.0.0.1:{remediationPort}";

        Assert.Equal(404, await RemediateAsync(http, web + "/api/v1/remediate"));
        Assert.Equal(404, await RemediateAsync(http, web + "/api/v1/alertmanager"));
        Assert.Equal(200, await GetAsync(http, web + "/metrics"));

        Assert.Equal(200, await RemediateAsync(http, remediation + "/api/v1/remediate"));
        Assert.Equal(401, await RemediateAsync(http, remediation + "/api/v1/remediate", token: "wrong-token-wrong-token"));
        Assert.Equal(404, await GetAsync(http, remediation + "/metrics"));
        Assert.Equal(404, await GetAsync(http, remediation + "/"));
        Assert.Equal(404, await GetAsync(http, remediation + "/api/v1/orphans"));

        // The listener decides, not the Host header a client writes.
        using var spoofed = new HttpRequestMessage(HttpMethod.Post, web + "/api/v1/remediate") { Content = new StringContent(DryRun, Encoding.UTF8, "application/json") };
        spoofed.Headers.Host = $"127.0.0.1:{remediationPort}";
        spoofed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServedExporter.Token);
        Assert.Equal(404, await StatusAsync(http, spoofed));
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
