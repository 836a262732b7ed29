using System.Text.Json;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// What an exporter wrote to its audit file, one JSON line each: the decisions (phase "result") and,
/// before every action, its intent.
/// </summary>
public static class AuditTrail
{
    public sealed record Line(string Name, string Source, string Caller, string Result, bool DryRun, IReadOnlyList<string> Blockers,
        string Phase = "result", string Action = "none", string? GoesWith = null);

    /// <summary>The decisions: one result line per interface.</summary>
    public static List<Line> Read(string path) => ReadAll(path).Where(l => l.Phase == "result").ToList();

    /// <summary>Every line, intents included, in the order written.</summary>
    public static List<Line> ReadAll(string path) =>
        !File.Exists(path) ? [] : File.ReadAllLines(path).Where(l => l.Length > 0).Select(l =>
        {
            using var document = JsonDocument.Parse(l);
            var root = document.RootElement;
            return new Line(root.GetProperty("interface").GetProperty("name").GetString()!, root.GetProperty("source").GetString()!,
                root.GetProperty("caller").GetString()!, root.GetProperty("result").GetString()!, root.GetProperty("dryRun").GetBoolean(),
                root.GetProperty("blockers").EnumerateArray().Select(b => b.GetString()!).ToList(),
                root.GetProperty("phase").GetString()!, root.GetProperty("action").GetString()!,
                root.TryGetProperty("goesWith", out var with) ? with.GetString() : null);
        }).ToList();
}
