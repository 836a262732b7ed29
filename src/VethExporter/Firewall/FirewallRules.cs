namespace VethExporter.Firewall;

/// <summary>The rule listings read in one scan, and the tools that failed to list theirs.</summary>
public sealed record FirewallRules(string Text, IReadOnlyList<string> Failures)
{
    public static FirewallRules Empty { get; } = new("", []);

    /// <summary>A listing we could not read is doubt: no orphan may then be called free of references.</summary>
    public bool Complete => Failures.Count == 0;
}
