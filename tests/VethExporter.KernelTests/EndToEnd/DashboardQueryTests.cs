using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VethExporter.KernelTests.Support;
using Xunit.Abstractions;

namespace VethExporter.KernelTests.EndToEnd;

/// <summary>
/// Every query of both Grafana dashboards, evaluated by a real Prometheus that scrapes the real exporter
/// serving a fake host with leaks, live containers and a bridge: each must parse, and each must return data.
/// A dry-run and a real remediation go through the API first so that the remediation panels have data too.
/// </summary>
public sealed partial class DashboardQueryTests(ITestOutputHelper output)
{
    private const string Job = "veth-exporter";

    /// <summary>What Grafana would put in place of its built-in variables for a 1s scrape interval.</summary>
    private static readonly (string Name, string Value)[] BuiltIns =
    [
        ("__rate_interval_ms", "60000"), ("__rate_interval", "1m"),
        ("__interval_ms", "15000"), ("__interval", "15s"),
        ("__range_ms", "3600000"), ("__range_s", "3600"), ("__range", "1h"),
    ];

    private static readonly string[] Dashboards = ["veth-exporter-node.json", "veth-exporter-fleet.json"];

    [SkippableFact]
    public async Task Every_dashboard_query_parses_and_returns_data_from_a_real_prometheus()
    {
        Skip.If(PrometheusServer.Binary is null, "needs prometheus (Debian package prometheus)");
        using var host = new FakeHost();
        var scenario = LeakScenario.Build(host);
        scenario.CreateLeaks();
        // CNI attachments made by the real plugins: one live, one leaked with its pin, one whose netns is gone.
        using var cni = new CniRuntime(host);
        cni.Add(CniRuntime.Ptp("ptpnet", "10.77.1.0/24"));
        CniRuntime.Kill(cni.Add(CniRuntime.Ptp("ptpnet", "10.77.1.0/24")));
        cni.KillAndUnpin(cni.Add(CniRuntime.Ptp("ptpnet", "10.77.1.0/24")));
        await using var exporter = await ServedExporter.StartAsync(host, null, cni.ExporterFlags);
        using var prometheus = await PrometheusServer.StartAsync($$"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: {{Job}}
                static_configs:
                  - targets: ['127.0.0.1:{{exporter.Port}}']
            """);
        string instance = $"127.0.0.1:{exporter.Port}";

        // The scenario's two unbridged leaks and the pinned CNI leak's veth; then one dry run and one real
        // deletion, once both scenario leaks are deletable (seen in two scans).
        await exporter.WaitForSampleAsync("veth_orphaned_interfaces{bridge=\"none\",reason=\"pinned_no_process\"}", LeakScenario.Leaks.Length + 1);
        Assert.True(await Eventually.TrueAsync(() => Deletable(exporter).Count == LeakScenario.Leaks.Length, TimeSpan.FromSeconds(30)),
            "the leaks never became deletable:\n" + exporter.Http.GetStringAsync("/api/v1/orphans").Result);
        await RemediateAsync(exporter, LeakScenario.Leaks[0], dryRun: true, "would_delete");
        await RemediateAsync(exporter, LeakScenario.Leaks[1], dryRun: false, "deleted");

        var queries = Dashboards.SelectMany(Queries).ToList();
        Assert.True(queries.Count >= 40, $"found only {queries.Count} dashboard queries");

        // Rates need two samples in their window and lifetimes one scan after the deletion: poll until
        // every query has data, then report every one that does not.
        List<(DashboardQuery Query, QueryResult Result)> results = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        do
        {
            results = [];
            foreach (var query in queries)
                results.Add((query, await prometheus.QueryAsync(Substitute(query.Expr, instance))));
            if (results.All(r => r.Result.Error is null && r.Result.Samples.Count > 0)) break;
            await Task.Delay(1000);
        }
        while (DateTime.UtcNow < deadline);

        var problems = new StringBuilder();
        foreach (var (query, result) in results)
        {
            string what = result.Error is not null ? $"does not parse: {result.Error}" : result.Samples.Count == 0 ? "returned no data" : "";
            output.WriteLine($"{query.Dashboard} / {query.Panel}: {result.Samples.Count} series {what}");
            if (what.Length > 0) problems.AppendLine(CultureInfo.InvariantCulture, $"{query.Dashboard} / {query.Panel}: {result.Query} {what}");
        }
        Assert.True(problems.Length == 0, problems + "\ntargets: " + string.Join(", ", await prometheus.TargetHealthAsync()) + "\n" + prometheus.Log);

        // The headline numbers are the fake host's: vxleak1 (dry run), the bridged leak and the pinned CNI
        // leak's veth are left, and the bridge has three ports. (Pins without a process are counted
        // machine-wide, so not compared here.)
        var expected = new Dictionary<string, double>
        {
            ["Orphaned interfaces"] = 3,
            ["Leaked CNI attachments"] = 2,
            ["Stealth leaks"] = 1,
            ["Leaked IP leases"] = 2,
            ["Lowest bridge port headroom"] = 1024 - 3,
            ["Last scan"] = 1,
            ["Host view"] = 1,
            ["Remediation actions since start"] = 2,
        };
        foreach (var (query, result) in results.Where(r => expected.ContainsKey(r.Query.Panel)))
            Assert.True(result.Samples.Sum(s => s.Value) == expected[query.Panel],
                $"{query.Dashboard} / {query.Panel}: {string.Join(", ", result.Samples.Select(s => s.Value))}, wanted {expected[query.Panel]}");

        // The template variables' label_values() queries find this exporter.
        foreach (var dashboard in Dashboards)
        {
            foreach (var (name, definition) in VariableQueries(dashboard))
            {
                var match = LabelValues().Match(definition);
                Assert.True(match.Success, $"{dashboard}: variable {name} is not label_values(selector, label): {definition}");
                var values = await prometheus.LabelValuesAsync(match.Groups["label"].Value, Substitute(match.Groups["selector"].Value, instance));
                string wanted = name == "job" ? Job : instance;
                Assert.True(values.Contains(wanted), $"{dashboard}: variable {name} ({definition}) offers [{string.Join(", ", values)}], not {wanted}");
            }
        }
    }

    private static List<string> Deletable(ServedExporter exporter)
    {
        using var document = JsonDocument.Parse(exporter.Http.GetStringAsync("/api/v1/orphans").GetAwaiter().GetResult());
        return document.RootElement.GetProperty("interfaces").EnumerateArray()
            .Where(i => i.GetProperty("deletable").GetBoolean())
            .Select(i => i.GetProperty("name").GetString()!)
            .Where(LeakScenario.Leaks.Contains)
            .ToList();
    }

    private static async Task RemediateAsync(ServedExporter exporter, string name, bool dryRun, string wanted)
    {
        using var response = await exporter.PostAsync("/api/v1/remediate",
            $$"""{"interfaces":["{{name}}"],"dryRun":{{(dryRun ? "true" : "false")}}}""");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"remediate {name}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        string? result = document.RootElement.GetProperty("results")[0].GetProperty("result").GetString();
        Assert.True(result == wanted, $"remediate {name} (dryRun={dryRun}): {body}");
    }

    /// <summary>Grafana's variables replaced as Grafana would for one job and one instance.</summary>
    internal static string Substitute(string expr, string instance)
    {
        foreach (var (name, value) in BuiltIns)
            expr = expr.Replace("${" + name + "}", value, StringComparison.Ordinal).Replace("$" + name, value, StringComparison.Ordinal);
        foreach (var (name, value) in new[] { ("job", Job), ("instance", instance) })
        {
            expr = Regex.Replace(expr, @"\$\{" + name + @"(:[a-z]+)?\}", value);
            expr = Regex.Replace(expr, @"\$" + name + @"\b", value);
            expr = expr.Replace("[[" + name + "]]", value, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("$", expr);
        return expr;
    }

    internal sealed record DashboardQuery(string Dashboard, string Panel, string Expr);

    internal static List<DashboardQuery> Queries(string dashboard)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository.Path("dashboards", dashboard)));
        var found = new List<DashboardQuery>();
        Collect(document.RootElement.GetProperty("panels"), dashboard, found);
        return found;
    }

    private static void Collect(JsonElement panels, string dashboard, List<DashboardQuery> found)
    {
        foreach (var panel in panels.EnumerateArray())
        {
            if (panel.TryGetProperty("panels", out var nested)) Collect(nested, dashboard, found);
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            string title = panel.GetProperty("title").GetString()!;
            foreach (var target in targets.EnumerateArray())
            {
                Assert.True(target.TryGetProperty("expr", out var expr) && !string.IsNullOrWhiteSpace(expr.GetString()), $"{dashboard} / {title}: a target without expr");
                found.Add(new DashboardQuery(dashboard, title, expr.GetString()!));
            }
        }
    }

    private static List<(string Name, string Definition)> VariableQueries(string dashboard)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository.Path("dashboards", dashboard)));
        return document.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Where(v => v.GetProperty("type").GetString() == "query")
            .Select(v => (v.GetProperty("name").GetString()!, v.GetProperty("definition").GetString()!))
            .ToList();
    }

    [GeneratedRegex(@"^label_values\((?<selector>.+),\s*(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\)$")]
    private static partial Regex LabelValues();
}
