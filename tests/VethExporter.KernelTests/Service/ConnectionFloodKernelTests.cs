using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using VethExporter.KernelTests.Support;
using Xunit.Abstractions;

namespace VethExporter.KernelTests.Service;

/// <summary>Floods of idle connections, slow requests and wrong tokens: scans go on and /metrics answers.</summary>
public class ConnectionFloodKernelTests(ITestOutputHelper output)
{
    private const int Idle = 2000;

    [SkippableFact]
    public async Task Two_thousand_idle_connections_and_a_stream_of_wrong_tokens_stop_neither_scans_nor_scrapes()
    {
        // Both ends of every connection live on this machine: ours, the exporter's (which inherits the limit), and headroom.
        ulong limit = FileLimit.Ensure(3 * Idle);
        using var host = new FakeHost();
        await using var served = await ServedExporter.StartAsync(host);
        double scansBefore = (await served.SampleAsync("veth_exporter_scans_total"))!.Value;
        double lastBefore = (await served.SampleAsync("veth_exporter_last_scan_success_timestamp_seconds"))!.Value;

        using var idle = await IdleConnections.OpenAsync(served.Port, Idle);
        int held = await ServerSocketsAsync(served.Pid, atLeast: Idle);
        Assert.True(held >= Idle, $"the exporter holds {held} sockets, expected at least {Idle}");

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(12));
        var wrongTokens = Enumerable.Range(0, 16).Select(i => WrongTokensAsync(served.Port, i, stop.Token)).ToList();

