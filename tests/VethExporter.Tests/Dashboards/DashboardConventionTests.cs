using System.Text.Json;
using System.Text.RegularExpressions;
using VethExporter.Tests.Support;

namespace VethExporter.Tests.Dashboards;

/// <summary>
/// The Grafana dashboards follow the conventions that make them importable anywhere: a datasource variable
/// used by every panel and target (no __inputs), job and instance variables in every selector,
/// $__rate_interval in every range, a fixed uid, and a title, description and unit on every panel.
/// That the queries work is checked against a real Prometheus by the kernel tests.
/// </summary>
public sealed partial class DashboardConventionTests
{
    private const string Datasource = "${datasource}";

    public static readonly TheoryData<string, bool> Dashboards = new()
    {
        { "veth-exporter-node", false },
        { "veth-exporter-fleet", true },
    };

    private static JsonDocument Load(string uid) => JsonDocument.Parse(File.ReadAllText(Repository.Path("dashboards", uid + ".json")));

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Has_a_fixed_uid_title_description_and_a_recent_schema(string uid, bool fleet)
    {
        _ = fleet;
        using var document = Load(uid);
        var root = document.RootElement;
        Assert.Equal(uid, root.GetProperty("uid").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("description").GetString()));
        Assert.True(root.GetProperty("schemaVersion").GetInt32() >= 39, "schemaVersion must be 39 or newer");
        Assert.False(root.TryGetProperty("__inputs", out _), "no __inputs: the datasource is a template variable");
        Assert.False(root.TryGetProperty("__requires", out _));
        Assert.False(root.TryGetProperty("id", out var id) && id.ValueKind != JsonValueKind.Null, "an exported dashboard carries no database id");
        Assert.Contains("veth-exporter", root.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Has_datasource_job_and_instance_variables(string uid, bool fleet)
    {
        using var document = Load(uid);
        var variables = document.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .ToDictionary(v => v.GetProperty("name").GetString()!);

        var datasource = variables["datasource"];
        Assert.Equal("datasource", datasource.GetProperty("type").GetString());
        Assert.Equal("prometheus", datasource.GetProperty("query").GetString());

        foreach (var name in new[] { "job", "instance" })
        {
            Assert.True(variables.TryGetValue(name, out var variable), $"no {name} variable");
            Assert.Equal("query", variable.GetProperty("type").GetString());
            Assert.Equal(Datasource, variable.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.StartsWith("label_values(", variable.GetProperty("definition").GetString(), StringComparison.Ordinal);
            // The fleet view selects many nodes at once, the node view exactly one.
            Assert.Equal(fleet, variable.GetProperty("multi").GetBoolean());
            Assert.Equal(fleet, variable.GetProperty("includeAll").GetBoolean());
        }
        Assert.Contains("$job", variables["instance"].GetProperty("definition").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_panel_has_title_description_unit_and_the_datasource_variable(string uid, bool fleet)
    {
        _ = fleet;
        using var document = Load(uid);
        var panels = Panels(document.RootElement).ToList();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (var panel in panels.Where(p => p.GetProperty("type").GetString() != "row"))
        {
            string title = panel.GetProperty("title").GetString()!;
            Assert.False(string.IsNullOrWhiteSpace(title), $"{uid}: a panel without title");
            Assert.False(string.IsNullOrWhiteSpace(panel.TryGetProperty("description", out var d) ? d.GetString() : null), $"{uid} / {title}: no description");
            string? unit = panel.GetProperty("fieldConfig").GetProperty("defaults").TryGetProperty("unit", out var u) ? u.GetString() : null;
            Assert.False(string.IsNullOrWhiteSpace(unit), $"{uid} / {title}: no unit");
            AssertDatasource(panel, $"{uid} / {title}");
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.Equal(targets.Count, targets.Select(t => t.GetProperty("refId").GetString()).Distinct().Count());
            foreach (var target in targets)
            {
                AssertDatasource(target, $"{uid} / {title} / {target.GetProperty("refId").GetString()}");
                Assert.False(string.IsNullOrWhiteSpace(target.GetProperty("expr").GetString()), $"{uid} / {title}: empty expr");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_query_is_scoped_to_job_and_instance_and_uses_rate_interval(string uid, bool fleet)
    {
        _ = fleet;
        using var document = Load(uid);
        foreach (var (title, expr) in Exprs(document.RootElement))
        {
            var selectors = Selector().Matches(expr);
            Assert.True(selectors.Count > 0, $"{uid} / {title}: no series selector in {expr}");
            foreach (Match selector in selectors)
            {
                string metric = selector.Groups["metric"].Value;
                Assert.True(metric.StartsWith("veth_", StringComparison.Ordinal) || metric == "up", $"{uid} / {title}: unexpected metric {metric}");
                Assert.Contains("job=~\"$job\"", selector.Groups["matchers"].Value, StringComparison.Ordinal);
                Assert.Contains("instance=~\"$instance\"", selector.Groups["matchers"].Value, StringComparison.Ordinal);
            }
            // A bare metric name would escape the job and instance scope.
            foreach (Match name in MetricName().Matches(expr))
                Assert.True(expr.Length > name.Index + name.Length && expr[name.Index + name.Length] == '{', $"{uid} / {title}: {name.Value} without a selector in {expr}");
            foreach (Match range in Range().Matches(expr))
                Assert.True(range.Value == "[$__rate_interval]", $"{uid} / {title}: range {range.Value} instead of [$__rate_interval] in {expr}");
            if (RateFunction().IsMatch(expr)) Assert.Contains("[$__rate_interval]", expr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Panels_fit_the_grid_without_overlapping(string uid, bool fleet)
    {
        _ = fleet;
        using var document = Load(uid);
        var boxes = Panels(document.RootElement).Select(p =>
        {
            var g = p.GetProperty("gridPos");
            return (Title: p.GetProperty("title").GetString(), X: g.GetProperty("x").GetInt32(), Y: g.GetProperty("y").GetInt32(),
                W: g.GetProperty("w").GetInt32(), H: g.GetProperty("h").GetInt32());
        }).ToList();
        foreach (var b in boxes) Assert.True(b.X >= 0 && b.W > 0 && b.H > 0 && b.X + b.W <= 24, $"{uid} / {b.Title}: outside the 24-column grid");
        for (int i = 0; i < boxes.Count; i++)
            for (int j = i + 1; j < boxes.Count; j++)
            {
                var (a, b) = (boxes[i], boxes[j]);
                bool overlap = a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H;
                Assert.False(overlap, $"{uid}: {a.Title} overlaps {b.Title}");
            }
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Shows_what_the_issue_asks_for(string uid, bool fleet)
    {
        _ = fleet;
        using var document = Load(uid);
        var panels = Panels(document.RootElement).Where(p => p.TryGetProperty("targets", out _)).ToList();
        string all = string.Join("\n", Exprs(document.RootElement).Select(e => e.Expr));
        foreach (var metric in new[]
        {
            "veth_orphaned_interfaces", "veth_orphans_detected_total", "veth_bridge_ports", "veth_netns_pinned_without_process",
            "veth_remediation_actions_total", "veth_exporter_last_scan_success", "veth_exporter_scan_duration_seconds",
            "veth_exporter_host_view_complete",
        })
            Assert.Contains(metric + "{", all, StringComparison.Ordinal);
        Assert.Contains(panels, p => p.GetProperty("type").GetString() == "heatmap"
            && p.GetProperty("targets")[0].GetProperty("expr").GetString()!.Contains("veth_orphan_age_seconds_bucket{", StringComparison.Ordinal)
            && p.GetProperty("targets")[0].GetProperty("format").GetString() == "heatmap");
        Assert.Contains("1024 - ", all, StringComparison.Ordinal);
        Assert.Contains("by (bridge)", all, StringComparison.Ordinal);
        Assert.Contains("by (reason)", all, StringComparison.Ordinal);
    }

    private static void AssertDatasource(JsonElement element, string where)
    {
        Assert.True(element.TryGetProperty("datasource", out var datasource), $"{where}: no datasource");
        Assert.Equal("prometheus", datasource.GetProperty("type").GetString());
        Assert.True(datasource.GetProperty("uid").GetString() == Datasource, $"{where}: datasource is not {Datasource}");
    }

    private static IEnumerable<JsonElement> Panels(JsonElement root)
    {
        var pending = new Stack<JsonElement>(root.GetProperty("panels").EnumerateArray().Reverse());
        while (pending.Count > 0)
        {
            var panel = pending.Pop();
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
                foreach (var child in nested.EnumerateArray().Reverse()) pending.Push(child);
        }
    }

    private static IEnumerable<(string Title, string Expr)> Exprs(JsonElement root) =>
        Panels(root).Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (p.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)));

    [GeneratedRegex(@"(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<matchers>[^}]*)\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"\b(veth_[a-z0-9_]+|up)\b(?![a-z0-9_])")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Range();

    [GeneratedRegex(@"\b(rate|irate|increase|delta|deriv|predict_linear|[a-z]+_over_time)\(")]
    private static partial Regex RateFunction();
}
