namespace VethExporter.Firewall;

/// <summary>The names the scanned namespace's rules mention, and every listing that could not be trusted.</summary>
public sealed record FirewallRules(IReadOnlySet<string> References, IReadOnlyList<string> Failures)
{
    public static FirewallRules Empty { get; } = new(new HashSet<string>(), []);

    /// <summary>A listing we could not read is doubt: no orphan may then be called free of references.</summary>
    public bool Complete => Failures.Count == 0;
}
