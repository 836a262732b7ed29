using VethExporter.TestSupport;

namespace VethExporter.Tests.Architecture;

public class LayerTests
{
    [Fact]
    public void Every_reference_in_the_sources_points_down_and_only_the_kernel_layer_calls_libc()
    {
        string root = Repository.Path("src", "VethExporter");
        var sources = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllText(f)))
            .ToList();
        Assert.True(sources.Count > 100, $"only {sources.Count} sources found under {root}");

        var violations = LayerRules.Check(sources);

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Theory]
    [InlineData("Service/X.cs", "using VethExporter.Metrics;\nnamespace VethExporter.Service;", "Metrics")]
    [InlineData("Remediation/X.cs", "namespace VethExporter.Remediation;\nclass X { object o = Web.ErrorBody.None; }", "Web")]
    [InlineData("Web/X.cs", "namespace VethExporter.Web;\nclass X { void F() => throw new Cli.Bad(); }", "Cli")]
    [InlineData("Metrics/X.cs", "namespace VethExporter.Metrics;\nclass X { object o = VethExporter.Snapshot.Doc.Empty; }", "Snapshot")]
    [InlineData("Remediation/X.cs", "using Tmds.Linux;\nnamespace VethExporter.Remediation;", "libc")]
    [InlineData("Surprise/X.cs", "namespace VethExporter.Surprise;", "?")]
    public void A_reversed_reference_peer_reference_libc_call_or_unplaced_folder_is_caught(string path, string text, string to)
    {
        var violation = Assert.Single(LayerRules.Check([(path, text)]));
        Assert.Equal(to, violation.To);
    }

    [Theory]
    [InlineData("Web/X.cs", "using VethExporter.Metrics;\nnamespace VethExporter.Web;\nclass X { object r = Prometheus.Metrics.NewCustomRegistry(); }")]
    [InlineData("Service/X.cs", "namespace VethExporter.Service;\n// Metrics.Apply is not ours to call\nclass X { string s = \"Web.Answer\"; }")]
    public void Downward_references_names_in_comments_and_strings_and_other_libraries_pass(string path, string text) =>
        Assert.Empty(LayerRules.Check([(path, text)]));
}
