using VethExporter.Firewall;

namespace VethExporter.KernelTests.Support;

/// <summary>
/// A throw-away directory the scanner is told to find its firewall tools in: links to the machine's real
/// tools, minus the ones a test wants missing, plus stand-in scripts. Deleted on dispose.
/// </summary>
public sealed class ToolDirectory : IDisposable
{
    public ToolDirectory()
    {
        Path = Directory.CreateTempSubdirectory("vxt-tools-").FullName;
    }

    public string Path { get; }

    /// <summary>Every listing tool the scanner knows, linked to the real one where the machine has it.</summary>
    public static IEnumerable<string> AllTools =>
        XtablesFamily.All.SelectMany(f => new[] { f.GenericTool, f.LegacyTool, f.NftTool }).Append("nft");

    /// <summary>Links every known tool this machine has, except <paramref name="missing"/>.</summary>
    public ToolDirectory WithRealToolsExcept(params string[] missing)
    {
        foreach (var tool in AllTools.Except(missing))
        {
            if (Tools.Find(tool) is { } real) File.CreateSymbolicLink(System.IO.Path.Combine(Path, tool), real);
        }
        return this;
    }

    /// <summary>Replaces (or adds) <paramref name="tool"/> with a shell script.</summary>
    public ToolDirectory WithScript(string tool, string body)
    {
        string file = System.IO.Path.Combine(Path, tool);
        File.Delete(file);
        File.WriteAllText(file, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return this;
    }

    public FirewallOptions Options(TimeSpan? timeout = null, long? outputCap = null) => new(
        [Path],
        timeout ?? FirewallOptions.Default.Timeout,
        outputCap ?? FirewallOptions.Default.OutputCap);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
