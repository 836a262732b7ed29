using VethExporter.Interop;

namespace VethExporter.Firewall;

/// <summary>Finds tools on a search path, with the symbolic links they resolve through.</summary>
internal static class ToolLocator
{
    private const int MaxLinks = 16;

    public static FoundTool? Find(string tool, IReadOnlyList<string> searchPath)
    {
        foreach (var directory in searchPath)
        {
            string path = Path.Combine(directory, tool);
            if (File.Exists(path)) return new FoundTool(tool, path, Chain(path));
        }
        return null;
    }

    private static List<string> Chain(string path)
    {
        var chain = new List<string> { path };
        Span<byte> target = stackalloc byte[4096];
        for (int i = 0; i < MaxLinks; i++)
        {
            int n = PosixFile.ReadLink(path, target);
            if (n < 0) break;
            string next = System.Text.Encoding.UTF8.GetString(target[..n]);
            path = Path.IsPathRooted(next) ? next : Path.Combine(Path.GetDirectoryName(path) ?? "/", next);
            chain.Add(path);
        }
        return chain;
    }
}

/// <summary>A tool found on the search path.</summary>
/// <param name="Chain">The path and every symbolic link target after it, last the real file: it tells which backend the unsuffixed name is.</param>
public sealed record FoundTool(string Name, string Path, IReadOnlyList<string> Chain);