        var latencies = new List<double>();
        using var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (!stop.IsCancellationRequested)
        {
            // A fresh connection each time: a scraper that (re)connects during the flood must get in too.
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{served.Port}/metrics");
            request.Headers.ConnectionClose = true;
            var clock = Stopwatch.StartNew();
            using var response = await scraper.SendAsync(request);
            string page = await response.Content.ReadAsStringAsync();
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("veth_exporter_scans_total", page, StringComparison.Ordinal);
            await Task.Delay(250);
        }
        var answered = await Task.WhenAll(wrongTokens);
        int stillOpen = idle.Count - idle.ClosedByServer();
        string rss = File.ReadAllLines($"/proc/{served.Pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))?[6..].Trim() ?? "?";

        double scansAfter = (await served.SampleAsync("veth_exporter_scans_total"))!.Value;
        double lastAfter = (await served.SampleAsync("veth_exporter_last_scan_success_timestamp_seconds"))!.Value;
        latencies.Sort();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fd limit {limit}; exporter held {held} sockets (resident {rss}); {stillOpen} of {Idle} idle connections still open at the end; " +
            $"{answered.Sum()} wrong-token requests answered 401; scans {scansBefore} -> {scansAfter}; " +
            $"/metrics over {latencies.Count} fresh connections: p50 {latencies[latencies.Count / 2]:F1} ms, max {latencies[^1]:F1} ms"));

        Assert.True(latencies[^1] < 1000, $"/metrics took {latencies[^1]:F0} ms");
        Assert.True(scansAfter >= scansBefore + 5, $"scans went from {scansBefore} to {scansAfter} in 12 s at a 1 s interval");
        Assert.True(lastAfter > lastBefore, "the last successful scan is no newer");
        Assert.True(answered.Sum() >= 16, $"only {answered.Sum()} wrong-token requests were answered");
        // The page is re-rendered at most once a second: wait for it to count every rejection.
        await served.WaitForSampleAsync("veth_remediation_auth_failures_total", v => v >= answered.Sum(), $">= {answered.Sum()}", TimeSpan.FromSeconds(5));
        Assert.Equal(Idle, stillOpen); // held, not dropped, within the idle timeout: the flood was real all along
        Assert.False(served.HasExited);
    }

    [SkippableFact]
    public async Task Idle_and_slow_connections_are_closed_and_the_connection_cap_holds()
    {
        using var host = new FakeHost();
        await using var served = await ServedExporter.StartAsync(host, null,
            "--web.idle-timeout", "2s", "--web.read-header-timeout", "2s", "--web.max-connections", "40");

        using (var silent = await IdleConnections.OpenAsync(served.Port, 10))
        using (var slow = await IdleConnections.OpenAsync(served.Port, 10, Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nHost: x\r\n")))
        {
            Assert.True(await Eventually.TrueAsync(() => silent.ClosedByServer() == 10, TimeSpan.FromSeconds(10)), $"{10 - silent.ClosedByServer()} silent connections outlived --web.idle-timeout");
            Assert.True(await Eventually.TrueAsync(() => slow.ClosedByServer() == 10, TimeSpan.FromSeconds(10)), $"{10 - slow.ClosedByServer()} half-sent requests outlived --web.read-header-timeout");
        }

        using (var many = await IdleConnections.OpenAsync(served.Port, 60))
        {
            await Task.Delay(500);
            int closed = many.ClosedByServer();
            output.WriteLine($"{closed} of 60 connections closed at once with --web.max-connections 40");
            Assert.InRange(closed, 20, 60);
        }
        // Once the flood is gone the slots are free again.
        Assert.True(await Eventually.TrueAsync(() => HttpProbe.IsOk(served.Http, "/metrics"), TimeSpan.FromSeconds(10)));
    }

    [SkippableFact]
    public async Task A_flood_on_the_remediation_listener_stays_within_its_own_budget()
    {
        using var host = new FakeHost();
        int remediationPort = BackgroundProcess.FreePort();
        await using var served = await ServedExporter.StartAsync(host, null,
            "--remediation.listen-address", $"127.0.0.1:{remediationPort}", "--remediation.max-connections", "8", "--web.max-connections", "40");

        using (var flood = await IdleConnections.OpenAsync(remediationPort, 60, overLimit: true))
        {
            await Task.Delay(500);
            int closed = flood.ClosedByServer();
            output.WriteLine($"{closed} of 60 connections to the remediation listener closed at once with --remediation.max-connections 8");
            Assert.InRange(closed, 52, 60);
            // The scrapers' share is untouched: the web listener takes 30 more connections and answers.
            using var scrapers = await IdleConnections.OpenAsync(served.Port, 30);
            await Task.Delay(500);
            Assert.Equal(0, scrapers.ClosedByServer());
            Assert.Equal(HttpStatusCode.OK, (await served.Http.GetAsync("/metrics")).StatusCode);
        }
        using var http = new HttpClient();
        Assert.True(await Eventually.TrueAsync(() =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{remediationPort}/api/v1/remediate")
                {
                    Content = new StringContent("{\"interfaces\":[\"vethnone\"],\"dryRun\":true}", Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServedExporter.Token);
                return http.Send(request).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10)), "remediation did not answer once the flood was gone");
    }

    /// <summary>Sends wrong-token requests back to back from its own loopback address until stopped; returns how many were answered 401.</summary>
    private static async Task<int> WrongTokensAsync(int port, int index, CancellationToken stop)
    {
        var source = IPAddress.Parse($"127.0.1.{index + 1}");
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler);
        int unauthorized = 0;
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/api/v1/remediate")
            {
                Content = new StringContent("{\"all\":true,\"dryRun\":false}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", $"wrong-{index}-{unauthorized}-0123456789");
            try
            {
                using var response = await http.SendAsync(request, stop);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                unauthorized++;
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return unauthorized;
    }

    /// <summary>The sockets among the exporter's descriptors, waiting a little for the accepts to catch up.</summary>
    private static async Task<int> ServerSocketsAsync(int pid, int atLeast)
    {
        int count = 0;
        await Eventually.TrueAsync(() =>
        {
            count = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count(fd =>
            {
                try
                {
                    return new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
                }
                catch (IOException)
                {
                    return false;
                }
            });
            return count >= atLeast;
        }, TimeSpan.FromSeconds(10));
        return count;
    }
}
