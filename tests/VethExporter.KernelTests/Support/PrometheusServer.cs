using System.Globalization;
using System.Text.Json;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// A real Prometheus (the Debian binary) on a free loopback port with a temporary storage directory. The
/// test writes its configuration; everything is removed on dispose.
/// </summary>
public sealed class PrometheusServer : LoopbackServer
{
    private PrometheusServer(Started started) : base(started)
    {
    }

    public static string? Binary => Tools.Find("prometheus");

    /// <summary>
    /// Starts Prometheus. <paramref name="configuration"/> is prometheus.yml; <paramref name="files"/> are written
    /// next to it (rule files it names relatively).
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(string configuration, IReadOnlyDictionary<string, string>? files = null)
    {
        string directory = System.IO.Directory.CreateTempSubdirectory("vxt-prometheus-").FullName;
        foreach (var (name, content) in files ?? new Dictionary<string, string>())
            await File.WriteAllTextAsync(System.IO.Path.Combine(directory, name), content);
        string config = System.IO.Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, configuration);
        return await StartAsync(Binary ?? "prometheus", directory, port =>
        [
            $"--config.file={config}", $"--storage.tsdb.path={System.IO.Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        ], started => new PrometheusServer(started));
    }


    /// <summary>An instant query through /api/v1/query; parse errors come back as <see cref="QueryResult.Error"/>.</summary>
    public async Task<QueryResult> QueryAsync(string promql)
    {
        using var content = new FormUrlEncodedContent([new("query", promql)]);
        using var response = await Http.PostAsync("/api/v1/query", content);
        string body = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
            return new QueryResult(promql, $"{root.GetProperty("errorType").GetString()}: {root.GetProperty("error").GetString()}", "", []);
        var data = root.GetProperty("data");
        string type = data.GetProperty("resultType").GetString()!;
        var result = data.GetProperty("result");
        var samples = new List<QuerySample>();
        switch (type)
        {
            case "vector":
                foreach (var item in result.EnumerateArray())
                    samples.Add(new QuerySample(Labels(item.GetProperty("metric")), Number(item.GetProperty("value")[1])));
                break;
            case "matrix":
                foreach (var item in result.EnumerateArray())
                {
                    var values = item.GetProperty("values");
                    samples.Add(new QuerySample(Labels(item.GetProperty("metric")), Number(values[values.GetArrayLength() - 1][1])));
                }
                break;
            case "scalar":
                samples.Add(new QuerySample(new Dictionary<string, string>(), Number(result[1])));
                break;
            default:
                break;
        }
        return new QueryResult(promql, null, type, samples);
    }

    /// <summary>Sum of an instant query's samples, or null when it returned nothing.</summary>
    public async Task<double?> ValueAsync(string promql)
    {
        var result = await QueryAsync(promql);
        Assert.True(result.Error is null, $"{promql}: {result.Error}");
        return result.Samples.Count == 0 ? null : result.Samples.Sum(s => s.Value);
    }

    /// <summary>Values of a label among the series matching a selector (Grafana's label_values()).</summary>
    public async Task<IReadOnlyList<string>> LabelValuesAsync(string label, string match)
    {
        string body = await Http.GetStringAsync($"/api/v1/label/{Uri.EscapeDataString(label)}/values?match[]={Uri.EscapeDataString(match)}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetString()!).ToList();
    }

    /// <summary>The alerts of the rule manager (pending and firing), as alertname → label sets with state.</summary>
    public async Task<IReadOnlyList<RuleAlert>> AlertsAsync()
    {
        string body = await Http.GetStringAsync("/api/v1/alerts");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Select(a => new RuleAlert(Labels(a.GetProperty("labels")), a.GetProperty("state").GetString()!))
            .ToList();
    }

    /// <summary>The health of every scrape target ("up", "down", "unknown").</summary>
    public async Task<IReadOnlyList<string>> TargetHealthAsync()
    {
        string body = await Http.GetStringAsync("/api/v1/targets");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .Select(t => t.GetProperty("health").GetString()!).ToList();
    }

    private static Dictionary<string, string> Labels(JsonElement metric) =>
        metric.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    private static double Number(JsonElement value) => value.GetString() switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var text => double.Parse(text!, CultureInfo.InvariantCulture),
    };
}

public sealed record QuerySample(IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>An instant query's outcome: <see cref="Error"/> when Prometheus rejected it.</summary>
public sealed record QueryResult(string Query, string? Error, string ResultType, IReadOnlyList<QuerySample> Samples);

public sealed record RuleAlert(IReadOnlyDictionary<string, string> Labels, string State)
{
    public string Name => Labels["alertname"];

    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}
