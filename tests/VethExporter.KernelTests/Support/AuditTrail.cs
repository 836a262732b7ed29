using System.Text.Json;

namespace VethExporter.KernelTests.Support;

/// <summary>The decisions an exporter wrote to its audit file, one JSON line each.</summary>
public static class AuditTrail
{
    public sealed record Line(string Name, string Source, string Caller, string Result, bool DryRun, IReadOnlyList<string> Blockers);

    public static List<Line> Read(string path) =>
        !File.Exists(path) ? [] : File.ReadAllLines(path).Where(l => l.Length > 0).Select(l =>
        {
            using var document = JsonDocument.Parse(l);
            var root = document.RootElement;
            return new Line(root.GetProperty("interface").GetProperty("name").GetString()!, root.GetProperty("source").GetString()!,
                root.GetProperty("caller").GetString()!, root.GetProperty("result").GetString()!, root.GetProperty("dryRun").GetBoolean(),
                root.GetProperty("blockers").EnumerateArray().Select(b => b.GetString()!).ToList());
        }).ToList();
}
