namespace VethExporter.Firewall;

/// <summary>Where the listing tools are looked for, and how long and how much each one may take.</summary>
/// <param name="SearchPath">Directories searched in order for each tool (tests point this at a directory of their own).</param>
/// <param name="Timeout">A listing still running after this is killed and counted as failed.</param>
/// <param name="OutputCap">Bytes of standard output one listing may produce; more is killed and counted as failed.</param>
public sealed record FirewallOptions(IReadOnlyList<string> SearchPath, TimeSpan Timeout, long OutputCap)
{
    public static IReadOnlyList<string> SystemPath { get; } = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin"];

    /// <summary>15 s and 64 MiB: the rules of a node with tens of thousands of Kubernetes services fit well within.</summary>
    public static FirewallOptions Default { get; } = new(SystemPath, TimeSpan.FromSeconds(15), 64L * 1024 * 1024);
}
