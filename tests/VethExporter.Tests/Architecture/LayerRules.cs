using System.Text.RegularExpressions;

namespace VethExporter.Tests.Architecture;

/// <summary>
/// The layers of src/VethExporter, bottom up, and the check that every reference points down. A folder
/// is a namespace; each may use only folders of a lower rank. Peers (the same rank) do not use each
/// other. Only the kernel layer (Interop) calls libc.
/// </summary>
internal static partial class LayerRules
{
    /// <summary>Folder → rank. The names of the ranks are in docs/architecture.md.</summary>
    public static readonly IReadOnlyDictionary<string, int> Ranks = new Dictionary<string, int>
    {
        ["Common"] = 0,         // shared vocabulary: usage errors, durations, bounded reads
        ["Interop"] = 1,        // kernel access: the only libc caller
        ["Netlink"] = 2,        // kernel access: rtnetlink messages and the client
        ["HostInventory"] = 3,  // inventory: links, tasks, pins, fds
        ["Firewall"] = 3,       // inventory: rule listings
        ["Cni"] = 3,            // inventory: libcni cache, host-local leases, CNI chains
        ["Runtime"] = 3,        // inventory: the runtimes' word (Docker Engine API, CRI)
        ["Classification"] = 4, // judgement (pure)
        ["Scanning"] = 5,       // service: one scan
        ["Tracking"] = 6,       // service: history and its store
        ["Service"] = 7,        // service: the scan loop, one scan at a time, the published state
        ["Snapshot"] = 8,       // outputs: documents, text report
        ["Metrics"] = 8,        // outputs: the metrics page
        ["WebConfig"] = 8,      // outputs: the exporter-toolkit web configuration
        ["Remediation"] = 9,    // remediation: the verified delete path
        ["Alertmanager"] = 10,  // remediation: alerts in, by webhook or pull
        ["Web"] = 11,           // outputs: the HTTP surface
        ["Cli"] = 12,           // host: options
        ["Commands"] = 13,      // host: the verbs, composition roots
        [""] = 14,              // host: Program
    };

    public sealed record Violation(string File, string From, string To, string Reference)
    {
        public override string ToString() => $"{File}: {From} must not use {To} ({Reference})";
    }

    /// <param name="sources">Path relative to src/VethExporter, and text.</param>
    public static List<Violation> Check(IEnumerable<(string Path, string Text)> sources)
    {
        var violations = new List<Violation>();
        foreach (var (path, text) in sources)
        {
            string from = FolderOf(path);
            if (!Ranks.TryGetValue(from, out int rank))
            {
                violations.Add(new Violation(path, from, "?", "a folder with no layer"));
                continue;
            }
            string code = WithoutCommentsAndStrings(text);
            foreach (Match m in Reference().Matches(code))
            {
                string to = m.Groups["folder"].Value;
                if (to == from || !Ranks.TryGetValue(to, out int target)) continue;
                if (target >= rank) violations.Add(new Violation(path, from, to, m.Value.Trim()));
            }
            if (from != "Interop" && Libc().Match(code) is { Success: true } libc)
                violations.Add(new Violation(path, from, "libc", libc.Value));
        }
        return violations;
    }

    private static string FolderOf(string path)
    {
        int slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : path[..slash];
    }

    /// <summary>Comments and string literals name things without using them.</summary>
    private static string WithoutCommentsAndStrings(string text) =>
        CommentOrString().Replace(text, m => m.Value.StartsWith('/') ? " " : "\"\"");

    /// <summary><c>using VethExporter.X</c>, <c>VethExporter.X.Y</c>, or <c>X.Y</c> as the first part of a name (not <c>Prometheus.Metrics</c>).</summary>
    [GeneratedRegex(@"(?:\busing\s+VethExporter\.|\bVethExporter\.|(?<![\w.]))(?<folder>[A-Z][A-Za-z]+)(?:\s*;|\.[A-Z])")]
    private static partial Regex Reference();

    [GeneratedRegex(@"\bTmds\.Linux\b|\[(?:DllImport|LibraryImport)\b")]
    private static partial Regex Libc();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:""""|[^""])*""|\$?""(?:\\.|[^""\\\n])*""", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();
}
