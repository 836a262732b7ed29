using System.Text.RegularExpressions;

namespace VethExporter.KernelTests.EndToEnd;

/// <summary>The repository's shipped rules and Alertmanager examples, as the end-to-end tests run them.</summary>
public static partial class ShippedFiles
{
    /// <summary>
    /// The shipped rules with test-only timing: every <c>for:</c> becomes 1s, and the recording rule behind
    /// VethOrphansAccumulating counts orphans older than 60s (the smallest age bucket) instead of one hour.
    /// Everything else, the alert's expression and labels included, is the shipped file.
    /// </summary>
    public static string FastRules()
    {
        string rules = File.ReadAllText(Repository.Path("alerts", "veth-exporter.rules.yml"));
        int fors = ForClause().Count(rules);
        Assert.True(fors > 0, "no for: clauses in the shipped rules");
        rules = ForClause().Replace(rules, "${1}for: 1s");
        return ReplaceOnce(rules, "le=~\"3600(\\\\.0)?\"", "le=~\"60(\\\\.0)?\"");
    }

    public static string ReplaceOnce(string text, string from, string to)
    {
        int first = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(first >= 0 && text.IndexOf(from, first + 1, StringComparison.Ordinal) < 0, $"expected exactly one \"{from}\"");
        return string.Concat(text.AsSpan(0, first), to, text.AsSpan(first + from.Length));
    }

    [GeneratedRegex(@"^(\s*)for: \S+$", RegexOptions.Multiline)]
    private static partial Regex ForClause();
}
