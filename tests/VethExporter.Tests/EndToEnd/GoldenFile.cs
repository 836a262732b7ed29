using System.Text;

namespace VethExporter.Tests.EndToEnd;

/// <summary>
/// Compares an output with its golden file and fails with the lines that differ; with
/// <c>VETH_UPDATE_GOLDEN=1</c> it writes the output as the new golden file instead.
/// </summary>
internal static class GoldenFile
{
    public static bool Updating => Environment.GetEnvironmentVariable("VETH_UPDATE_GOLDEN") == "1";

    public static void Check(string path, string actual)
    {
        if (Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; create it with VETH_UPDATE_GOLDEN=1");
        string expected = File.ReadAllText(path);
        if (expected == actual) return;
        Assert.Fail($"{Path.GetFileName(path)} differs from the pipeline's output (- golden, + actual); if the change is intended, "
            + $"regenerate with VETH_UPDATE_GOLDEN=1:\n{Diff(expected.Split('\n'), actual.Split('\n'))}");
    }

    /// <summary>A line diff (longest common subsequence), changed lines with two lines of context, numbered as in the golden file.</summary>
    public static string Diff(string[] expected, string[] actual)
    {
        int n = expected.Length, m = actual.Length;
        var common = new int[n + 1, m + 1];
        for (int i = n - 1; i >= 0; i--)
            for (int j = m - 1; j >= 0; j--)
                common[i, j] = expected[i] == actual[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
        var lines = new List<(char Kind, int Line, string Text)>();
        int a = 0, b = 0;
        while (a < n || b < m)
        {
            if (a < n && b < m && expected[a] == actual[b]) lines.Add((' ', ++a, actual[b++]));
            else if (a < n && (b == m || common[a + 1, b] >= common[a, b + 1])) lines.Add(('-', ++a, expected[a - 1]));
            else lines.Add(('+', a, actual[b++]));
        }
        var text = new StringBuilder();
        int lastShown = -1;
        for (int i = 0; i < lines.Count; i++)
        {
            bool near = false;
            for (int k = Math.Max(0, i - 2); k <= Math.Min(lines.Count - 1, i + 2) && !near; k++) near = lines[k].Kind != ' ';
            if (!near) continue;
            if (lastShown >= 0 && i > lastShown + 1) text.Append("  ...\n");
            text.Append(lines[i].Kind).Append(' ').Append(lines[i].Line.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(4))
                .Append(" | ").Append(lines[i].Text).Append('\n');
            lastShown = i;
        }
        return text.ToString();
    }
}
