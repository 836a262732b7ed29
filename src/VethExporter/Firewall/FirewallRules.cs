namespace VethExporter.Firewall;

/// <summary>
/// The names the scanned namespace's rules mention, the chains and rules CNI plugins left there (found in
/// the same listings), and every listing that could not be trusted.
/// </summary>
public sealed record FirewallRules(IReadOnlySet<string> References, IReadOnlyList<string> Failures)
{
    /// <summary>What CNI plugins made, from every listing merged (<see cref="CniChainParser.Merge"/>). Incomplete unless <see cref="Complete"/>.</summary>
    public CniListingFacts Cni { get; init; } = CniListingFacts.Empty;

    public static FirewallRules Empty { get; } = new(new HashSet<string>(), []);

    /// <summary>A listing we could not read is doubt: no orphan may then be called free of references.</summary>
    public bool Complete => Failures.Count == 0;
}

/// <summary>Finds which of the given interface names the scanned namespace's firewall rules mention.</summary>
internal interface IFirewallRules
{
    Task<FirewallRules> ReadAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken);
}
